/* utf8.c -- incremental UTF-8 validation (RFC 3629 §4).
 *
 * The table of RFC 3629 §4 says which bytes may follow a lead byte. Most
 * continuation bytes may be anything in 80..BF; the second byte after E0,
 * ED, F0 and F4 has a narrower range, which is how overlong forms,
 * surrogates and code points past U+10FFFF are refused at the byte that
 * makes them so. The state is just "how many continuation bytes are still
 * due" and "the range the next one must be in". */
#include "utf8.h"

void utf8_init(utf8_state *st)
{
    st->need = 0;
    st->lo = 0x80;
    st->hi = 0xBF;
}

/* Set up the state for the sequence started by lead byte c.
 * Returns 0, or -1 if c cannot start a sequence. */
static int lead(utf8_state *st, uint8_t c)
{
    st->lo = 0x80;
    st->hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        st->need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        st->need = 2;
        if (c == 0xE0) st->lo = 0xA0;       /* no overlong 3-byte forms */
        if (c == 0xED) st->hi = 0x9F;       /* no surrogates D800..DFFF */
    } else if (c >= 0xF0 && c <= 0xF4) {
        st->need = 3;
        if (c == 0xF0) st->lo = 0x90;       /* no overlong 4-byte forms */
        if (c == 0xF4) st->hi = 0x8F;       /* nothing above U+10FFFF */
    } else {
        return -1;                          /* 80..C1 and F5..FF */
    }
    return 0;
}

int utf8_feed(utf8_state *st, const uint8_t *p, size_t len, size_t *bad)
{
    size_t i = 0;

    if (st->need == UINT32_MAX) {           /* failed earlier */
        if (bad) *bad = 0;
        return -1;
    }
    while (i < len) {
        uint8_t c = p[i];
        if (st->need == 0) {
            /* Fast path: runs of ASCII are the common case. */
            while (i < len && p[i] < 0x80) i++;
            if (i == len) break;
            if (lead(st, p[i]) < 0) goto fail;
            i++;
            continue;
        }
        if (c < st->lo || c > st->hi) goto fail;
        st->need--;
        st->lo = 0x80;                      /* only the 2nd byte is special */
        st->hi = 0xBF;
        i++;
    }
    return 0;

fail:
    st->need = UINT32_MAX;
    if (bad) *bad = i;
    return -1;
}

int utf8_complete(const utf8_state *st)
{
    return st->need == 0;
}

int utf8_valid(const void *p, size_t len)
{
    utf8_state st;

    utf8_init(&st);
    return utf8_feed(&st, p, len, NULL) == 0 && utf8_complete(&st);
}
