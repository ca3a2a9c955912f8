/* test_handshake.c -- the opening handshake: requests real clients send,
 * requests split anywhere, every reason to refuse, and the replies.
 *
 *   test_handshake [GROUP]   run the checks (see check.h) */
#include <stdint.h>

#include "check.h"
#include "handshake.h"

/* The pieces of a valid request (RFC 6455 §1.3), to build variants from.
 * Requests are string literals, so sizeof gives their length even when
 * they hold a NUL. */
#define GET     "GET /chat HTTP/1.1\r\n"
#define HOST    "Host: server.example.com\r\n"
#define UPGRADE "Upgrade: websocket\r\n"
#define CONN    "Connection: Upgrade\r\n"
#define KEY     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
#define VERSION "Sec-WebSocket-Version: 13\r\n"
#define END     "\r\n"

#define CAP 8192        /* a cap on the head that no test request reaches */

/* Parse the string literal req whole; the result is in r. */
#define PARSE(lit, r) hs_parse((lit), sizeof(lit) - 1, CAP, (r))

/* The request is refused with status, and a reason that contains word
 * (which says the right check fired) and is one short line. */
#define CHECK_REFUSED(lit, want_status, word) do { \
    hs_request r_; \
    CHECK_EQ_INT(PARSE(lit, &r_), HS_ERROR); \
    CHECK_EQ_INT(r_.status, (want_status)); \
    CHECK(r_.reason != NULL && strstr(r_.reason, (word)) != NULL); \
    CHECK(r_.reason != NULL && strlen(r_.reason) < 100 && \
          strpbrk(r_.reason, "\r\n") == NULL); \
} while (0)

/* Does the span p, n hold exactly the string want? */
static int is(const char *p, size_t n, const char *want)
{
    return p != NULL && n == strlen(want) && memcmp(p, want, n) == 0;
}

