/* test_base64.c -- Base64 against RFC 4648, the strict decoder's refusals,
 * and random round trips.
 *
 *   test_base64 [GROUP]   run the checks (see check.h)
 * The comparison with coreutils base64(1) is tests/differential.bats,
 * through build/digest (tests/tools/digest.c). */
#include <stdint.h>

#include "base64.h"
#include "check.h"

/* Encode a string and check the text and the length returned. */
#define CHECK_ENCODES(plain, want) do { \
    char out_[64]; \
    size_t n_ = base64_encode((const uint8_t *)(plain), strlen(plain), \
                              out_, sizeof out_); \
    CHECK_EQ_INT(n_, strlen(want)); \
    CHECK(strcmp(out_, (want)) == 0); \
} while (0)

/* Decode a string, into a buffer of just the right size, and check the
 * bytes and their count. */
#define CHECK_DECODES(text, want) do { \
    uint8_t out_[64]; \
    size_t n_ = 99; \
    CHECK_EQ_INT(base64_decode((text), strlen(text), out_, strlen(want), \
                               &n_), 0); \
    CHECK_EQ_INT(n_, strlen(want)); \
    CHECK_MEM(out_, (want), strlen(want)); \
} while (0)

/* The text, of the given length, is refused however big the buffer. */
#define CHECK_REFUSED(text, len) do { \
    uint8_t out_[64]; \
    size_t n_; \
    CHECK_EQ_INT(base64_decode((text), (len), out_, sizeof out_, &n_), -1); \
} while (0)

