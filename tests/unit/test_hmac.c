/* test_hmac.c -- HMAC-SHA1 against RFC 2202, and the constant-time compare.
 *
 *   test_hmac [GROUP]     run the checks (see check.h)
 *   test_hmac mac KEYHEX  print the hex HMAC-SHA1 of standard input under
 *                         the key given in hex, so that tests/hmac.bats can
 *                         compare it with Python's hmac module */
#include <stdint.h>

#include "check.h"
#include "hmac.h"

/* Write the 40 hex digits of a MAC, and a NUL, to out. */
static void to_hex(const uint8_t d[SHA1_DIGEST_SIZE], char out[41])
{
    static const char digits[] = "0123456789abcdef";
    int i;

    for (i = 0; i < SHA1_DIGEST_SIZE; i++) {
        out[2 * i] = digits[d[i] >> 4];
        out[2 * i + 1] = digits[d[i] & 15];
    }
    out[40] = '\0';
}

/* Check HMAC-SHA1(key, data) against the expected hex. */
static void check_mac(const uint8_t *key, size_t keylen,
                      const void *data, size_t len, const char *want)
{
    uint8_t mac[SHA1_DIGEST_SIZE];
    char hex[41];

    hmac_sha1(key, keylen, data, len, mac);
    to_hex(mac, hex);
    if (strcmp(hex, want) != 0)
        fprintf(stderr, "got  %s\nwant %s\n", hex, want);
    CHECK(strcmp(hex, want) == 0);
}

/* The seven HMAC-SHA1 test cases of RFC 2202 §3. Cases 6 and 7 have an
 * 80-byte key, longer than a block, which is hashed first. */
static void test_rfc2202(void)
{
    uint8_t key[80], data[80];
    size_t i;

    memset(key, 0x0b, 20);
    check_mac(key, 20, "Hi There", 8,
              "b617318655057264e28bc0b6fb378c8ef146be00");
    check_mac((const uint8_t *)"Jefe", 4, "what do ya want for nothing?", 28,
              "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    memset(key, 0xaa, 20);
    memset(data, 0xdd, 50);
    check_mac(key, 20, data, 50, "125d7342b9ac11cd91a39af48aa17b4f63f175d3");
    for (i = 0; i < 25; i++)
        key[i] = (uint8_t)(i + 1);
    memset(data, 0xcd, 50);
    check_mac(key, 25, data, 50, "4c9007f4026250c6bc8414f9bf50c86c2d7235da");
    memset(key, 0x0c, 20);
    check_mac(key, 20, "Test With Truncation", 20,
              "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04");
    memset(key, 0xaa, 80);
    check_mac(key, 80, "Test Using Larger Than Block-Size Key - Hash Key First",
              54, "aa4ae5e15272d00e95705637ce8a3b55ed402112");
    check_mac(key, 80, "Test Using Larger Than Block-Size Key and Larger "
              "Than One Block-Size Data", 73,
              "e8e99d0f45237d786d6bbaa7965c7808bbff1a91");
}

/* Keys of 63, 64 and 65 bytes sit on either side of "hash the key first";
 * the expected MACs are from Python's hmac module. The message fed in
 * pieces gives the same MAC as in one piece. */
static void test_keys_and_pieces(void)
{
    static const struct { size_t keylen; const char *hex; } want[] = {
        { 0, "d767383e3e2af4016e2d33eb4d405ab7a0d60dc1" },
        { 63, "b6ffa2d3f19051fa6cfaa25fcaf41fcc00fe92f4" },
        { 64, "29daea41877af2ebdb37acf26e711e03357d1bbc" },
        { 65, "e3dd9f10419f7ad8243aaa0272c959133631e4c1" },
    };
    uint8_t key[65], msg[150], whole[SHA1_DIGEST_SIZE], mac[SHA1_DIGEST_SIZE];
    hmac_sha1_ctx ctx;
    size_t i;

    for (i = 0; i < sizeof key; i++)
        key[i] = (uint8_t)(0x80 + i);
    for (i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)i;
    for (i = 0; i < sizeof want / sizeof want[0]; i++)
        check_mac(key, want[i].keylen, msg, sizeof msg, want[i].hex);

    hmac_sha1(key, sizeof key, msg, sizeof msg, whole);
    for (i = 0; i <= sizeof msg; i += 3) {
        hmac_sha1_init(&ctx, key, sizeof key);
        hmac_sha1_update(&ctx, msg, i);
        hmac_sha1_update(&ctx, NULL, 0);
        hmac_sha1_update(&ctx, msg + i, sizeof msg - i);
        hmac_sha1_final(&ctx, mac);
        CHECK_MEM(mac, whole, sizeof mac);
    }
}

/* hmac_equal says equal only for equal bytes, wherever a difference is. */
static void test_equal(void)
{
    uint8_t a[40], b[40];
    size_t i;

    for (i = 0; i < sizeof a; i++)
        a[i] = b[i] = (uint8_t)(i * 7);
    CHECK(hmac_equal(a, b, sizeof a));
    CHECK(hmac_equal(a, b, 0));
    for (i = 0; i < sizeof a; i++) {
        b[i] ^= 0x01;
        CHECK(!hmac_equal(a, b, sizeof a));
        b[i] ^= 0x81;
        CHECK(!hmac_equal(a, b, sizeof a));
        b[i] ^= 0x80;
    }
    CHECK(hmac_equal(a, b, sizeof a));
}

/* A nibble from a hex digit, or -1. */
static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Print the hex HMAC of standard input under the hex key keyhex. The
 * input is read in odd-sized pieces, so the streaming path is compared. */
static int mac_stdin(const char *keyhex)
{
    uint8_t key[1024], buf[997], mac[SHA1_DIGEST_SIZE];
    size_t keylen = strlen(keyhex) / 2, i, n;
    hmac_sha1_ctx ctx;
    char hex[41];

    if (strlen(keyhex) % 2 || keylen > sizeof key) {
        fprintf(stderr, "bad key\n");
        return 2;
    }
    for (i = 0; i < keylen; i++) {
        int hi = nibble(keyhex[2 * i]), lo = nibble(keyhex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            fprintf(stderr, "bad key\n");
            return 2;
        }
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    hmac_sha1_init(&ctx, key, keylen);
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        hmac_sha1_update(&ctx, buf, n);
    if (ferror(stdin)) {
        perror("stdin");
        return 1;
    }
    hmac_sha1_final(&ctx, mac);
    to_hex(mac, hex);
    return printf("%s\n", hex) < 0;
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "rfc2202", test_rfc2202 },
        { "keys", test_keys_and_pieces },
        { "equal", test_equal },
        { NULL, NULL }
    };

    if (argc == 3 && strcmp(argv[1], "mac") == 0)
        return mac_stdin(argv[2]);
    return check_main(argc, argv, groups);
}
