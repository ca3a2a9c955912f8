/* test_frame.c -- unit tests for the frame decoder and encoders.
 *
 * The client side of every exchange is built here, from RFC 6455 §5
 * itself: literal bytes from §5.7, or client_frame() below, which lays a
 * masked frame out by hand and never calls the encoders under test.
 *
 * A byte stream is fed to a decoder three ways: whole, one byte at a time,
 * and in random chunk sizes from a fixed-seed generator. Each chunk is
 * copied into a buffer of exactly its size, so AddressSanitizer or
 * valgrind catch a read past what the decoder was given. The events are
 * turned into a transcript (messages reassembled, control frames, the
 * error), which must be the same for every way of feeding and equal to
 * the transcript the test expects. */
#include <stdint.h>
#include "check.h"
#include "frame.h"

/* ---- a growable byte buffer ------------------------------------------- */

typedef struct bytes {
    uint8_t *p;
    size_t len, cap;
} bytes;

/* Append n bytes; afterwards b->p is never NULL. */
static void put(bytes *b, const void *p, size_t n)
{
    if (!b->p || b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n) cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p) abort();
        b->cap = cap;
    }
    if (n > 0) memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_byte(bytes *b, unsigned c)
{
    uint8_t x = (uint8_t)c;
    put(b, &x, 1);
}

static void put_str(bytes *b, const char *s)
{
    put(b, s, strlen(s));
}

