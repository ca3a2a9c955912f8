/* test_forward.c -- unit tests for X-Forwarded-For (src/forward.c).
 *
 * Groups: addr, client. */
#include "check.h"
#include "forward.h"

#include <string.h>

/* forward_client() on a C string; the client (or "") goes to out. */
static int client(const char *value, const char *const *trusted, size_t n,
                  char out[FORWARD_ADDR_MAX])
{
    out[0] = '\0';
    return forward_client(value, strlen(value), trusted, n, out);
}

static void addr(void)
{
    CHECK(forward_valid_addr("127.0.0.1"));
    CHECK(forward_valid_addr("203.0.113.7"));
    CHECK(forward_valid_addr("::1"));
    CHECK(forward_valid_addr("2001:db8::42"));
    CHECK(forward_valid_addr("::ffff:10.0.0.1"));
    CHECK(!forward_valid_addr(""));
    CHECK(!forward_valid_addr("localhost"));
    CHECK(!forward_valid_addr("127.0.0.1:80"));
    CHECK(!forward_valid_addr("[::1]"));
    CHECK(!forward_valid_addr("1.2.3"));
    CHECK(!forward_valid_addr("256.1.1.1"));
    CHECK(!forward_valid_addr(" 1.2.3.4"));
}

static void client_(void)
{
    static const char *const proxy[] = { "10.0.0.1" };
    static const char *const chain[] = { "10.0.0.1", "10.0.0.2", "::1" };
    char out[FORWARD_ADDR_MAX];

    /* One element: the address the proxy accepted. */
    CHECK_EQ_INT(client("203.0.113.7", proxy, 1, out), 1);
    CHECK(strcmp(out, "203.0.113.7") == 0);
    /* The rightmost counts; what the client wrote on the left does not. */
    CHECK_EQ_INT(client("6.6.6.6, 203.0.113.7", proxy, 1, out), 1);
    CHECK(strcmp(out, "203.0.113.7") == 0);
    CHECK_EQ_INT(client("6.6.6.6,203.0.113.7", proxy, 1, out), 1);
    CHECK(strcmp(out, "203.0.113.7") == 0);
    /* Trusted proxies on the right are skipped, the first other wins. */
    CHECK_EQ_INT(client("6.6.6.6, 198.51.100.9, 10.0.0.2, ::1", chain, 3,
                        out), 1);
    CHECK(strcmp(out, "198.51.100.9") == 0);
    /* All trusted: the leftmost. */
    CHECK_EQ_INT(client("10.0.0.2,\t10.0.0.1 ", chain, 3, out), 1);
    CHECK(strcmp(out, "10.0.0.2") == 0);
    /* IPv6, and an IPv4-mapped address matching a trusted IPv4 one. */
    CHECK_EQ_INT(client("2001:db8::7", proxy, 1, out), 1);
    CHECK(strcmp(out, "2001:db8::7") == 0);
    CHECK_EQ_INT(client("2001:db8::7, ::ffff:10.0.0.1", proxy, 1, out), 1);
    CHECK(strcmp(out, "2001:db8::7") == 0);
    /* Empty: nothing to say. */
    CHECK_EQ_INT(client("", proxy, 1, out), 0);
    /* Malformed elements where they are read: the header is ignored. */
    CHECK_EQ_INT(client("evil", proxy, 1, out), -1);
    CHECK_EQ_INT(client("1.2.3.4, ", proxy, 1, out), -1);
    CHECK_EQ_INT(client("1.2.3.4,,10.0.0.1", proxy, 1, out), -1);
    CHECK_EQ_INT(client("203.0.113.7:4444", proxy, 1, out), -1);
    CHECK_EQ_INT(client("unknown", proxy, 1, out), -1);
    CHECK_EQ_INT(client("1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa",
                        proxy, 1, out), -1);
    /* Garbage left of the client is never read. */
    CHECK_EQ_INT(client("<script>, 203.0.113.7", proxy, 1, out), 1);
    CHECK(strcmp(out, "203.0.113.7") == 0);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "addr", addr },
        { "client", client_ },
        { NULL, NULL }
    };
    return check_main(argc, argv, groups);
}