/* RFC 4648 §10, both ways. */
static void test_rfc4648(void)
{
    static const char *const vec[][2] = {
        { "", "" },
        { "f", "Zg==" },
        { "fo", "Zm8=" },
        { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" },
        { "fooba", "Zm9vYmE=" },
        { "foobar", "Zm9vYmFy" },
    };
    size_t i;

    for (i = 0; i < sizeof vec / sizeof vec[0]; i++) {
        CHECK_ENCODES(vec[i][0], vec[i][1]);
        CHECK_DECODES(vec[i][1], vec[i][0]);
    }
    /* The last characters of the alphabet. */
    CHECK_ENCODES("\xfb\xff\xbf", "+/+/");
    CHECK_DECODES("+/+/", "\xfb\xff\xbf");
}

/* Everything that is not exactly what the encoder writes is refused. */
static void test_strict(void)
{
    char text[16];
    uint8_t out[8];
    size_t n;

    /* Lengths that are not a multiple of 4, padded or not. */
    CHECK_REFUSED("Zg", 2);
    CHECK_REFUSED("Zg=", 3);
    CHECK_REFUSED("Zm9vY", 5);
    CHECK_REFUSED("Zm9vYg=", 7);
    CHECK_REFUSED("Zm9vYg===", 9);
    /* Only len characters count, whatever follows them. */
    CHECK_REFUSED("Zm9vYmFy", 6);
    CHECK_REFUSED("Zm9vYmFy", 7);
    CHECK_REFUSED("Zg==", 2);

    /* Characters outside the alphabet, URL-safe ones included. */
    CHECK_REFUSED("Zm9v!A==", 8);
    CHECK_REFUSED("Zm-v", 4);
    CHECK_REFUSED("Zm_v", 4);
    CHECK_REFUSED("Zm\0v", 4);
    CHECK_REFUSED("Zm\xc3\xa9", 4);

    /* White space, where the length would otherwise be right. */
    CHECK_REFUSED("Zm 9", 4);
    CHECK_REFUSED("Zm9\t", 4);
    CHECK_REFUSED("\nZm9", 4);
    CHECK_REFUSED("Zm9v\r\nZm", 8);

    /* '=' anywhere but the last one or two characters. */
    CHECK_REFUSED("Zg==Zm9v", 8);
    CHECK_REFUSED("Zm8=Zm9v", 8);
    CHECK_REFUSED("Z=9v", 4);
    CHECK_REFUSED("Zm=v", 4);
    CHECK_REFUSED("=Zm9", 4);
    CHECK_REFUSED("Z===", 4);
    CHECK_REFUSED("====", 4);

    /* Non-zero pad bits (§3.5): "Zg==" and "Zm8=" are the only spellings. */
    CHECK_REFUSED("Zh==", 4);
    CHECK_REFUSED("Zv==", 4);
    CHECK_REFUSED("Zm9=", 4);
    CHECK_REFUSED("Zm/=", 4);
    CHECK_DECODES("Zg==", "f");
    CHECK_DECODES("Zm8=", "fo");

    /* A destination one byte too small, for each amount of padding. */
    CHECK_EQ_INT(base64_decode("Zm9vYmFy", 8, out, 5, &n), -1);
    CHECK_EQ_INT(base64_decode("Zm9vYmE=", 8, out, 4, &n), -1);
    CHECK_EQ_INT(base64_decode("Zm9vYg==", 8, out, 3, &n), -1);
    CHECK_EQ_INT(base64_decode("Zg==", 4, out, 0, &n), -1);

    /* The encoder needs room for the NUL too, and writes nothing if it
     * lacks it. */
    memset(text, '#', sizeof text);
    CHECK_EQ_INT(base64_encode((const uint8_t *)"foobar", 6, text, 8),
                 (size_t)-1);
    CHECK_EQ_INT(base64_encode((const uint8_t *)"f", 1, text, 4), (size_t)-1);
    CHECK_EQ_INT(base64_encode((const uint8_t *)"", 0, text, 0), (size_t)-1);
    CHECK(text[0] == '#' && text[8] == '#');
    CHECK_EQ_INT(base64_encode((const uint8_t *)"foobar", 6, text, 9), 8);
    CHECK(strcmp(text, "Zm9vYmFy") == 0);
    CHECK_EQ_INT(base64_encode((const uint8_t *)"", 0, text, 1), 0);
    CHECK(text[0] == '\0');
}

/* xorshift32 (Marsaglia 2003): a fixed sequence, the same on every run. */
static uint32_t next_random(uint32_t *state)
{
    uint32_t x = *state;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

/* Random bytes of every length up to 300 survive encoding and decoding,
 * and random strings over the alphabet and '=' are accepted exactly when
 * encoding their bytes again spells them the same way. */
static void test_roundtrip(void)
{
    static const char chars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    uint32_t seed = 20240601;
    uint8_t plain[300], back[300];
    char text[BASE64_ENCODED_LEN(300) + 1], again[16];
    size_t len, i, n, accepted = 0;
    int tries;

    for (len = 0; len <= sizeof plain; len++) {
        for (i = 0; i < len; i++)
            plain[i] = (uint8_t)next_random(&seed);
        n = base64_encode(plain, len, text, sizeof text);
        CHECK_EQ_INT(n, BASE64_ENCODED_LEN(len));
        CHECK_EQ_INT(strlen(text), n);
        CHECK_EQ_INT(base64_decode(text, n, back, sizeof back, &i), 0);
        CHECK_EQ_INT(i, len);
        CHECK_MEM(back, plain, len);
    }

    for (tries = 0; tries < 100000; tries++) {
        for (i = 0; i < 8; i++)
            text[i] = chars[next_random(&seed) % 65];
        if (base64_decode(text, 8, back, sizeof back, &n) != 0)
            continue;
        accepted++;
        CHECK_EQ_INT(base64_encode(back, n, again, sizeof again), 8);
        CHECK_MEM(again, text, 8);
    }
    CHECK(accepted > 1000);     /* the loop did test something */
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "rfc4648", test_rfc4648 },
        { "strict", test_strict },
        { "roundtrip", test_roundtrip },
        { NULL, NULL }
    };

    return check_main(argc, argv, groups);
}