static void release(bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

/* ---- a fixed-seed generator (xorshift32) ----------------------------- */

static uint32_t rng = 2463534242u;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

/* A number in [lo, hi]. */
static size_t between(size_t lo, size_t hi)
{
    return lo + rnd() % (hi - lo + 1);
}

/* ---- the client side: masked frames, from §5.2 and §5.3 --------------- */

/* Append a masked frame: FIN and opcode, MASK and the shortest length,
 * the key, then the payload XORed with key[i % 4]. */
static void client_frame(bytes *b, int fin, int op, const void *payload,
                         size_t len, uint32_t key)
{
    const uint8_t *p = payload;
    uint8_t k[4];
    uint64_t n = len;
    size_t i;

    k[0] = (uint8_t)(key >> 24);
    k[1] = (uint8_t)(key >> 16);
    k[2] = (uint8_t)(key >> 8);
    k[3] = (uint8_t)key;
    put_byte(b, (fin ? 0x80u : 0u) | (unsigned)op);
    if (n < 126) {
        put_byte(b, 0x80u | (unsigned)n);
    } else if (n < 65536) {
        put_byte(b, 0x80u | 126u);
        put_byte(b, (unsigned)(n >> 8) & 0xFF);
        put_byte(b, (unsigned)n & 0xFF);
    } else {
        put_byte(b, 0x80u | 127u);
        for (i = 0; i < 8; i++) put_byte(b, (unsigned)(n >> (56 - 8 * i)) & 0xFF);
    }
    put(b, k, 4);
    for (i = 0; i < len; i++) put_byte(b, p[i] ^ k[i % 4]);
}

/* A close frame carrying code and reason. */
static void client_close(bytes *b, unsigned code, const char *reason)
{
    bytes pl = {0};

    put_byte(&pl, code >> 8);
    put_byte(&pl, code & 0xFF);
    put_str(&pl, reason);
    client_frame(b, 1, WS_OP_CLOSE, pl.p, pl.len, 0x11223344u);
    release(&pl);
}

/* ---- transcripts ------------------------------------------------------ */

/* A transcript entry: tag, a number, a length, the bytes. Tags: 'M'
 * message (number = opcode), 'P' ping, 'O' pong, 'C' close (number =
 * code, bytes = reason), 'E' error (number = error). */
static void note(bytes *t, int tag, unsigned num, const void *p, size_t n)
{
    uint32_t h[2];

    h[0] = num;
    h[1] = (uint32_t)n;
    put_byte(t, (unsigned)tag);
    put(t, h, sizeof h);
    put(t, p, n);
}

static void note_str(bytes *t, int tag, unsigned num, const char *s)
{
    note(t, tag, num, s, strlen(s));
}

/* What feeding a stream produced. */
typedef struct run {
    bytes log;        /* the transcript */
    bytes msg;        /* the message being reassembled */
    int msg_op;       /* its opcode, 0 if none open */
    ws_error error;   /* last error seen, WS_ERR_NONE if none */
} run;

static const run fresh_run;

/* Record one event; check what the API promises about each. */
static void record(run *r, const ws_event *ev, const uint8_t *chunk,
                   size_t chunk_len)
{
    switch (ev->type) {
    case WS_EV_NEED_MORE:
        break;
    case WS_EV_DATA:
        CHECK(ev->opcode == WS_OP_TEXT || ev->opcode == WS_OP_BINARY);
        CHECK(ev->data != NULL);
        CHECK(ev->len <= chunk_len);
        if (ev->len > 0)
            CHECK(ev->data >= chunk && ev->data + ev->len <= chunk + chunk_len);
        if (r->msg_op == 0) r->msg_op = ev->opcode;
        CHECK_EQ_INT(ev->opcode, r->msg_op);
        put(&r->msg, ev->data, ev->len);
        if (ev->last) {
            note(&r->log, 'M', (unsigned)r->msg_op, r->msg.p, r->msg.len);
            r->msg.len = 0;
            r->msg_op = 0;
        }
        break;
    case WS_EV_PING:
    case WS_EV_PONG:
        CHECK(ev->len <= WS_MAX_CONTROL);
        note(&r->log, ev->type == WS_EV_PING ? 'P' : 'O', 0, ev->data, ev->len);
        break;
    case WS_EV_CLOSE:
        CHECK(ev->len <= WS_MAX_CONTROL - 2);
        note(&r->log, 'C', ev->close_code, ev->data, ev->len);
        break;
    case WS_EV_ERROR:
        CHECK(ev->error != WS_ERR_NONE);
        note(&r->log, 'E', (unsigned)ev->error, NULL, 0);
        r->error = ev->error;
        break;
    default:
        CHECK(!"unknown event type");
    }
}

enum { WHOLE, BYTES, RANDOM };
static const char *const mode_name[] = { "whole", "byte by byte", "random" };

/* The size of the next chunk of a stream with left bytes to go. */
static size_t chunk_size(int mode, size_t left)
{
    size_t n;

    if (mode == WHOLE) return left;
    if (mode == BYTES) return left ? 1 : 0;
    switch (rnd() % 4) {
    case 0:  n = between(1, 3); break;
    case 1:  n = between(1, 20); break;
    case 2:  n = between(1, 300); break;
    default: n = between(1, 5000); break;
    }
    return n < left ? n : left;
}

/* Feed s[0..len) to d as mode says, recording into r, until the stream
 * ends or the decoder fails. */
static void feed(ws_decoder *d, const uint8_t *s, size_t len, int mode, run *r)
{
    size_t pos = 0;

    do {
        size_t n = chunk_size(mode, len - pos), off = 0, rounds = 0;
        uint8_t *chunk = malloc(n ? n : 1);
        ws_event ev;

        if (!chunk) abort();
        if (n > 0) memcpy(chunk, s + pos, n);
        do {
            size_t used = ws_decode(d, chunk + off, n - off, &ev);
            CHECK(used <= n - off);
            if (used > n - off) break;
            record(r, &ev, chunk + off, n - off);
            off += used;
            if (++rounds > n + 100) {   /* events without progress */
                CHECK(!"decoder loops");
                break;
            }
        } while (ev.type != WS_EV_NEED_MORE && ev.type != WS_EV_ERROR);
        if (ev.type == WS_EV_NEED_MORE) CHECK_EQ_INT(off, n);
        free(chunk);
        pos += n;
        if (ev.type == WS_EV_ERROR) break;
    } while (pos < len);
}

/* Feed the stream all three ways; each transcript must equal want. With
 * an error expected, also check it is sticky and its close code. */
static void expect_max(const bytes *stream, uint64_t max, const bytes *want,
                       int line)
{
    int mode;

    for (mode = WHOLE; mode <= RANDOM; mode++) {
        ws_decoder d;
        run r = fresh_run;
        ws_event ev;
        uint8_t more[3] = { 0x81, 0x80, 0 };

        ws_decoder_init(&d, max);
        feed(&d, stream->p, stream->len, mode, &r);
        if (r.log.len != want->len
            || (want->len > 0 && memcmp(r.log.p, want->p, want->len) != 0)) {
            fprintf(stderr, "%s:%d: transcript differs when fed %s\n",
                    __FILE__, line, mode_name[mode]);
            check_failures++;
        }
        if (r.error != WS_ERR_NONE) {   /* sticky: same error, nothing used */
            CHECK_EQ_INT(ws_decode(&d, more, sizeof more, &ev), 0);
            CHECK_EQ_INT(ev.type, WS_EV_ERROR);
            CHECK_EQ_INT(ev.error, r.error);
        }
        release(&r.log);
        release(&r.msg);
    }
}

#define BIG_CAP ((uint64_t)1 << 40)
#define expect(stream, want) expect_max((stream), BIG_CAP, (want), __LINE__)

/* Shorthand: a stream and its transcript from literal bytes. */
static bytes lit(const char *s, size_t n)
{
    bytes b = {0};
    put(&b, s, n);
    return b;
}
#define LIT(s) lit((s), sizeof(s) - 1)

/* ---- rfc_examples: §5.7 ----------------------------------------------- */

static void rfc_examples(void)
{
    bytes s, want = {0}, payload = {0};
    size_t i;

    /* A single-frame unmasked text message: a server must refuse it. */
    s = LIT("\x81\x05\x48\x65\x6c\x6c\x6f");
    note(&want, 'E', WS_ERR_UNMASKED, NULL, 0);
    expect(&s, &want);
    release(&s); release(&want);

    /* A single-frame masked text message. */
    s = LIT("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    note_str(&want, 'M', WS_OP_TEXT, "Hello");
    expect(&s, &want);
    release(&s); release(&want);

    /* The fragmented unmasked text message: refused at its first frame. */
    s = LIT("\x01\x03\x48\x65\x6c" "\x80\x02\x6c\x6f");
    note(&want, 'E', WS_ERR_UNMASKED, NULL, 0);
    expect(&s, &want);
    release(&s); release(&want);

    /* The same, masked with the key of the example above: "Hel" is the
     * masked example's first three bytes; "lo" restarts the key:
     * 0x6c ^ 0x37 = 0x5b, 0x6f ^ 0xfa = 0x95. */
    s = LIT("\x01\x83\x37\xfa\x21\x3d\x7f\x9f\x4d"
            "\x80\x82\x37\xfa\x21\x3d\x5b\x95");
    note_str(&want, 'M', WS_OP_TEXT, "Hello");
    expect(&s, &want);
    release(&s); release(&want);

    /* The unmasked ping is refused; the same ping masked is a ping. */
    s = LIT("\x89\x05\x48\x65\x6c\x6c\x6f");
    note(&want, 'E', WS_ERR_UNMASKED, NULL, 0);
    expect(&s, &want);
    release(&s); release(&want);
    s = LIT("\x89\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    note_str(&want, 'P', 0, "Hello");
    expect(&s, &want);
    release(&s); release(&want);

    /* The masked pong, as in the RFC. */
    s = LIT("\x8a\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58");
    note_str(&want, 'O', 0, "Hello");
    expect(&s, &want);
    release(&s); release(&want);

    /* 256 bytes of binary data: 0x7E and a 16-bit length, here masked. */
    for (i = 0; i < 65536; i++) put_byte(&payload, (unsigned)(i * 7 + 3));
    s = LIT("\x82\xfe\x01\x00\x37\xfa\x21\x3d");
    for (i = 0; i < 256; i++)
        put_byte(&s, payload.p[i] ^ (uint8_t)"\x37\xfa\x21\x3d"[i % 4]);
    note(&want, 'M', WS_OP_BINARY, payload.p, 256);
    expect(&s, &want);
    release(&s); release(&want);

    /* 64 KiB: 0x7F and a 64-bit length. */
    s = LIT("\x82\xff\x00\x00\x00\x00\x00\x01\x00\x00\x37\xfa\x21\x3d");
    for (i = 0; i < 65536; i++)
        put_byte(&s, payload.p[i] ^ (uint8_t)"\x37\xfa\x21\x3d"[i % 4]);
    note(&want, 'M', WS_OP_BINARY, payload.p, 65536);
    expect(&s, &want);
    release(&s); release(&want);
    release(&payload);
}

/* ---- lengths ---------------------------------------------------------- */

static void lengths(void)
{
    static const size_t sizes[] = { 0, 1, 125, 126, 127, 65535, 65536, 70000 };
    uint8_t h[16];
    size_t i, j;

    /* The test's own encoder, against hand-written length forms. */
    {
        bytes b = {0};
        client_frame(&b, 1, WS_OP_BINARY, "", 0, 0x01020304u);
        CHECK_MEM(b.p, "\x82\x80\x01\x02\x03\x04", 6);
        b.len = 0;
        client_frame(&b, 1, WS_OP_BINARY, h, 1, 0);
        CHECK_MEM(b.p, "\x82\x81", 2);
        release(&b);
    }
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        bytes payload = {0}, s = {0}, want = {0};
        for (j = 0; j < sizes[i]; j++) put_byte(&payload, 'a' + rnd() % 26);
        client_frame(&s, 1, i % 2 ? WS_OP_TEXT : WS_OP_BINARY, payload.p,
                     payload.len, rnd());
        if (sizes[i] == 125) CHECK_EQ_INT(s.p[1], 0xFD);
        if (sizes[i] == 126) CHECK_MEM(s.p + 1, "\xFE\x00\x7E", 3);
        if (sizes[i] == 65535) CHECK_MEM(s.p + 1, "\xFE\xFF\xFF", 3);
        if (sizes[i] == 65536) CHECK_MEM(s.p + 1, "\xFF\0\0\0\0\0\x01\0\0", 9);
        note(&want, 'M', i % 2 ? WS_OP_TEXT : WS_OP_BINARY, payload.p,
             payload.len);
        expect(&s, &want);
        /* A cap of exactly the length admits it. */
        expect_max(&s, sizes[i], &want, __LINE__);
        release(&payload); release(&s); release(&want);
    }

    /* ws_frame_header, against the bytes §5.2 prescribes. */
    CHECK_EQ_INT(ws_frame_header(h, 1, WS_OP_TEXT, 0), 2);
    CHECK_MEM(h, "\x81\x00", 2);
    CHECK_EQ_INT(ws_frame_header(h, 1, WS_OP_BINARY, 125), 2);
    CHECK_MEM(h, "\x82\x7D", 2);
    CHECK_EQ_INT(ws_frame_header(h, 0, WS_OP_TEXT, 126), 4);
    CHECK_MEM(h, "\x01\x7E\x00\x7E", 4);
    CHECK_EQ_INT(ws_frame_header(h, 1, WS_OP_BINARY, 65535), 4);
    CHECK_MEM(h, "\x82\x7E\xFF\xFF", 4);
    CHECK_EQ_INT(ws_frame_header(h, 1, WS_OP_BINARY, 65536), 10);
    CHECK_MEM(h, "\x82\x7F\x00\x00\x00\x00\x00\x01\x00\x00", 10);
    CHECK_EQ_INT(ws_frame_header(h, 0, WS_OP_CONT, 0x0123456789ABCDEFull), 10);
    CHECK_MEM(h, "\x00\x7F\x01\x23\x45\x67\x89\xAB\xCD\xEF", 10);
    CHECK_EQ_INT(ws_frame_header(h, 1, WS_OP_CLOSE, 2), 2);
    CHECK_MEM(h, "\x88\x02", 2);
    CHECK_EQ_INT(ws_frame_header(h, 1, WS_OP_PONG, 5), 2);
    CHECK_MEM(h, "\x8A\x05", 2);

    /* A length past 32 bits stays whole: a frame of 2^32 + 5 bytes is not
     * over after 5 (as it would be if truncated to a 32-bit size_t). */
    {
        uint8_t f[] = { 0x82, 0xFF, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0, 0,
                        1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        ws_decoder d;
        ws_event ev;
        ws_decoder_init(&d, BIG_CAP);
        CHECK_EQ_INT(ws_decode(&d, f, sizeof f, &ev), sizeof f);
        CHECK_EQ_INT(ev.type, WS_EV_DATA);
        CHECK_EQ_INT(ev.len, 10);
        CHECK_EQ_INT(ev.last, 0);
        CHECK_EQ_INT(ws_decode(&d, f, 0, &ev), 0);
        CHECK_EQ_INT(ev.type, WS_EV_NEED_MORE);
    }
}

/* ---- errors ----------------------------------------------------------- */

/* The stream must fail with err; the error's close code must be close. */
static void expect_error(const bytes *s, uint64_t max, ws_error err,
                         unsigned close, int line)
{
    bytes want = {0};

    note(&want, 'E', err, NULL, 0);
    expect_max(s, max, &want, line);
    if (ws_error_close_code(err) != close) {
        fprintf(stderr, "%s:%d: close code %u, want %u\n", __FILE__, line,
                ws_error_close_code(err), close);
        check_failures++;
    }
    release(&want);
}

#define KEY "\x01\x02\x03\x04"
#define ERR_LIT(str, err, close) do { \
    bytes s_ = LIT(str); \
    expect_error(&s_, BIG_CAP, (err), (close), __LINE__); \
    release(&s_); \
} while (0)

static void error_close_codes(void)
{
    static const unsigned bad[] = {
        0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000,
        65535
    };
    static const unsigned good[] = {
        1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013,
        1014, 3000, 3999, 4000, 4999
    };
    size_t i;

    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bytes s = {0};
        client_close(&s, bad[i], "");
        expect_error(&s, BIG_CAP, WS_ERR_CLOSE_CODE, 1002, __LINE__);
        release(&s);
    }
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        bytes s = {0}, want = {0};
        client_close(&s, good[i], "bye");
        note_str(&want, 'C', good[i], "bye");
        expect(&s, &want);
        release(&s); release(&want);
    }
    /* No payload at all: 1005 and no reason. One byte: an error. */
    {
        bytes want = {0}, s = LIT("\x88\x80" KEY);
        note(&want, 'C', 1005, NULL, 0);
        expect(&s, &want);
        release(&s); release(&want);
    }
    ERR_LIT("\x88\x81" KEY "\x04", WS_ERR_CLOSE_LENGTH, 1002);
    {
        bytes s = {0};
        client_close(&s, 1000, "bad \xC0\x80 reason");
        expect_error(&s, BIG_CAP, WS_ERR_CLOSE_UTF8, 1007, __LINE__);
        release(&s);
    }
}

