/* digest.c -- SHA-1 and Base64 of standard input, for comparing with
 * sha1sum(1) and base64(1) (tests/differential.bats).
 *
 *   digest sha1 [SEED]   the hex SHA-1 of standard input; the input goes
 *                        to sha1_update() in pieces of random sizes (0 to
 *                        200 bytes, from SEED), so block boundaries fall
 *                        anywhere in it
 *   digest base64        standard input in Base64, no line breaks
 *   digest unbase64      Base64 on standard input decoded (exit 1 if the
 *                        strict decoder refuses it)
 *
 * Input is read whole into memory: a few MiB is what the tests use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "sha1.h"

/* Read all of standard input into a block from malloc(); exit on error. */
static uint8_t *slurp(size_t *len)
{
    size_t cap = 65536, n = 0, got;
    uint8_t *buf = malloc(cap), *grown;

    while (buf != NULL && (got = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) {
            grown = realloc(buf, cap * 2);
            if (grown == NULL) free(buf);
            buf = grown;
            cap *= 2;
        }
    }
    if (buf == NULL || ferror(stdin)) {
        fprintf(stderr, "digest: cannot read standard input\n");
        exit(2);
    }
    *len = n;
    return buf;
}

/* SHA-1 of p[0..n), fed in pieces whose sizes come from seed. */
static int sha1_hex(const uint8_t *p, size_t n, unsigned long seed)
{
    uint8_t d[SHA1_DIGEST_SIZE];
    sha1_ctx ctx;
    size_t off = 0, k;
    int i;

    sha1_init(&ctx);
    while (off < n) {
        seed = seed * 1103515245UL + 12345UL;   /* any spread will do */
        k = (size_t)(seed >> 8) % 201;
        if (k > n - off) k = n - off;
        sha1_update(&ctx, p + off, k);
        off += k;
    }
    sha1_final(&ctx, d);
    for (i = 0; i < SHA1_DIGEST_SIZE; i++) printf("%02x", d[i]);
    return printf("\n") < 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    size_t len, size, n;
    uint8_t *in, *out;
    int rc = 0;

    if (strcmp(mode, "sha1") && strcmp(mode, "base64") &&
        strcmp(mode, "unbase64")) {
        fprintf(stderr, "usage: digest sha1 [SEED] | base64 | unbase64\n");
        return 2;
    }
    in = slurp(&len);
    if (!strcmp(mode, "sha1")) {
        rc = sha1_hex(in, len, argc > 2 ? strtoul(argv[2], NULL, 10) : 1);
        free(in);
        return rc;
    }
    size = !strcmp(mode, "base64") ? BASE64_ENCODED_LEN(len) + 1
                                   : BASE64_DECODED_MAX(len) + 1;
    out = malloc(size);
    if (out == NULL) {
        fprintf(stderr, "digest: out of memory\n");
        return 2;
    }
    if (!strcmp(mode, "base64")) {
        n = base64_encode(in, len, (char *)out, size);
        rc = n == (size_t)-1;
    } else {
        rc = base64_decode((const char *)in, len, out, size, &n) != 0;
        if (rc) fprintf(stderr, "digest: not canonical Base64\n");
    }
    if (!rc && fwrite(out, 1, n, stdout) != n) rc = 2;
    free(in);
    free(out);
    return rc;
}
