/* test_size.c -- 64-bit frame lengths against the machine's size_t.
 *
 * RFC 6455 §5.2 lets a frame declare a payload of up to 2^63 - 1 bytes;
 * on a 32-bit system size_t holds less than 2^32. A decoder that stored
 * the length in a size_t would see 2^32 + 5 as 5 and take the next frame's
 * bytes as this one's payload. src/frame.c keeps lengths in uint64_t until
 * they meet the cap, so such a frame must be refused as too big (1009) --
 * or, where size_t is as wide, carried in full -- never cut short. The same
 * checks run in every build; `make portable` runs them 32-bit (-m32).
 *
 * Groups: decode, server_cap, encode. */
#include "check.h"
#include "frame.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LEN_2_32 ((uint64_t)1 << 32)

/* A masked binary frame header (14 bytes) declaring len in the 64-bit
 * form, with a zero masking key so the payload goes as it is. */
static size_t header64(uint8_t *out, int fin, int opcode, uint64_t len)
{
    int i;

    out[0] = (uint8_t)((fin ? 0x80 : 0) | opcode);
    out[1] = 0x80 | 127;
    for (i = 0; i < 8; i++) out[2 + i] = (uint8_t)(len >> (56 - 8 * i));
    memset(out + 10, 0, 4);
    return 14;
}

/* Feed a header declaring len to a decoder capped at max, then 64 bytes
 * of payload. Check that it is refused as too big exactly when len is over
 * max, having consumed the length but not the masking key; and otherwise
 * that the 64 bytes come back as an unfinished message (a length cut to
 * 32 bits would end it early). */
static void one(uint64_t max, uint64_t len, int line)
{
    uint8_t buf[14 + 64];
    ws_decoder d;
    ws_event ev;
    size_t n, used;

    memset(buf, 'x', sizeof buf);
    header64(buf, 1, WS_OP_BINARY, len);
    ws_decoder_init(&d, max);
    used = ws_decode(&d, buf, sizeof buf, &ev);
    if (len > max) {
        if (ev.type != WS_EV_ERROR || ev.error != WS_ERR_TOO_BIG)
            fprintf(stderr, "line %d: length %llu, cap %llu: not refused\n",
                    line, (unsigned long long)len, (unsigned long long)max);
        CHECK_EQ_INT(ev.type, WS_EV_ERROR);
        CHECK_EQ_INT(ev.error, WS_ERR_TOO_BIG);
        CHECK_EQ_INT(ws_error_close_code(ev.error), 1009);
        CHECK_EQ_INT(used, 10);
        return;
    }
    if (ev.type != WS_EV_DATA)
        fprintf(stderr, "line %d: length %llu, cap %llu: no data\n",
                line, (unsigned long long)len, (unsigned long long)max);
    CHECK_EQ_INT(ev.type, WS_EV_DATA);
    CHECK_EQ_INT(ev.len, 64);
    CHECK_EQ_INT(ev.last, 0);
    CHECK_EQ_INT(used, sizeof buf);
    /* More payload keeps coming as payload, not as a new header. */
    n = ws_decode(&d, buf, 14, &ev);
    CHECK_EQ_INT(n, 14);
    CHECK_EQ_INT(ev.type, WS_EV_DATA);
    CHECK_EQ_INT(ev.last, 0);
}

/* The largest cap a caller can give: SIZE_MAX. Lengths past it must be
 * refused; on a 32-bit build that is every length from 2^32 up. */
static void decode(void)
{
    const uint64_t cap = (uint64_t)SIZE_MAX;
    const uint64_t lens[] = {
        LEN_2_32 - 1, LEN_2_32, LEN_2_32 + 5, LEN_2_32 + 0xFFFF,
        (uint64_t)1 << 40, ((uint64_t)1 << 63) - 1
    };
    size_t i;

    printf("size_t is %u bits\n", (unsigned)(sizeof(size_t) * 8));
    for (i = 0; i < sizeof lens / sizeof lens[0]; i++)
        one(cap, lens[i], __LINE__);
    if (SIZE_MAX < UINT64_MAX / 2) {
        /* 32-bit: say so explicitly, not only through len > max. */
        CHECK((uint64_t)SIZE_MAX < LEN_2_32 + 5);
        one(cap, (uint64_t)SIZE_MAX + 1, __LINE__);
    }
    one(cap, 70000, __LINE__);
}

/* What the server can be given: --max-message up to SIZE_MAX / 4 (main.c).
 * A length just past it, and every length a 32-bit size_t would wrap, is
 * refused; the cap itself is not. */
static void server_cap(void)
{
    const uint64_t cap = (uint64_t)(SIZE_MAX / 4);

    one(cap, cap, __LINE__);
    one(cap, cap + 1, __LINE__);
    one(cap, LEN_2_32 + 5, __LINE__);
    one(cap, ((uint64_t)1 << 63) - 1, __LINE__);
}

/* The encoder writes all 64 bits of a length. */
static void encode(void)
{
    static const uint8_t want[10] = { 0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5 };
    uint8_t out[WS_MAX_HEADER];
    size_t n;

    n = ws_frame_header(out, 1, WS_OP_BINARY, LEN_2_32 + 5);
    CHECK_EQ_INT(n, 10);
    CHECK_MEM(out, want, 10);
}

static const check_group groups[] = {
    { "decode", decode },
    { "server_cap", server_cap },
    { "encode", encode },
    { NULL, NULL }
};

int main(int argc, char **argv)
{
    return check_main(argc, argv, groups);
}