static void errors(void)
{
    int op;

    ERR_LIT("\x81\x05Hello", WS_ERR_UNMASKED, 1002);
    ERR_LIT("\x82\x00", WS_ERR_UNMASKED, 1002);
    ERR_LIT("\xC1\x80" KEY, WS_ERR_RSV, 1002);      /* RSV1 */
    ERR_LIT("\xA1\x80" KEY, WS_ERR_RSV, 1002);      /* RSV2 */
    ERR_LIT("\x91\x80" KEY, WS_ERR_RSV, 1002);      /* RSV3 */
    ERR_LIT("\xF3\x05", WS_ERR_RSV, 1002);          /* RSV before all */
    for (op = 0; op < 16; op++) {
        bytes s = {0};
        if (op <= 2 || (op >= 8 && op <= 10)) continue;
        put_byte(&s, 0x80u | (unsigned)op);
        put_str(&s, "\x80" KEY);
        expect_error(&s, BIG_CAP, WS_ERR_OPCODE, 1002, __LINE__);
        release(&s);
    }
    ERR_LIT("\x09\x80" KEY, WS_ERR_CONTROL_FRAGMENTED, 1002);
    ERR_LIT("\x0A\x80" KEY, WS_ERR_CONTROL_FRAGMENTED, 1002);
    ERR_LIT("\x08\x80" KEY, WS_ERR_CONTROL_FRAGMENTED, 1002);
    ERR_LIT("\x89\xFE\x00\x7E" KEY, WS_ERR_CONTROL_TOO_LONG, 1002);
    ERR_LIT("\x89\xFF\x00\x00\x00\x00\x00\x00\x00\x7E" KEY,
            WS_ERR_CONTROL_TOO_LONG, 1002);
    ERR_LIT("\x88\x7E\x00\x7E", WS_ERR_CONTROL_TOO_LONG, 1002); /* before mask */
    ERR_LIT("\x82\xFF\x80\x00\x00\x00\x00\x00\x00\x00" KEY,
            WS_ERR_LENGTH_TOP_BIT, 1002);
    ERR_LIT("\x82\xFE\x00\x05" KEY, WS_ERR_LENGTH_NOT_MINIMAL, 1002);
    ERR_LIT("\x82\xFE\x00\x7D" KEY, WS_ERR_LENGTH_NOT_MINIMAL, 1002);
    ERR_LIT("\x82\xFF\x00\x00\x00\x00\x00\x00\x00\xC8" KEY,
            WS_ERR_LENGTH_NOT_MINIMAL, 1002);
    ERR_LIT("\x82\xFF\x00\x00\x00\x00\x00\x00\xFF\xFF" KEY,
            WS_ERR_LENGTH_NOT_MINIMAL, 1002);
    ERR_LIT("\x80\x80" KEY, WS_ERR_ORPHAN_CONTINUATION, 1002);
    ERR_LIT("\x00\x80" KEY, WS_ERR_ORPHAN_CONTINUATION, 1002);
    ERR_LIT("\x01\x80" KEY "\x81\x80" KEY, WS_ERR_EXPECTED_CONTINUATION, 1002);
    ERR_LIT("\x01\x80" KEY "\x02\x80" KEY, WS_ERR_EXPECTED_CONTINUATION, 1002);
    {
        /* A message ended by its FIN frame: a continuation is then
         * orphan. A ping inside a message does not end it. */
        bytes s = LIT("\x81\x80" KEY "\x80\x80" KEY), want = {0};
        note(&want, 'M', WS_OP_TEXT, NULL, 0);
        note(&want, 'E', WS_ERR_ORPHAN_CONTINUATION, NULL, 0);
        expect(&s, &want);
        release(&s); release(&want);
        s = LIT("\x02\x80" KEY "\x89\x80" KEY "\x81\x80" KEY);
        note(&want, 'P', 0, NULL, 0);
        note(&want, 'E', WS_ERR_EXPECTED_CONTINUATION, NULL, 0);
        expect(&s, &want);
        release(&s); release(&want);
    }
    error_close_codes();
    {
        bytes s = {0};
        client_frame(&s, 1, WS_OP_TEXT, "ok \xC3\x28", 5, 0xA1B2C3D4u);
        expect_error(&s, BIG_CAP, WS_ERR_TEXT_UTF8, 1007, __LINE__);
        release(&s);
    }
    /* The cap: in one frame, and summed over fragments. */
    {
        uint8_t big[101] = {0};
        bytes s = {0}, want = {0};
        client_frame(&s, 1, WS_OP_BINARY, big, 101, 7);
        expect_error(&s, 100, WS_ERR_TOO_BIG, 1009, __LINE__);
        s.len = 0;
        client_frame(&s, 0, WS_OP_BINARY, big, 60, 7);
        client_frame(&s, 1, WS_OP_CONT, big, 41, 7);
        expect_error(&s, 100, WS_ERR_TOO_BIG, 1009, __LINE__);
        s.len = 0;                      /* 60 + 40 is exactly the cap */
        client_frame(&s, 0, WS_OP_BINARY, big, 60, 7);
        client_frame(&s, 1, WS_OP_CONT, big, 40, 7);
        note(&want, 'M', WS_OP_BINARY, big, 100);
        expect_max(&s, 100, &want, __LINE__);
        release(&s); release(&want);
        /* A fragment in the 64-bit form counts once, whole. */
        {
            uint8_t *p = calloc(65536 + 11, 1);
            if (!p) abort();
            client_frame(&s, 0, WS_OP_BINARY, p, 65536, 7);
            client_frame(&s, 1, WS_OP_CONT, p, 10, 8);
            note(&want, 'M', WS_OP_BINARY, p, 65536 + 10);
            expect_max(&s, 65536 + 10, &want, __LINE__);
            s.len = 0;
            client_frame(&s, 0, WS_OP_BINARY, p, 65536, 7);
            client_frame(&s, 1, WS_OP_CONT, p, 11, 8);
            expect_error(&s, 65536 + 10, WS_ERR_TOO_BIG, 1009, __LINE__);
            release(&s); release(&want);
            free(p);
        }
        /* 2^32 + 1 must not pass as 1. */
        s = LIT("\x82\xFF\x00\x00\x00\x01\x00\x00\x00\x01" KEY "x");
        expect_error(&s, 1000, WS_ERR_TOO_BIG, 1009, __LINE__);
        release(&s);
        /* The cap counts each message afresh. */
        client_frame(&s, 1, WS_OP_BINARY, big, 100, 7);
        client_frame(&s, 1, WS_OP_BINARY, big, 100, 7);
        note(&want, 'M', WS_OP_BINARY, big, 100);
        note(&want, 'M', WS_OP_BINARY, big, 100);
        expect_max(&s, 100, &want, __LINE__);
        release(&s); release(&want);
    }
    /* Messages before the error are delivered whole. */
    {
        bytes s = {0}, want = {0};
        client_frame(&s, 1, WS_OP_TEXT, "first", 5, 99);
        put_str(&s, "\x81\x05Hello");
        note_str(&want, 'M', WS_OP_TEXT, "first");
        note(&want, 'E', WS_ERR_UNMASKED, NULL, 0);
        expect(&s, &want);
        release(&s); release(&want);
    }
    /* Sticky, explicitly: the same error, nothing consumed, however often. */
    {
        uint8_t f[] = { 0xC1, 0x80, 1, 2, 3, 4 };
        ws_decoder d;
        ws_event ev;
        int i;
        ws_decoder_init(&d, 100);
        CHECK_EQ_INT(ws_decode(&d, f, sizeof f, &ev), 1);
        CHECK_EQ_INT(ev.type, WS_EV_ERROR);
        CHECK_EQ_INT(ev.error, WS_ERR_RSV);
        for (i = 0; i < 3; i++) {
            CHECK_EQ_INT(ws_decode(&d, f + 1, sizeof f - 1, &ev), 0);
            CHECK_EQ_INT(ev.type, WS_EV_ERROR);
            CHECK_EQ_INT(ev.error, WS_ERR_RSV);
        }
        CHECK_EQ_INT(ws_decode(&d, NULL, 0, &ev), 0);
        CHECK_EQ_INT(ev.type, WS_EV_ERROR);
    }
    /* After a close, everything is consumed and ignored, even garbage. */
    {
        bytes s = {0}, want = {0};
        ws_decoder d;
        ws_event ev;
        client_close(&s, 1001, "gone");
        client_frame(&s, 1, WS_OP_TEXT, "late", 4, 5);
        put_str(&s, "\xFF\xFF\x05garbage");
        note_str(&want, 'C', 1001, "gone");
        expect(&s, &want);
        ws_decoder_init(&d, 100);
        CHECK_EQ_INT(ws_decode(&d, s.p, s.len, &ev), 12);
        CHECK_EQ_INT(ev.type, WS_EV_CLOSE);
        CHECK_EQ_INT(ws_decode(&d, s.p + 12, s.len - 12, &ev), s.len - 12);
        CHECK_EQ_INT(ev.type, WS_EV_NEED_MORE);
        CHECK_EQ_INT(ws_decode(&d, s.p, 3, &ev), 3);
        CHECK_EQ_INT(ev.type, WS_EV_NEED_MORE);
        release(&s); release(&want);
    }
}

