/* test_auth.c -- auth_load() as a reload would call it, the Origin
 * allow-list and the inner secret check.
 *
 *   test_auth [GROUP]   run the checks (see check.h) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "check.h"

static char dir[] = "/tmp/test_auth.XXXXXX";

/* Write text to the file dir/name with the given mode; returns its path
 * (one buffer per name: "secret" and "origins"). */
static const char *put(const char *name, const char *text, mode_t mode)
{
    static char paths[2][256];
    char *p = paths[name[0] == 's'];
    FILE *f;

    snprintf(p, sizeof paths[0], "%s/%s", dir, name);
    f = fopen(p, "w");
    if (f == NULL) abort();
    fputs(text, f);
    fclose(f);
    chmod(p, mode);
    return p;
}

/* A failed reload keeps every old value; a good one replaces them all. */
static void test_reload(void)
{
    static auth_config a;       /* static: zeroed, as server_config_init */
    char err[512];
    const char *sf = put("secret", "first-secret-0123456789\n", 0600);
    const char *of = put("origins", "https://a.example\n", 0644);

    a.secret_file = sf;
    a.origin_file = of;
    CHECK(auth_add_origin(&a, "https://cli.example") == 0);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), 0);
    CHECK(a.secret_len == 23 && memcmp(a.secret, "first-secret-0123456789",
                                       23) == 0);
    CHECK_EQ_INT(a.norigins, 2);
    CHECK(auth_origin_allowed(&a, "https://a.example", 17));
    CHECK(auth_origin_allowed(&a, "https://cli.example", 19));

    /* Broken edits: the old secret and list stay. */
    put("secret", "second-secret-0123456789\n", 0644);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), -1);
    CHECK(strstr(err, "open to other users") != NULL);
    put("secret", "second-secret-0123456789\n", 0600);
    put("origins", "https://b.example\nnot an origin\n", 0644);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), -1);
    CHECK(strstr(err, "origins:2:") != NULL);
    CHECK(a.secret_len == 23 && memcmp(a.secret, "first-secret", 12) == 0);
    CHECK(auth_origin_allowed(&a, "https://a.example", 17));
    CHECK(!auth_origin_allowed(&a, "https://b.example", 17));

    /* Fixed: both change, and reloading twice does not repeat origins. */
    put("origins", "https://b.example\n", 0644);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), 0);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), 0);
    CHECK(a.secret_len == 24 && memcmp(a.secret, "second-secret", 13) == 0);
    CHECK_EQ_INT(a.norigins, 2);
    CHECK(!auth_origin_allowed(&a, "https://a.example", 17));
    CHECK(auth_origin_allowed(&a, "https://b.example", 17));
    CHECK(auth_origin_allowed(&a, "https://cli.example", 19));
    unlink(sf);
    unlink(of);
}

/* Exact matches only; no list or no header lets anyone in. */
static void test_origins(void)
{
    static auth_config a;
    char err[512], many[AUTH_MAX_ORIGINS + 1][32];
    int i;

    CHECK(auth_origin_allowed(&a, "https://any.example", 19));
    CHECK(auth_add_origin(&a, "https://x.example:8443") == 0);
    CHECK(auth_add_origin(&a, "null") == 0);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), 0);
    CHECK(auth_origin_allowed(&a, "https://x.example:8443", 22));
    CHECK(auth_origin_allowed(&a, "null", 4));
    CHECK(auth_origin_allowed(&a, NULL, 0));
    CHECK(!auth_origin_allowed(&a, "https://x.example", 17));
    CHECK(!auth_origin_allowed(&a, "https://x.example:8443x", 23));
    CHECK(!auth_origin_allowed(&a, "nul", 3));
    CHECK(!auth_origin_allowed(&a, "", 0));

    /* At most AUTH_MAX_ORIGINS. */
    memset(&a, 0, sizeof a);
    for (i = 0; i < AUTH_MAX_ORIGINS; i++) {
        snprintf(many[i], sizeof many[i], "https://h%d.example", i);
        CHECK(auth_add_origin(&a, many[i]) == 0);
    }
    CHECK(auth_add_origin(&a, "https://one-more.example") == -1);
    CHECK_EQ_INT(auth_load(&a, err, sizeof err), 0);
    CHECK(auth_origin_allowed(&a, "https://h63.example", 19));
}

/* "auth SECRET" with exactly the secret, nothing else. */
static void test_inner(void)
{
    static auth_config a;

    memcpy(a.inner_secret, "inner-secret-0123", 17);
    a.inner_secret_len = 17;
    CHECK(auth_inner_check(&a, "auth inner-secret-0123", 22) == NULL);
    CHECK(strcmp(auth_inner_check(&a, "auth inner-secret-0124", 22),
                 "bad auth") == 0);
    CHECK(strcmp(auth_inner_check(&a, "auth inner-secret-01234", 23),
                 "bad auth") == 0);
    CHECK(strcmp(auth_inner_check(&a, "auth inner-secret-012", 21),
                 "bad auth") == 0);
    CHECK(strcmp(auth_inner_check(&a, "auth ", 5), "bad auth") == 0);
    CHECK(strcmp(auth_inner_check(&a, "{\"uid\":\"u\"}", 11),
                 "auth required") == 0);
    CHECK(strcmp(auth_inner_check(&a, "Auth inner-secret-0123", 22),
                 "auth required") == 0);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "reload", test_reload },
        { "origins", test_origins },
        { "inner", test_inner },
        { NULL, NULL }
    };
    int rc;

    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    rc = check_main(argc, argv, groups);
    rmdir(dir);
    return rc;
}
