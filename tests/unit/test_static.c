/* test_static.c -- static_resolve() and static_type(): which request
 * targets name a file of the web folder, and which are refused, with no
 * file system involved (tests/web.bats serves real files with curl).
 *
 *   test_static [GROUP]   run the checks (see check.h) */
#include "check.h"
#include "static.h"

/* target resolves to name. */
#define CHECK_NAME(target, want) do { \
    char name_[STATIC_NAME_MAX + 1]; \
    const char *why_ = NULL; \
    CHECK_EQ_INT(static_resolve((target), strlen(target), name_, &why_), 0); \
    CHECK(strcmp(name_, (want)) == 0); \
} while (0)

/* target is refused with status and reason. */
#define CHECK_REFUSED(target, status, reason) do { \
    char name_[STATIC_NAME_MAX + 1]; \
    const char *why_ = NULL; \
    CHECK_EQ_INT(static_resolve((target), strlen(target), name_, &why_), \
                 (status)); \
    CHECK(why_ != NULL && strcmp(why_, (reason)) == 0); \
} while (0)

static void test_names(void)
{
    CHECK_NAME("/", "");
    CHECK_NAME("/?uid=a&server=ws://h:1/x", "");
    CHECK_NAME("/web.html", "web.html");
    CHECK_NAME("/seed.html?uid=1", "seed.html");
    CHECK_NAME("/my%20page.html", "my page.html");
    CHECK_NAME("/%41%62c.txt", "Abc.txt");
    CHECK_NAME("/a..b.css", "a..b.css");       /* dots inside are fine */
    CHECK_NAME("/x.js?../../etc", "x.js");       /* the query is not a path */
}

static void test_refusals(void)
{
    static const char *const outside[] = {
        "/../x.txt", "/..%2fx.txt", "/%2e%2e%2Fx.txt", "/sub/x.txt",
        "//x.txt", "/x.txt/", "/a%2Fb.txt",
    };
    size_t i;

    for (i = 0; i < sizeof outside / sizeof outside[0]; i++)
        CHECK_REFUSED(outside[i], 404,
                      "only files directly in the web folder are served");
    CHECK_REFUSED("/.env.txt", 404, "names starting with a dot are not served");
    CHECK_REFUSED("/..", 404, "names starting with a dot are not served");
    CHECK_REFUSED("/%2e%2e", 404, "names starting with a dot are not served");
    CHECK_REFUSED("/push.php", 404,
                  "file type not served (html, js, css, png, svg, txt)");
    CHECK_REFUSED("/README", 404,
                  "file type not served (html, js, css, png, svg, txt)");
    CHECK_REFUSED("/x.HTML", 404,
                  "file type not served (html, js, css, png, svg, txt)");
    CHECK_REFUSED("", 400, "request target must be a path");
    CHECK_REFUSED("*", 400, "request target must be a path");
    CHECK_REFUSED("http://h/web.html", 400, "request target must be a path");
    CHECK_REFUSED("/a%2", 400, "bad %-escape in the path");
    CHECK_REFUSED("/a%", 400, "bad %-escape in the path");
    CHECK_REFUSED("/a%g0.txt", 400, "bad %-escape in the path");
    CHECK_REFUSED("/a%00.txt", 400, "control character in the path");
    CHECK_REFUSED("/a%0a.txt", 400, "control character in the path");
    CHECK_REFUSED("/a%7f.txt", 400, "control character in the path");
}

/* Names up to STATIC_NAME_MAX bytes pass; one more is refused. */
static void test_length(void)
{
    char target[STATIC_NAME_MAX + 3], want[STATIC_NAME_MAX + 1];

    target[0] = '/';
    memset(target + 1, 'a', STATIC_NAME_MAX - 4);
    memcpy(target + STATIC_NAME_MAX - 3, ".txt", 5);
    memcpy(want, target + 1, STATIC_NAME_MAX + 1);
    CHECK_EQ_INT(strlen(want), STATIC_NAME_MAX);
    CHECK_NAME(target, want);
    memmove(target + 2, target + 1, STATIC_NAME_MAX + 1);
    CHECK_REFUSED(target, 404, "file name too long");
}

static void test_types(void)
{
    CHECK(strcmp(static_type("a.html"), "text/html; charset=utf-8") == 0);
    CHECK(strcmp(static_type("a.js"), "text/javascript; charset=utf-8") == 0);
    CHECK(strcmp(static_type("a.css"), "text/css; charset=utf-8") == 0);
    CHECK(strcmp(static_type("a.png"), "image/png") == 0);
    CHECK(strcmp(static_type("a.svg"), "image/svg+xml") == 0);
    CHECK(strcmp(static_type("a.txt"), "text/plain; charset=utf-8") == 0);
    CHECK(strcmp(static_type("a.tar.txt"), "text/plain; charset=utf-8") == 0);
    CHECK(static_type("a.htm") == NULL);
    CHECK(static_type("a.html.php") == NULL);
    CHECK(static_type("html") == NULL);
    CHECK(static_type("") == NULL);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "names", test_names },
        { "refusals", test_refusals },
        { "length", test_length },
        { "types", test_types },
        { NULL, NULL }
    };

    return check_main(argc, argv, groups);
}