/* ---- utf8_stream ------------------------------------------------------ */

/* Text of 1-, 2-, 3- and 4-byte characters. */
static const char text[] =
    "a\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E z\xC3\xB6\xE2\x98\x83\xF4\x8F\xBF\xBF!";

static void utf8_stream(void)
{
    size_t n = sizeof text - 1, i, j;
    bytes s = {0}, want = {0};

    /* Two fragments, split at every byte, inside characters too. */
    for (i = 0; i <= n; i++) {
        client_frame(&s, 0, WS_OP_TEXT, text, i, rnd());
        client_frame(&s, 1, WS_OP_CONT, text + i, n - i, rnd());
        note(&want, 'M', WS_OP_TEXT, text, n);
    }
    /* One fragment per byte. */
    for (j = 0; j < n; j++)
        client_frame(&s, j + 1 == n, j ? WS_OP_CONT : WS_OP_TEXT, text + j, 1,
                     rnd());
    note(&want, 'M', WS_OP_TEXT, text, n);
    expect(&s, &want);
    release(&s); release(&want);

    /* A bad byte in the middle of a long frame fails the call that brings
     * it, and that piece is not delivered; the valid half before it is. */
    {
        uint8_t payload[1000];
        ws_decoder d;
        ws_event ev;
        memset(payload, 'x', sizeof payload);
        payload[700] = 0xFF;
        client_frame(&s, 1, WS_OP_TEXT, payload, sizeof payload, 0x5A5AA5A5u);
        CHECK_EQ_INT(s.len, 8 + 1000);
        ws_decoder_init(&d, 1 << 20);
        CHECK_EQ_INT(ws_decode(&d, s.p, 8 + 500, &ev), 8 + 500);
        CHECK_EQ_INT(ev.type, WS_EV_DATA);
        CHECK_EQ_INT(ev.len, 500);
        CHECK_EQ_INT(ev.last, 0);
        CHECK_MEM(ev.data, payload, 500);
        ws_decode(&d, s.p + 508, 500, &ev);
        CHECK_EQ_INT(ev.type, WS_EV_ERROR);
        CHECK_EQ_INT(ev.error, WS_ERR_TEXT_UTF8);
        CHECK_EQ_INT(ws_error_close_code(ev.error), 1007);
        release(&s);
    }
    /* A sequence cut short by the end of the message: in the final
     * fragment, or when the final fragment is empty. */
    client_frame(&s, 0, WS_OP_TEXT, "ab", 2, 1);
    client_frame(&s, 1, WS_OP_CONT, "c\xE2\x82", 3, 2);
    expect_error(&s, BIG_CAP, WS_ERR_TEXT_UTF8, 1007, __LINE__);
    s.len = 0;
    client_frame(&s, 0, WS_OP_TEXT, "a\xF0\x9D\x84", 4, 1);
    client_frame(&s, 1, WS_OP_CONT, "", 0, 2);
    expect_error(&s, BIG_CAP, WS_ERR_TEXT_UTF8, 1007, __LINE__);
    s.len = 0;
    client_frame(&s, 1, WS_OP_TEXT, "\xC3", 1, 3);
    expect_error(&s, BIG_CAP, WS_ERR_TEXT_UTF8, 1007, __LINE__);
    s.len = 0;
    /* Binary is not validated, and text state does not leak into the
     * next message. */
    client_frame(&s, 1, WS_OP_BINARY, "\xC3", 1, 4);
    client_frame(&s, 1, WS_OP_TEXT, "\xC3\xA9", 2, 5);
    note(&want, 'M', WS_OP_BINARY, "\xC3", 1);
    note(&want, 'M', WS_OP_TEXT, "\xC3\xA9", 2);
    expect(&s, &want);
    release(&s); release(&want);
}

