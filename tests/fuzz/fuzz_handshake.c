/* fuzz_handshake.c -- the opening handshake parser (handshake.c).
 *
 * Input: byte 0 picks the head size cap (16 to 8192 bytes), bytes 1-4 seed
 * the generator that picks prefixes, the rest is what a client sent. The
 * whole is parsed, and what hs_parse() says is checked against
 * handshake.h: a valid head yields a 24-character key that is Base64 for
 * 16 bytes and pointers inside the head; a refusal yields 400, 426 or 431
 * with a one-line reason; the replies can be formatted. Then a few
 * prefixes are parsed, as the server parses each time more bytes arrive:
 * once a prefix gets an answer, the whole must get the same one, or the
 * answer would depend on how the network split the request. */
#include "fuzz.h"
#include "base64.h"
#include "handshake.h"

/* Whether [p, p+n) lies within [buf, buf+len). */
static int inside(const char *p, size_t n, const char *buf, size_t len)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)buf;

    return a >= b && n <= len && a - b <= len - n;
}

/* Check what hs_parse() said about buf[0..len). */
static void check(int rc, const hs_request *req, const char *buf, size_t len,
                  size_t max)
{
    char accept[HS_ACCEPT_LEN + 1], reply[512];
    uint8_t key[18];
    size_t n;

    FUZZ_CHECK(rc == HS_INCOMPLETE || rc == HS_OK || rc == HS_ERROR);
    if (rc == HS_OK) {
        FUZZ_CHECK(req->length > 0 && req->length <= len);
        FUZZ_CHECK(req->length <= max);
        FUZZ_CHECK(buf[req->length - 1] == '\n');
        FUZZ_CHECK(strlen(req->key) == HS_KEY_LEN);
        FUZZ_CHECK(base64_decode(req->key, HS_KEY_LEN, key, sizeof key, &n)
                   == 0 && n == 16);
        FUZZ_CHECK(req->upgrade == 1);
        FUZZ_CHECK(req->target != NULL && req->target_len > 0);
        FUZZ_CHECK(inside(req->target, req->target_len, buf, req->length));
        if (req->protocols) {
            FUZZ_CHECK(inside(req->protocols, req->protocols_len, buf,
                              req->length));
            (void)hs_list_has(req->protocols, req->protocols_len, "chat");
        }
        if (req->origin)
            FUZZ_CHECK(inside(req->origin, req->origin_len, buf,
                              req->length));
        hs_accept_key(req->key, accept);
        FUZZ_CHECK(strlen(accept) == HS_ACCEPT_LEN);
        n = hs_format_accept(reply, sizeof reply, accept, NULL);
        FUZZ_CHECK(n > 0 && strncmp(reply, "HTTP/1.1 101 ", 13) == 0);
    } else if (rc == HS_ERROR) {
        FUZZ_CHECK(req->status == 400 || req->status == 426 ||
                   req->status == 431);
        FUZZ_CHECK(req->reason != NULL && req->reason[0] != '\0');
        FUZZ_CHECK(strpbrk(req->reason, "\r\n") == NULL);
        n = hs_format_error(reply, sizeof reply, req->status, req->reason);
        FUZZ_CHECK(n > 0 && strncmp(reply, "HTTP/1.1 4", 10) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_request whole, part;
    size_t max;
    uint32_t seed;
    char *buf;
    int rc, prc, i;

    if (size < 5) return 0;
    max = (size_t)16 << data[0] % 10;
    seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
           (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
    data += 5;
    size -= 5;
    buf = (char *)fuzz_copy(data, size);
    rc = hs_parse(buf, size, max, &whole);
    check(rc, &whole, buf, size, max);
    free(buf);

    for (i = 0; i < 8 && size > 0; i++) {
        size_t n = fuzz_next(&seed) % size;
        char *pre = (char *)fuzz_copy(data, n);

        prc = hs_parse(pre, n, max, &part);
        check(prc, &part, pre, n, max);
        if (prc == HS_OK) {
            FUZZ_CHECK(rc == HS_OK && whole.length == part.length);
            FUZZ_CHECK(strcmp(whole.key, part.key) == 0);
        } else if (prc == HS_ERROR) {
            FUZZ_CHECK(rc == HS_ERROR && whole.status == part.status);
            FUZZ_CHECK(strcmp(whole.reason, part.reason) == 0);
        }
        free(pre);
    }
    return 0;
}
