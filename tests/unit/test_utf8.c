/* test_utf8.c -- unit tests for the incremental UTF-8 validator.
 *
 * Cases come from RFC 3629 §4 (the table of well-formed sequences) and
 * its boundaries: the first and last code point of each length, the
 * edges of the surrogate range, U+10FFFF. The exhaustive group compares
 * every string of up to three bytes with a reference written the other
 * way round: decode the code point, then check its range. */
#include <stdint.h>
#include "check.h"
#include "utf8.h"

typedef struct sample {
    const char *s;
    size_t len;
    long bad;       /* offset of the first bad byte; -1: valid; -2: cut short */
} sample;

#define S(lit, bad) { lit, sizeof(lit) - 1, bad }

static const sample valid[] = {
    S("", -1),
    S("hello, world", -1),
    S("\x00", -1),                          /* U+0000 */
    S("\x7F", -1),                          /* U+007F */
    S("\xC2\x80", -1),                      /* U+0080 */
    S("\xDF\xBF", -1),                      /* U+07FF */
    S("\xE0\xA0\x80", -1),                  /* U+0800 */
    S("\xED\x9F\xBF", -1),                  /* U+D7FF */
    S("\xEE\x80\x80", -1),                  /* U+E000 */
    S("\xEF\xBF\xBF", -1),                  /* U+FFFF */
    S("\xF0\x90\x80\x80", -1),              /* U+10000 */
    S("\xF4\x8F\xBF\xBF", -1),              /* U+10FFFF */
    S("a\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E z\xE2\x98\x83", -1),
    S("\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", -1),  /* κόσμε */
};

static const sample invalid[] = {
    S("\xC0\x80", 0),                       /* overlong U+0000 */
    S("\xC1\xBF", 0),                       /* overlong U+007F */
    S("\xE0\x80\x80", 1),                   /* overlong U+0000 */
    S("\xE0\x9F\xBF", 1),                   /* overlong U+07FF */
    S("\xF0\x80\x80\x80", 1),               /* overlong U+0000 */
    S("\xF0\x8F\xBF\xBF", 1),               /* overlong U+FFFF */
    S("\xED\xA0\x80", 1),                   /* U+D800 */
    S("\xED\xBF\xBF", 1),                   /* U+DFFF */
    S("\xF4\x90\x80\x80", 1),               /* U+110000 */
    S("\xF5\x80\x80\x80", 0),
    S("\xF7\xBF\xBF\xBF", 0),
    S("\xF8\x88\x80\x80\x80", 0),
    S("\xFC\x84\x80\x80\x80\x80", 0),
    S("\xFE", 0),
    S("\xFF", 0),
    S("\x80", 0),                           /* stray continuation */
    S("\xBF", 0),
    S("a\x80", 1),
    S("\xC3\xA9\x80", 2),                   /* one continuation too many */
    S("\xC2\x41", 1),                       /* continuation missing */
    S("\xE2\x82\x41", 2),
    S("\xF0\x9D\x84\x41", 3),
    S("\xC2", -2),                          /* cut short */
    S("\xE0\xA0", -2),
    S("\xF0\x90\x80", -2),
    S("abc\xE2\x82", -2),
};

/* Feed s whole; check the verdict, the offset and utf8_valid agree. */
static void check_sample(const sample *t)
{
    utf8_state st;
    size_t bad = 12345;
    int r;

    utf8_init(&st);
    r = utf8_feed(&st, (const uint8_t *)t->s, t->len, &bad);
    if (t->bad >= 0) {
        CHECK_EQ_INT(r, -1);
        CHECK_EQ_INT(bad, t->bad);
        CHECK(!utf8_complete(&st));
    } else {
        CHECK_EQ_INT(r, 0);
        CHECK_EQ_INT(bad, 12345);           /* untouched on success */
        CHECK_EQ_INT(utf8_complete(&st), t->bad == -1);
    }
    CHECK_EQ_INT(utf8_valid(t->s, t->len), t->bad == -1);
}

static void valid_group(void)
{
    size_t i;

    for (i = 0; i < sizeof valid / sizeof valid[0]; i++)
        check_sample(&valid[i]);
}

static void invalid_group(void)
{
    size_t i;
    unsigned c;
    uint8_t b[2];

    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        check_sample(&invalid[i]);
    for (c = 0xF5; c <= 0xFF; c++) {        /* never a lead byte */
        b[0] = (uint8_t)c;
        b[1] = 0x80;
        CHECK(!utf8_valid(b, 2));
    }
}

/* The offset counts from the start of the piece where the bad byte is. */
static void offset_group(void)
{
    static const sample cases[] = {
        S("ab\xE0\x80", 3),
        S("aaaaaaaaaaaaaaaaaaaaaaaa\x80", 24),  /* after an ASCII run */
        S("abc\xFF", 3),
        S("xx\xC2\xC2", 3),
        S("\xE2\x82\xAC\xE2\x82\xAC\xED\xA0\x80", 7),
    };
    utf8_state st;
    size_t i, bad;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        check_sample(&cases[i]);

    utf8_init(&st);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"ab\xE2", 3, &bad), 0);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"\x82\x28", 2, &bad), -1);
    CHECK_EQ_INT(bad, 1);

    utf8_init(&st);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"\xF0", 1, &bad), 0);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"\x8F", 1, &bad), -1);
    CHECK_EQ_INT(bad, 0);

    utf8_init(&st);                         /* bad may be NULL */
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"\xC0", 1, NULL), -1);
}