/* ---- interleave ------------------------------------------------------- */

static void interleave(void)
{
    bytes s = {0}, want = {0};

    client_frame(&s, 0, WS_OP_TEXT, "Hel", 3, 0x37fa213du);
    client_frame(&s, 1, WS_OP_PING, "ping", 4, 0x01020304u);
    client_frame(&s, 0, WS_OP_CONT, "", 0, 0x0u);
    client_frame(&s, 1, WS_OP_PONG, "", 0, 0x0u);
    client_frame(&s, 1, WS_OP_CONT, "lo", 2, 0x37fa213du);
    client_frame(&s, 1, WS_OP_PING, "after", 5, 0xFFFFFFFFu);
    note_str(&want, 'P', 0, "ping");
    note_str(&want, 'O', 0, "");
    note_str(&want, 'M', WS_OP_TEXT, "Hello");
    note_str(&want, 'P', 0, "after");
    expect(&s, &want);
    release(&s); release(&want);

    /* A close in the middle of a message ends the stream. */
    client_frame(&s, 0, WS_OP_BINARY, "abc", 3, 1);
    client_close(&s, 1000, "");
    client_frame(&s, 1, WS_OP_CONT, "def", 3, 2);
    note_str(&want, 'C', 1000, "");
    expect(&s, &want);
    release(&s); release(&want);

    /* A 125-byte ping, the largest, between fragments of binary. */
    {
        uint8_t p[125];
        size_t i;
        for (i = 0; i < sizeof p; i++) p[i] = (uint8_t)(255 - i);
        client_frame(&s, 0, WS_OP_BINARY, "\x00\x01", 2, 9);
        client_frame(&s, 1, WS_OP_PING, p, sizeof p, 10);
        client_frame(&s, 1, WS_OP_CONT, "\x02", 1, 11);
        note(&want, 'P', 0, p, sizeof p);
        note(&want, 'M', WS_OP_BINARY, "\x00\x01\x02", 3);
        expect(&s, &want);
        release(&s); release(&want);
    }
}

