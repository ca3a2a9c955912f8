/* fuzz_utf8.c -- the UTF-8 validator (utf8.c) against a reference.
 *
 * Input: bytes 0-3 seed the generator that cuts the text, the rest is the
 * text. utf8.c checks each byte against the table of RFC 3629 §4; the
 * reference below decodes by arithmetic instead, the way §3 describes the
 * encoding, and asks of each byte whether any valid character could still
 * begin with the bytes seen so far. Fed in random pieces, utf8_feed() must
 * fail at exactly the byte where the reference gives up, utf8_complete()
 * must agree on whether the text ended on a character boundary, and
 * utf8_valid() on the whole. A valid text also goes through
 * ws_close_payload(), whose cut must leave valid UTF-8. */
#include "fuzz.h"
#include "frame.h"
#include "utf8.h"

/* Whether some code point in [lo, hi] is a valid character of an encoding
 * whose smallest code point is min: not overlong, not a UTF-16 surrogate
 * (U+D800..U+DFFF), not past U+10FFFF. */
static int can_be_valid(uint32_t lo, uint32_t hi, uint32_t min)
{
    if (lo < min) lo = min;
    if (hi > 0x10FFFF) hi = 0x10FFFF;
    if (lo > hi) return 0;
    return !(lo >= 0xD800 && hi <= 0xDFFF);
}

/* The offset of the first byte of p that no valid UTF-8 text can have
 * there, or len if there is none; *complete is set to whether p ends on a
 * character boundary. */
static size_t reference(const uint8_t *p, size_t len, int *complete)
{
    size_t i = 0;

    *complete = 0;
    while (i < len) {
        uint8_t c = p[i];
        uint32_t cp, min;
        int n, k, left;

        if (c < 0x80) {
            i++;
            continue;
        }
        if ((c & 0xE0) == 0xC0) {
            n = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return i;               /* a continuation byte, or F8..FF */
        }
        for (k = 1; ; k++) {
            /* k bytes read; the code points they can still become. */
            left = n - k;
            if (!can_be_valid(cp << 6 * left,
                              cp << 6 * left | ((1u << 6 * left) - 1), min))
                return i + (size_t)k - 1;
            if (k == n) break;
            if (i + (size_t)k == len) return len;   /* cut short */
            c = p[i + (size_t)k];
            if ((c & 0xC0) != 0x80) return i + (size_t)k;
            cp = cp << 6 | (c & 0x3F);
        }
        i += (size_t)n;
    }
    *complete = 1;
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    utf8_state st;
    uint32_t seed;
    size_t off, bad, want, failed_at = (size_t)-1;
    int complete;

    if (size < 4) return 0;
    seed = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
           (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    data += 4;
    size -= 4;
    want = reference(data, size, &complete);

    utf8_init(&st);
    for (off = 0; off < size; ) {
        uint32_t k = fuzz_next(&seed);
        size_t n = (k & 1) ? (k >> 1 & 3) : (k >> 1 & 63);
        uint8_t *piece;

        if (n > size - off) n = size - off;
        piece = fuzz_copy(data + off, n);
        if (utf8_feed(&st, piece, n, &bad) < 0 && failed_at == (size_t)-1) {
            FUZZ_CHECK(bad < n);
            failed_at = off + bad;
        }
        free(piece);
        off += n;
    }
    if (want < size) {
        FUZZ_CHECK(failed_at == want);
        /* It stays failed. */
        FUZZ_CHECK(utf8_feed(&st, (const uint8_t *)"a", 1, &bad) < 0);
    } else {
        FUZZ_CHECK(failed_at == (size_t)-1);
        FUZZ_CHECK(utf8_complete(&st) == complete);
    }
    FUZZ_CHECK(utf8_valid(data, size) == (want == size && complete));

    if (want == size && complete && memchr(data, 0, size) == NULL) {
        uint8_t out[WS_MAX_CONTROL];
        char *s = malloc(size + 1);
        size_t n;

        FUZZ_CHECK(s != NULL);
        memcpy(s, data, size);
        s[size] = '\0';
        n = ws_close_payload(out, 1000, s);
        FUZZ_CHECK(n >= 2 && n <= WS_MAX_CONTROL);
        FUZZ_CHECK(out[0] == 1000 >> 8 && out[1] == (1000 & 0xFF));
        FUZZ_CHECK(n - 2 <= size && memcmp(out + 2, s, n - 2) == 0);
        FUZZ_CHECK(utf8_valid(out + 2, n - 2));
        /* Cut only if it had to be, and by less than one character. */
        FUZZ_CHECK(n - 2 == size || n - 2 > WS_MAX_CONTROL - 2 - 4);
        free(s);
    }
    return 0;
}
