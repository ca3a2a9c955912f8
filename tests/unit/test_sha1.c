/* test_sha1.c -- SHA-1 against the published vectors, and split any way.
 *
 *   test_sha1 [GROUP]   run the checks (see check.h)
 * The comparison with sha1sum(1) is tests/differential.bats, through
 * build/digest (tests/tools/digest.c). */
#include <stdint.h>

#include "check.h"
#include "sha1.h"

/* Write the 40 hex digits of a digest, and a NUL, to out. */
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

/* Check the one-shot digest of a string against the expected hex. */
#define CHECK_SHA1(text, want) do { \
    uint8_t d_[SHA1_DIGEST_SIZE]; \
    char hex_[41]; \
    sha1((text), strlen(text), d_); \
    to_hex(d_, hex_); \
    CHECK(strcmp(hex_, (want)) == 0); \
} while (0)

/* FIPS 180-4 examples (NIST "SHA1.pdf" and the SHS test vectors). */
static void test_fips(void)
{
    CHECK_SHA1("", "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK_SHA1("abc", "a9993e364706816aba3e25717850c26c9cd0d89d");
    /* 448 bits: the padding needs a second block. */
    CHECK_SHA1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
               "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    /* 896 bits. */
    CHECK_SHA1("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
               "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
               "a49b2446a02c645bf419f995b67091253a04a259");
}

#define MILLION 1000000
static const char million_a[] = "34aa973cd4c4daa4f61eeb2bdbad27316534016f";

/* One million 'a's, in one piece and in odd-sized pieces. */
static void test_million(void)
{
    static const size_t sizes[] = { 1, 3, 63, 64, 65, 127, 1000, 4097 };
    static uint8_t msg[MILLION];
    uint8_t d[SHA1_DIGEST_SIZE];
    char hex[41];
    sha1_ctx ctx;
    size_t done, n, k = 0;

    memset(msg, 'a', sizeof msg);
    sha1(msg, sizeof msg, d);
    to_hex(d, hex);
    CHECK(strcmp(hex, million_a) == 0);

    sha1_init(&ctx);
    for (done = 0; done < MILLION; done += n) {
        n = sizes[k++ % (sizeof sizes / sizeof sizes[0])];
        if (n > MILLION - done)
            n = MILLION - done;
        sha1_update(&ctx, msg + done, n);
    }
    sha1_final(&ctx, d);
    to_hex(d, hex);
    CHECK(strcmp(hex, million_a) == 0);
}

/* Every way of cutting a 200-byte message in two, or three, gives the same
 * digest, and so does feeding it a byte at a time. Its prefixes whose
 * padding falls on either side of a block boundary are checked too. */
static void test_chunks(void)
{
    /* SHA-1 of the first n of the bytes 00 01 02 ... C7, from Python's
     * hashlib. */
    static const struct { size_t n; const char *hex; } want[] = {
        { 55, "8ae2d46729cfe68ff927af5eec9c7d1b66d65ac2" },
        { 56, "636e2ec698dac903498e648bd2f3af641d3c88cb" },
        { 57, "7cb1330f35244b57437539253304ea78a6b7c443" },
        { 63, "6d942da0c4392b123528f2905c713a3ce28364bd" },
        { 64, "c6138d514ffa2135bfce0ed0b8fac65669917ec7" },
        { 65, "69bd728ad6e13cd76ff19751fde427b00e395746" },
        { 119, "41c89d06001bab4ab78736b44efe7ce18ce6ae08" },
        { 120, "d3dbd653bd8597b7475321b60a36891278e6a04a" },
        { 128, "e6434bc401f98603d7eda504790c98c67385d535" },
        { 200, "54d11e99127d159799dbce10f51a75e697780478" },
    };
    uint8_t msg[200], whole[SHA1_DIGEST_SIZE], d[SHA1_DIGEST_SIZE];
    char hex[41];
    sha1_ctx ctx;
    size_t i, j;

    for (i = 0; i < sizeof msg; i++)
        msg[i] = (uint8_t)i;
    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        sha1(msg, want[i].n, d);
        to_hex(d, hex);
        CHECK(strcmp(hex, want[i].hex) == 0);
    }
    sha1(msg, sizeof msg, whole);

    for (i = 0; i <= sizeof msg; i++) {
        sha1_init(&ctx);
        sha1_update(&ctx, msg, i);
        sha1_update(&ctx, NULL, 0);         /* allowed, and changes nothing */
        sha1_update(&ctx, msg + i, sizeof msg - i);
        sha1_final(&ctx, d);
        CHECK_MEM(d, whole, sizeof d);
    }

    for (i = 0; i <= sizeof msg; i += 7) {
        for (j = i; j <= sizeof msg; j += 5) {
            sha1_init(&ctx);
            sha1_update(&ctx, msg, i);
            sha1_update(&ctx, msg + i, j - i);
            sha1_update(&ctx, msg + j, sizeof msg - j);
            sha1_final(&ctx, d);
            CHECK_MEM(d, whole, sizeof d);
        }
    }

    sha1_init(&ctx);
    for (i = 0; i < sizeof msg; i++)
        sha1_update(&ctx, msg + i, 1);
    sha1_final(&ctx, d);
    CHECK_MEM(d, whole, sizeof d);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "fips", test_fips },
        { "million", test_million },
        { "chunks", test_chunks },
        { NULL, NULL }
    };

    return check_main(argc, argv, groups);
}
