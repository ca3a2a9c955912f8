/* fuzz_base64.c -- Base64 (base64.c) both ways.
 *
 * The input is used twice. As text, it goes to the strict decoder: if the
 * decoder accepts it, encoding the result must give back exactly the input
 * (each byte string has one accepted encoding, RFC 4648 §3.5), and a
 * buffer one byte too small must be refused. As bytes, it is encoded, the
 * text compared with a bit-by-bit reference encoder, and decoded back to
 * the same bytes. */
#include "fuzz.h"
#include "base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The reference encoder: read the input as a string of bits, six at a
 * time, padding with zero bits and then '=' to a multiple of 4 chars. */
static char *reference(const uint8_t *p, size_t n)
{
    size_t bits = n * 8, i, o = 0;
    char *out = malloc(BASE64_ENCODED_LEN(n) + 1);

    FUZZ_CHECK(out != NULL);
    for (i = 0; i < bits; i += 6) {
        unsigned v = 0, b;

        for (b = i; b < i + 6; b++)
            v = v << 1 | (b < bits ? (p[b / 8] >> (7 - b % 8) & 1u) : 0u);
        out[o++] = alphabet[v];
    }
    while (o % 4 != 0) out[o++] = '=';
    out[o] = '\0';
    return out;
}

/* The input as text: accepted only if it is the encoding of its result. */
static void decode_side(const uint8_t *data, size_t size)
{
    size_t cap = BASE64_DECODED_MAX(size), n, m;
    uint8_t *out = malloc(cap + 1), *small;
    char *text = (char *)fuzz_copy(data, size), *again;

    FUZZ_CHECK(out != NULL);
    if (base64_decode(text, size, out, cap, &n) == 0) {
        FUZZ_CHECK(size % 4 == 0 && n <= cap && n + 2 >= cap);
        again = malloc(size + 1);
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(base64_encode(out, n, again, size + 1) == size);
        FUZZ_CHECK(memcmp(again, text, size) == 0);
        free(again);
        if (n > 0) {
            small = fuzz_copy(out, n - 1);
            FUZZ_CHECK(base64_decode(text, size, small, n - 1, &m) < 0);
            free(small);
        }
    }
    free(text);
    free(out);
}

/* The input as bytes: encoded as the reference does, decoded back. */
static void encode_side(const uint8_t *data, size_t size)
{
    size_t len = BASE64_ENCODED_LEN(size), n;
    char *text = malloc(len + 1), *want = reference(data, size);
    uint8_t *back = malloc(size + 1);

    FUZZ_CHECK(text != NULL && back != NULL);
    /* Too small by one (no room for the NUL): refused, nothing written. */
    FUZZ_CHECK(base64_encode(data, size, text, len) == (size_t)-1);
    FUZZ_CHECK(base64_encode(data, size, text, len + 1) == len);
    FUZZ_CHECK(strcmp(text, want) == 0);
    FUZZ_CHECK(base64_decode(text, len, back, size, &n) == 0);
    FUZZ_CHECK(n == size && (size == 0 || memcmp(back, data, size) == 0));
    free(text);
    free(want);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode_side(data, size);
    encode_side(data, size);
    return 0;
}