/* ---- encoders --------------------------------------------------------- */

/* ws_close_payload on n copies of character ch: the result must be the
 * code, then whole characters, as many as fit in 123 bytes. */
static void close_cut(const char *ch, size_t n)
{
    bytes r = {0};
    uint8_t out[WS_MAX_CONTROL];
    size_t w = strlen(ch), len, i;

    for (i = 0; i < n; i++) put_str(&r, ch);
    put_byte(&r, 0);
    len = ws_close_payload(out, 4000, (const char *)r.p);
    CHECK_EQ_INT(len, 2 + (n * w <= 123 ? n * w : 123 / w * w));
    CHECK_MEM(out, "\x0F\xA0", 2);
    CHECK_MEM(out + 2, r.p, len - 2);
    release(&r);
}

static void encoders(void)
{
    uint8_t out[WS_MAX_CONTROL];
    ws_error e;

    CHECK_EQ_INT(ws_close_payload(out, 1000, "bye"), 5);
    CHECK_MEM(out, "\x03\xE8" "bye", 5);
    CHECK_EQ_INT(ws_close_payload(out, 1009, NULL), 2);
    CHECK_MEM(out, "\x03\xF1", 2);
    CHECK_EQ_INT(ws_close_payload(out, 4999, ""), 2);
    CHECK_MEM(out, "\x13\x87", 2);
    close_cut("a", 200);                    /* 123 */
    close_cut("a", 123);                    /* 123: fits exactly */
    close_cut("a", 122);
    close_cut("\xC3\xA9", 100);             /* 61 x 2 = 122 */
    close_cut("\xE2\x82\xAC", 67);          /* 41 x 3 = 123 */
    close_cut("\xE2\x82\xAC", 41);
    close_cut("\xF0\x9F\x98\x80", 50);      /* 30 x 4 = 120 */

    CHECK(ws_close_code_valid(1000));
    CHECK(ws_close_code_valid(1001));
    CHECK(ws_close_code_valid(1002));
    CHECK(ws_close_code_valid(1003));
    CHECK(!ws_close_code_valid(1004));
    CHECK(!ws_close_code_valid(1005));
    CHECK(!ws_close_code_valid(1006));
    CHECK(ws_close_code_valid(1007));
    CHECK(ws_close_code_valid(1011));
    CHECK(ws_close_code_valid(1014));
    CHECK(!ws_close_code_valid(1015));
    CHECK(!ws_close_code_valid(1016));
    CHECK(!ws_close_code_valid(0));
    CHECK(!ws_close_code_valid(999));
    CHECK(!ws_close_code_valid(2999));
    CHECK(ws_close_code_valid(3000));
    CHECK(ws_close_code_valid(4999));
    CHECK(!ws_close_code_valid(5000));
    CHECK(!ws_close_code_valid(65536 + 1000));

    CHECK_EQ_INT(ws_error_close_code(WS_ERR_NONE), 1000);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_UNMASKED), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_RSV), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_OPCODE), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_CONTROL_FRAGMENTED), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_CONTROL_TOO_LONG), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_LENGTH_TOP_BIT), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_LENGTH_NOT_MINIMAL), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_ORPHAN_CONTINUATION), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_EXPECTED_CONTINUATION), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_CLOSE_LENGTH), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_CLOSE_CODE), 1002);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_CLOSE_UTF8), 1007);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_TEXT_UTF8), 1007);
    CHECK_EQ_INT(ws_error_close_code(WS_ERR_TOO_BIG), 1009);

    for (e = WS_ERR_NONE; e <= WS_ERR_TOO_BIG; e++) {
        const char *s = ws_error_string(e);
        CHECK(s != NULL && s[0] != '\0');
        CHECK(s != NULL && strlen(s) < 123);
        CHECK(s != NULL && utf8_valid(s, strlen(s)));
        if (e > WS_ERR_NONE) CHECK(strcmp(s, ws_error_string(e - 1)) != 0);
    }
    CHECK(strcmp(ws_error_string(WS_ERR_UNMASKED), "frame not masked") == 0);
}