/* The examples of RFC 6455 §1.3 and of the seed's handshake. */
static void test_accept(void)
{
    char accept[HS_ACCEPT_LEN + 1];
    char key[HS_KEY_LEN];           /* no NUL: hs_accept_key needs none */

    memcpy(key, "dGhlIHNhbXBsZSBub25jZQ==", HS_KEY_LEN);
    hs_accept_key(key, accept);
    CHECK(strcmp(accept, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == 0);

    memcpy(key, "x3JJHMbDL1EzLkh9GBhXDw==", HS_KEY_LEN);
    hs_accept_key(key, accept);
    CHECK(strcmp(accept, "HSmrc0sMlYUkAGmm5OPpG2HaGWk=") == 0);
}

static const char chromium[] =
    "GET /chat HTTP/1.1\r\n"
    "Host: localhost:8080\r\n"
    "Connection: Upgrade\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n"
    "Upgrade: websocket\r\n"
    "Origin: http://localhost:8080\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Accept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Cookie: session=caf\xc3\xa9\r\n"
    "Sec-WebSocket-Key: x3JJHMbDL1EzLkh9GBhXDw==\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "Sec-WebSocket-Protocol: chat, superchat\r\n"
    "\r\n";

static const char python[] =
    "GET /ws?room=1 HTTP/1.1\r\n"
    "Host: example.com:8765\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
    "User-Agent: Python/3.11 websockets/12.0\r\n"
    "\r\n";

/* Requests that must be accepted, and what is found in them. */
static void test_valid(void)
{
    static const char mixed[] =
        "GET / HTTP/1.1\r\n"
        "host: a\r\n"
        "upgrade:WebSocket\r\n"
        "CONNECTION: keep-alive ,\tUpgrade \r\n"
        "sec-websocket-key: \t dGhlIHNhbXBsZSBub25jZQ==  \r\n"
        "SEC-WEBSOCKET-VERSION: 13\r\n"
        "origin:\r\n"
        "\r\n";
    static const char lf_only[] =
        "GET /lf HTTP/1.1\n" "Host: x\n" "Upgrade: websocket\n"
        "Connection: upgrade\n" "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"
        "Sec-WebSocket-Version: 13\n" "\n";
    static const char frames[] =
        GET HOST UPGRADE CONN KEY VERSION END "\x81\x85\x37\xfa\x21\x3d";
    hs_request r;

    CHECK_EQ_INT(PARSE(chromium, &r), HS_OK);
    CHECK_EQ_INT(r.length, sizeof chromium - 1);
    CHECK(is(r.target, r.target_len, "/chat"));
    CHECK(strcmp(r.key, "x3JJHMbDL1EzLkh9GBhXDw==") == 0);
    CHECK(is(r.protocols, r.protocols_len, "chat, superchat"));
    CHECK(is(r.origin, r.origin_len, "http://localhost:8080"));
    CHECK_EQ_INT(r.upgrade, 1);

    CHECK_EQ_INT(PARSE(python, &r), HS_OK);
    CHECK_EQ_INT(r.length, sizeof python - 1);
    CHECK(is(r.target, r.target_len, "/ws?room=1"));
    CHECK(strcmp(r.key, "dGhlIHNhbXBsZSBub25jZQ==") == 0);
    CHECK(r.protocols == NULL && r.origin == NULL);

    /* Any case in names and tokens; white space around values and list
     * elements; an empty value. */
    CHECK_EQ_INT(PARSE(mixed, &r), HS_OK);
    CHECK(strcmp(r.key, "dGhlIHNhbXBsZSBub25jZQ==") == 0);
    CHECK(r.origin != NULL && r.origin_len == 0);

    /* Bare LF line endings, alone and mixed with CR LF. */
    CHECK_EQ_INT(PARSE(lf_only, &r), HS_OK);
    CHECK_EQ_INT(r.length, sizeof lf_only - 1);
    CHECK(is(r.target, r.target_len, "/lf"));
    CHECK_EQ_INT(PARSE(GET HOST "Upgrade: websocket\n" CONN KEY VERSION "\n",
                       &r), HS_OK);

    /* Bytes after the head are the client's first frame, not the head's. */
    CHECK_EQ_INT(PARSE(frames, &r), HS_OK);
    CHECK_EQ_INT(r.length, sizeof frames - 1 - 6);

    /* Only the first Sec-WebSocket-Protocol and Origin count. */
    CHECK_EQ_INT(PARSE(GET HOST UPGRADE CONN KEY VERSION
                       "Sec-WebSocket-Protocol: a\r\n"
                       "Origin: https://one\r\nOrigin: https://two\r\n"
                       "Sec-WebSocket-Protocol: b\r\n" END, &r), HS_OK);
    CHECK(is(r.protocols, r.protocols_len, "a"));
    CHECK(is(r.origin, r.origin_len, "https://one"));

    /* Repeated Upgrade and Connection headers add to one list. */
    CHECK_EQ_INT(PARSE(GET HOST UPGRADE "Upgrade: h2c\r\n" CONN
                       "Connection: keep-alive\r\n" KEY VERSION END, &r),
                 HS_OK);

    /* Later HTTP/1 minor versions, and Upgrade offering several. */
    CHECK_EQ_INT(PARSE("GET / HTTP/1.2\r\n" HOST UPGRADE CONN KEY VERSION END,
                       &r), HS_OK);
    CHECK_EQ_INT(PARSE(GET HOST "Upgrade: h2c, websocket\r\n" CONN KEY
                       VERSION END, &r), HS_OK);
}

/* Feed a request one more byte at a time, each time in a buffer of exactly
 * that size (so a read past the end shows under ASan or valgrind): it is
 * incomplete until its last byte. */
static void check_incremental(const char *text, size_t len)
{
    hs_request r;
    char *buf;
    size_t n;
    int got;

    for (n = 1; n <= len; n++) {
        buf = malloc(n);
        if (!buf) {
            CHECK(buf != NULL);
            return;
        }
        memcpy(buf, text, n);
        got = hs_parse(buf, n, CAP, &r);
        if (n < len) {
            CHECK_EQ_INT(got, HS_INCOMPLETE);
        } else {
            CHECK_EQ_INT(got, HS_OK);
            CHECK_EQ_INT(r.length, len);
        }
        free(buf);
    }
}

static void test_incremental(void)
{
    static const char lf_only[] =
        "GET / HTTP/1.1\n" "Host: x\n" "Upgrade: websocket\n"
        "Connection: upgrade\n" "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\n"
        "Sec-WebSocket-Version: 13\n" "\n";
    hs_request r;

    check_incremental(chromium, sizeof chromium - 1);
    check_incremental(python, sizeof python - 1);
    check_incremental(lf_only, sizeof lf_only - 1);
    CHECK_EQ_INT(hs_parse("", 0, CAP, &r), HS_INCOMPLETE);
}

/* Each reason to refuse a complete request, with its status. */
static void test_refuse(void)
{
    hs_request r;

    /* The request line. */
    CHECK_REFUSED("POST /chat HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "GET");
    CHECK_REFUSED("get /chat HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "GET");
    CHECK_REFUSED("GET /chat HTTP/1.0\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP/1.1");
    CHECK_REFUSED("GET /chat HTTP/2.0\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP");
    CHECK_REFUSED("GET /chat http/1.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP version");
    CHECK_REFUSED("GET /chat HTTP/1.1 \r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP version");
    CHECK_REFUSED("GET  /chat HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "target");
    CHECK_REFUSED("GET /ch\x01t HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "target");
    CHECK_REFUSED("GET /chat\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "request line");
    CHECK_REFUSED("\r\n" GET HOST UPGRADE CONN KEY VERSION END,
                  400, "request line");
    CHECK_REFUSED("G(T /chat HTTP/1.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "request method");
    CHECK_REFUSED("GET /chat HTTP/x.1\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP version");
    CHECK_REFUSED("GET /chat HTTP/1.x\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP version");
    CHECK_REFUSED("GET /chat HTTP/1.10\r\n" HOST UPGRADE CONN KEY VERSION END,
                  400, "HTTP version");

    /* The syntax of header lines. */
    CHECK_REFUSED(GET HOST UPGRADE CONN KEY VERSION " folded\r\n" END,
                  400, "folding");
    CHECK_REFUSED(GET "\tHost: x\r\n" UPGRADE CONN KEY VERSION END,
                  400, "folding");
    CHECK_REFUSED(GET "Host : x\r\n" UPGRADE CONN KEY VERSION END,
                  400, "colon");
    CHECK_REFUSED(GET "Host\t: x\r\n" UPGRADE CONN KEY VERSION END,
                  400, "colon");
    CHECK_REFUSED(GET HOST "X-Note: a\0b\r\n" UPGRADE CONN KEY VERSION END,
                  400, "control");
    CHECK_REFUSED(GET HOST "X-Note: a\rb\r\n" UPGRADE CONN KEY VERSION END,
                  400, "control");
    CHECK_REFUSED(GET HOST "X-Note: a\x7f\r\n" UPGRADE CONN KEY VERSION END,
                  400, "control");
    CHECK_REFUSED(GET HOST "X-Note\r\n" UPGRADE CONN KEY VERSION END,
                  400, "colon");
    CHECK_REFUSED(GET HOST ": x\r\n" UPGRADE CONN KEY VERSION END,
                  400, "name");
    CHECK_REFUSED(GET HOST "X(Note): x\r\n" UPGRADE CONN KEY VERSION END,
                  400, "name");

    /* What a WebSocket handshake needs. */
    CHECK_REFUSED(GET HOST CONN KEY VERSION END, 400, "Upgrade");
    CHECK_REFUSED(GET HOST "Upgrade: h2c\r\n" CONN KEY VERSION END,
                  400, "Upgrade");
    CHECK_REFUSED(GET HOST "Upgrade: websockets\r\n" CONN KEY VERSION END,
                  400, "Upgrade");
    CHECK_REFUSED(GET HOST UPGRADE KEY VERSION END, 400, "Connection");
    CHECK_REFUSED(GET HOST UPGRADE "Connection: keep-alive\r\n" KEY VERSION
                  END, 400, "Connection");
    CHECK_REFUSED(GET HOST UPGRADE "Connection: upgrades\r\n" KEY VERSION
                  END, 400, "Connection");
    CHECK_REFUSED(GET UPGRADE CONN KEY VERSION END, 400, "Host");
    CHECK_REFUSED(GET HOST HOST UPGRADE CONN KEY VERSION END, 400, "Host");
    CHECK_REFUSED(GET HOST UPGRADE CONN VERSION END, 400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN KEY KEY VERSION END, 400, "Key");
    /* 15 and 17 bytes, 16 bytes unpadded, non-Base64, pad bits set. */
    CHECK_REFUSED(GET HOST UPGRADE CONN
                  "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA\r\n" VERSION END,
                  400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN
                  "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAA=\r\n" VERSION END,
                  400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN
                  "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==AA\r\n" VERSION
                  END, 400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ\r\n" VERSION END,
                  400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZ!==\r\n" VERSION
                  END, 400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR==\r\n" VERSION
                  END, 400, "Key");
    CHECK_REFUSED(GET HOST UPGRADE CONN KEY VERSION VERSION END,
                  400, "Version");
    CHECK_REFUSED(GET HOST UPGRADE CONN KEY "Sec-WebSocket-Version: 8\r\n"
                  END, 426, "13");
    CHECK_REFUSED(GET HOST UPGRADE CONN KEY "Sec-WebSocket-Version: 13, 8\r\n"
                  END, 426, "13");
    CHECK_REFUSED(GET HOST UPGRADE CONN KEY END, 426, "13");

    /* A syntax error wins over what the request asks for, and the checks
     * on meaning go in the documented order. */
    CHECK_REFUSED("POST /chat HTTP/1.0\r\n" HOST "Bad : x\r\n" END,
                  400, "colon");
    CHECK_REFUSED("POST /chat HTTP/1.0\r\n" END, 400, "GET");
    CHECK_REFUSED("GET /chat HTTP/1.0\r\n" END, 400, "HTTP/1.1");
    CHECK_REFUSED(GET CONN END, 400, "Upgrade");
    CHECK_REFUSED(GET UPGRADE KEY END, 400, "Connection");
    CHECK_REFUSED(GET UPGRADE CONN "Sec-WebSocket-Version: 8\r\n" END,
                  400, "Host");
    CHECK_REFUSED(GET HOST UPGRADE CONN "Sec-WebSocket-Version: 8\r\n" END,
                  400, "Key");

    /* A plain GET is told apart from a broken upgrade. */
    CHECK_EQ_INT(PARSE(GET HOST END, &r), HS_ERROR);
    CHECK_EQ_INT(r.upgrade, 0);
    CHECK_EQ_INT(r.length, sizeof(GET HOST END) - 1);
    CHECK(is(r.target, r.target_len, "/chat"));
    CHECK_EQ_INT(PARSE(GET HOST UPGRADE CONN VERSION END, &r), HS_ERROR);
    CHECK_EQ_INT(r.upgrade, 1);
}

/* The cap on the head's size, and refusals before the head is complete. */
static void test_limits(void)
{
    static const char req[] = GET HOST UPGRADE CONN KEY VERSION END;
    const size_t len = sizeof req - 1;
    hs_request r;

    /* A head that fits the cap exactly is fine; one byte less is not. */
    CHECK_EQ_INT(hs_parse(req, len, len, &r), HS_OK);
    CHECK_EQ_INT(hs_parse(req, len, len - 1, &r), HS_ERROR);
    CHECK_EQ_INT(r.status, 431);
    CHECK(r.reason != NULL && r.reason[0] != '\0');

    /* Once max bytes have come without the end, it is too large... */
    CHECK_EQ_INT(hs_parse(req, 40, 40, &r), HS_ERROR);
    CHECK_EQ_INT(r.status, 431);
    CHECK_EQ_INT(hs_parse(req, len - 1, 40, &r), HS_ERROR);
    CHECK_EQ_INT(r.status, 431);
    /* ...but not before. */
    CHECK_EQ_INT(hs_parse(req, 39, 40, &r), HS_INCOMPLETE);

    /* A malformed line is refused as soon as it has ended. */
    CHECK_EQ_INT(hs_parse("GET /\r\n", 7, CAP, &r), HS_ERROR);
    CHECK_EQ_INT(r.status, 400);
    CHECK_EQ_INT(hs_parse(GET "Host : x\r\n", sizeof(GET) + 9, CAP, &r),
                 HS_ERROR);
    CHECK_EQ_INT(r.status, 400);
    CHECK_EQ_INT(hs_parse(GET "Host : x", sizeof(GET) + 7, CAP, &r),
                 HS_INCOMPLETE);
}

/* Find the body of an HTTP response and check its Content-Length. */
static void check_body(const char *resp, size_t len, const char *want_body)
{
    const char *cl = strstr(resp, "\r\nContent-Length: ");
    const char *body = strstr(resp, "\r\n\r\n");

    CHECK(cl != NULL && body != NULL && cl < body);
    if (!cl || !body)
        return;
    body += 4;
    CHECK_EQ_INT(strtoul(cl + 18, NULL, 10), len - (size_t)(body - resp));
    CHECK(strcmp(body, want_body) == 0);
}

/* The replies, byte for byte, and what happens when they do not fit. */
static void test_format(void)
{
    static const char plain[] =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        "\r\n";
    static const char with_chat[] =
        "HTTP/1.1 101 Switching Protocols\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
        "Sec-WebSocket-Protocol: chat\r\n"
        "\r\n";
    const char *accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
    const char *reason = "Sec-WebSocket-Version 13 required";
    char buf[512];
    size_t n;

    n = hs_format_accept(buf, sizeof buf, accept, NULL);
    CHECK_EQ_INT(n, sizeof plain - 1);
    CHECK(strcmp(buf, plain) == 0);
    n = hs_format_accept(buf, sizeof buf, accept, "chat");
    CHECK_EQ_INT(n, sizeof with_chat - 1);
    CHECK(strcmp(buf, with_chat) == 0);

    /* The text and its NUL must fit. */
    CHECK_EQ_INT(hs_format_accept(buf, sizeof plain - 1, accept, NULL), 0);
    CHECK_EQ_INT(hs_format_accept(buf, sizeof plain, accept, NULL),
                 sizeof plain - 1);
    CHECK_EQ_INT(hs_format_accept(NULL, 0, accept, NULL), 0);

    n = hs_format_error(buf, sizeof buf, 426, reason);
    CHECK(n > 0 && n == strlen(buf));
    CHECK(strncmp(buf, "HTTP/1.1 426 Upgrade Required\r\n", 31) == 0);
    CHECK(strstr(buf, "\r\nSec-WebSocket-Version: 13\r\n") != NULL);
    CHECK(strstr(buf, "\r\nUpgrade: websocket\r\n") != NULL);
    CHECK(strstr(buf, "\r\nConnection: close\r\n") != NULL);
    check_body(buf, n, "Sec-WebSocket-Version 13 required\n");
    CHECK_EQ_INT(hs_format_error(buf, n, 426, reason), 0);
    CHECK_EQ_INT(hs_format_error(buf, n + 1, 426, reason), n);

    n = hs_format_error(buf, sizeof buf, 400, "method must be GET");
    CHECK(strncmp(buf, "HTTP/1.1 400 Bad Request\r\n", 26) == 0);
    CHECK(strstr(buf, "Sec-WebSocket-Version") == NULL);
    check_body(buf, n, "method must be GET\n");

    n = hs_format_error(buf, sizeof buf, 431, "");
    CHECK(strncmp(buf, "HTTP/1.1 431 Request Header Fields Too Large\r\n",
                  46) == 0);
    check_body(buf, n, "\n");

    CHECK(strcmp(hs_status_text(403), "Forbidden") == 0);
    CHECK(strcmp(hs_status_text(404), "Not Found") == 0);
    CHECK(strcmp(hs_status_text(405), "Method Not Allowed") == 0);
    CHECK(strcmp(hs_status_text(500), "Internal Server Error") == 0);
    CHECK(strcmp(hs_status_text(503), "Service Unavailable") == 0);
    CHECK(strcmp(hs_status_text(299), "Error") == 0);
}

/* hs_list_has(): exact elements of a comma-separated list. */
static void test_lists(void)
{
    static const char chat[] = "chat, superchat";

    CHECK_EQ_INT(hs_list_has(chat, strlen(chat), "chat"), 1);
    CHECK_EQ_INT(hs_list_has(chat, strlen(chat), "superchat"), 1);
    CHECK_EQ_INT(hs_list_has(chat, strlen(chat), "Chat"), 0);
    CHECK_EQ_INT(hs_list_has(chat, strlen(chat), "cha"), 0);
    CHECK_EQ_INT(hs_list_has(chat, strlen(chat), "super"), 0);
    CHECK_EQ_INT(hs_list_has(chat, strlen(chat), "chat, superchat"), 0);
    /* Only list_len bytes are the list. */
    CHECK_EQ_INT(hs_list_has(chat, 4, "chat"), 1);
    CHECK_EQ_INT(hs_list_has(chat, 4, "superchat"), 0);
    CHECK_EQ_INT(hs_list_has(chat, 14, "superchat"), 0);
    /* White space around elements; empty elements are not offered. */
    CHECK_EQ_INT(hs_list_has(" \ta ,\tb\t", 8, "b"), 1);
    CHECK_EQ_INT(hs_list_has(" \ta ,\tb\t", 8, "a"), 1);
    CHECK_EQ_INT(hs_list_has("a,,b", 4, ""), 0);
    CHECK_EQ_INT(hs_list_has("", 0, ""), 0);
    CHECK_EQ_INT(hs_list_has(NULL, 0, "chat"), 0);
    CHECK_EQ_INT(hs_list_has("x y", 3, "x"), 0);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "accept", test_accept },
        { "valid", test_valid },
        { "incremental", test_incremental },
        { "refuse", test_refuse },
        { "limits", test_limits },
        { "format", test_format },
        { "lists", test_lists },
        { NULL, NULL }
    };

    return check_main(argc, argv, groups);
}