/* Feed s in pieces cut at the given points; return 1 valid, 0 cut short,
 * or -1 with *at set to the absolute offset of the bad byte. */
static int feed_cut(const sample *t, size_t i, size_t j, size_t *at)
{
    const uint8_t *p = (const uint8_t *)t->s;
    size_t cut[4], k, bad;
    utf8_state st;

    cut[0] = 0;
    cut[1] = i;
    cut[2] = j;
    cut[3] = t->len;
    utf8_init(&st);
    for (k = 0; k < 3; k++) {
        if (utf8_feed(&st, p + cut[k], cut[k + 1] - cut[k], &bad) < 0) {
            *at = cut[k] + bad;
            return -1;
        }
    }
    return utf8_complete(&st);
}

/* Every sample cut into three pieces at every pair of points gives the
 * verdict, and the bad byte, it gives whole. */
static void chunks_group(void)
{
    const sample *all[2];
    size_t counts[2], g, n, i, j, at = 0;

    all[0] = valid;
    counts[0] = sizeof valid / sizeof valid[0];
    all[1] = invalid;
    counts[1] = sizeof invalid / sizeof invalid[0];
    for (g = 0; g < 2; g++) {
        for (n = 0; n < counts[g]; n++) {
            const sample *t = &all[g][n];
            for (i = 0; i <= t->len; i++) {
                for (j = i; j <= t->len; j++) {
                    int r = feed_cut(t, i, j, &at);
                    if (t->bad >= 0) {
                        CHECK_EQ_INT(r, -1);
                        if (r == -1) CHECK_EQ_INT(at, t->bad);
                    } else {
                        CHECK_EQ_INT(r, t->bad == -1);
                    }
                }
            }
        }
    }
}

/* After a failure every call fails, until utf8_init(). A zeroed state is
 * at a boundary, as the header promises. */
static void sticky_group(void)
{
    utf8_state st;
    size_t bad = 99;

    utf8_init(&st);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"a\xFF", 2, &bad), -1);
    CHECK_EQ_INT(bad, 1);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"abc", 3, &bad), -1);
    CHECK_EQ_INT(bad, 0);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"", 0, &bad), -1);
    CHECK(!utf8_complete(&st));
    utf8_init(&st);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"abc", 3, &bad), 0);
    CHECK(utf8_complete(&st));

    memset(&st, 0, sizeof st);
    CHECK(utf8_complete(&st));
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"\xE2\x82\xAC", 3, &bad), 0);
    CHECK(utf8_complete(&st));
    memset(&st, 0, sizeof st);
    CHECK_EQ_INT(utf8_feed(&st, (const uint8_t *)"\xE0\x80", 2, &bad), -1);
}

/* Reference: is p[0..n) valid UTF-8? Decode each sequence by its bit
 * pattern, then check the code point is in range for its length. */
static int reference_valid(const uint8_t *p, size_t n)
{
    static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
    size_t i = 0, k, len;
    uint32_t c;

    while (i < n) {
        if (p[i] < 0x80) { i++; continue; }
        if ((p[i] & 0xE0) == 0xC0) { len = 2; c = p[i] & 0x1F; }
        else if ((p[i] & 0xF0) == 0xE0) { len = 3; c = p[i] & 0x0F; }
        else if ((p[i] & 0xF8) == 0xF0) { len = 4; c = p[i] & 0x07; }
        else return 0;
        if (n - i < len) return 0;
        for (k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80) return 0;
            c = c << 6 | (p[i + k] & 0x3F);
        }
        if (c < min[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Every string of one, two and three bytes; and the four-byte strings
 * with a first byte of F0..FF, continuation bytes in the middle and a
 * boundary value last. */
static void exhaustive_group(void)
{
    static const uint8_t edge[] = { 0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                    0xA0, 0xBF, 0xC0, 0xFF };
    uint8_t b[4];
    uint32_t v, mismatches = 0;
    size_t e;

    for (v = 0; v < 0x100; v++) {
        b[0] = (uint8_t)v;
        if (utf8_valid(b, 1) != reference_valid(b, 1)) mismatches++;
    }
    for (v = 0; v < 0x10000; v++) {
        b[0] = (uint8_t)(v >> 8);
        b[1] = (uint8_t)v;
        if (utf8_valid(b, 2) != reference_valid(b, 2)) mismatches++;
    }
    for (v = 0; v < 0x1000000; v++) {
        b[0] = (uint8_t)(v >> 16);
        b[1] = (uint8_t)(v >> 8);
        b[2] = (uint8_t)v;
        if (utf8_valid(b, 3) != reference_valid(b, 3)) mismatches++;
    }
    for (v = 0; v < 0x10000; v++) {
        b[0] = (uint8_t)(0xF0 + (v >> 12));
        b[1] = (uint8_t)(0x80 + (v >> 6 & 0x3F));
        b[2] = (uint8_t)(0x80 + (v & 0x3F));
        for (e = 0; e < sizeof edge; e++) {
            b[3] = edge[e];
            if (utf8_valid(b, 4) != reference_valid(b, 4)) mismatches++;
        }
    }
    CHECK_EQ_INT(mismatches, 0);
}

static const check_group groups[] = {
    { "valid", valid_group },
    { "invalid", invalid_group },
    { "offset", offset_group },
    { "chunks", chunks_group },
    { "sticky", sticky_group },
    { "exhaustive", exhaustive_group },
    { NULL, NULL }
};

int main(int argc, char **argv)
{
    return check_main(argc, argv, groups);
}