/* ---- random ----------------------------------------------------------- */

/* Append a random valid UTF-8 character. */
static void random_char(bytes *b)
{
    uint32_t c;

    switch (rnd() % 4) {
    case 0:  c = rnd() % 0x80; break;
    case 1:  c = 0x80 + rnd() % (0x800 - 0x80); break;
    case 2:  do c = 0x800 + rnd() % (0x10000 - 0x800);
             while (c >= 0xD800 && c <= 0xDFFF);
             break;
    default: c = 0x10000 + rnd() % (0x110000 - 0x10000); break;
    }
    if (c < 0x80) {
        put_byte(b, c);
    } else if (c < 0x800) {
        put_byte(b, 0xC0 | c >> 6);
        put_byte(b, 0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        put_byte(b, 0xE0 | c >> 12);
        put_byte(b, 0x80 | (c >> 6 & 0x3F));
        put_byte(b, 0x80 | (c & 0x3F));
    } else {
        put_byte(b, 0xF0 | c >> 18);
        put_byte(b, 0x80 | (c >> 12 & 0x3F));
        put_byte(b, 0x80 | (c >> 6 & 0x3F));
        put_byte(b, 0x80 | (c & 0x3F));
    }
}

/* Maybe append a ping or pong, noting it in want. */
static void random_control(bytes *s, bytes *want)
{
    uint8_t p[WS_MAX_CONTROL];
    size_t n = rnd() % 3 ? 0 : between(0, WS_MAX_CONTROL), i;
    int ping = rnd() % 2;

    if (rnd() % 3) return;
    for (i = 0; i < n; i++) p[i] = (uint8_t)rnd();
    client_frame(s, 1, ping ? WS_OP_PING : WS_OP_PONG, p, n, rnd());
    note(want, ping ? 'P' : 'O', 0, p, n);
}

/* Append a random valid message, cut into random fragments with control
 * frames between them. Returns its length. */
static size_t random_message(bytes *s, bytes *want)
{
    bytes m = {0};
    int text = rnd() % 2;
    size_t target = rnd() % 8 ? between(0, 300) : between(0, 70000);
    size_t frags = between(1, 5), pos = 0, i, len;

    put(&m, "", 0);                     /* so m.p + pos is defined */
    while (m.len < target) {
        if (text) random_char(&m);
        else put_byte(&m, rnd());
    }
    for (i = 0; i < frags; i++) {
        size_t end = i + 1 == frags ? m.len : between(pos, m.len);
        client_frame(s, i + 1 == frags, i ? WS_OP_CONT
                     : text ? WS_OP_TEXT : WS_OP_BINARY,
                     m.p + pos, end - pos, rnd());
        pos = end;
        if (i + 1 < frags) random_control(s, want);
    }
    note(want, 'M', text ? WS_OP_TEXT : WS_OP_BINARY, m.p, m.len);
    len = m.len;
    release(&m);
    return len;
}

/* Feed garbage and check the decoder copes: no crash, no overrun, and the
 * calls end needing more or failed (which feed() checks). */
static void garbage(bytes *s)
{
    ws_decoder d;
    run r = fresh_run;

    ws_decoder_init(&d, between(0, 1000));
    feed(&d, s->p, s->len, RANDOM, &r);
    release(&r.log);
    release(&r.msg);
}

static void random_streams(void)
{
    int round;

    for (round = 0; round < 2000; round++) {
        bytes s = {0}, want = {0};
        size_t msgs = between(1, 4), max = 0, i, len;

        random_control(&s, &want);
        for (i = 0; i < msgs; i++) {
            len = random_message(&s, &want);
            if (len > max) max = len;
            random_control(&s, &want);
        }
        if (rnd() % 2) {
            unsigned code = 3000 + rnd() % 2000;
            client_close(&s, code, "done \xE2\x9C\x93");
            note_str(&want, 'C', code, "done \xE2\x9C\x93");
        }
        expect_max(&s, max, &want, __LINE__);

        /* The same stream, damaged in a few places. */
        for (i = between(1, 4); i > 0 && s.len > 0; i--)
            s.p[rnd() % s.len] ^= (uint8_t)(1u << rnd() % 8);
        garbage(&s);
        release(&s); release(&want);
    }
    for (round = 0; round < 2000; round++) {
        bytes s = {0};
        size_t n = between(0, 200), i;
        for (i = 0; i < n; i++) put_byte(&s, rnd());
        if (n > 0 && rnd() % 2) s.p[0] = (uint8_t)(s.p[0] & 0x8F);
        if (n > 1 && rnd() % 2) s.p[1] |= 0x80;
        garbage(&s);
        release(&s);
    }
}

static const check_group groups[] = {
    { "rfc_examples", rfc_examples },
    { "lengths", lengths },
    { "errors", errors },
    { "utf8_stream", utf8_stream },
    { "interleave", interleave },
    { "encoders", encoders },
    { "random", random_streams },
    { NULL, NULL }
};

int main(int argc, char **argv)
{
    return check_main(argc, argv, groups);
}
