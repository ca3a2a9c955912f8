/* fuzz_frame.c -- the frame decoder (frame.c), fed in random pieces.
 *
 * Input: byte 0 picks the message cap, bytes 1-4 seed the generator that
 * cuts the stream, and the rest is what a client sent. The stream is
 * decoded twice: whole, and cut into pieces of 0 to 255 bytes, each copied
 * into a block of exactly its size. Each run writes a transcript: every
 * message reassembled from its pieces, every control frame, the close or
 * the error with the number of bytes consumed until then. The two must be
 * equal, since the decoder's answers may not depend on how the network
 * split the bytes, and every event is checked against frame.h's promises
 * on the way. */
#include "fuzz.h"
#include "frame.h"
#include "utf8.h"

typedef struct buf {
    uint8_t *p;
    size_t len, cap;
} buf;

/* Append n bytes to b. */
static void put(buf *b, const void *p, size_t n)
{
    if (b->p == NULL || n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;

        while (n > cap - b->len) cap *= 2;
        b->p = realloc(b->p, cap);
        FUZZ_CHECK(b->p != NULL);
        b->cap = cap;
    }
    if (n > 0) memcpy(b->p + b->len, p, n);
    b->len += n;
}

/* One way of feeding the stream, and what came out of it. */
typedef struct run {
    ws_decoder dec;
    uint64_t max;       /* the decoder's message cap */
    buf log;            /* the transcript */
    buf msg;            /* the message being reassembled */
    int msg_op;         /* its opcode, 0 between messages */
    uint64_t consumed;  /* bytes consumed so far */
    int closed;         /* a close frame was reported */
    int failed;         /* an error was reported */
} run;

/* Add a record to the transcript: a tag, a number, n bytes. */
static void record(run *r, int tag, uint64_t num, const void *p, size_t n)
{
    uint8_t head[17];
    int i;

    head[0] = (uint8_t)tag;
    for (i = 0; i < 8; i++) head[1 + i] = (uint8_t)(num >> 8 * i);
    for (i = 0; i < 8; i++) head[9 + i] = (uint8_t)((uint64_t)n >> 8 * i);
    put(&r->log, head, sizeof head);
    put(&r->log, p, n);
}

/* Check a data event and reassemble its message. p[0..n) is what the
 * decoder was given in this call. */
static void data_event(run *r, const ws_event *ev, const uint8_t *p,
                       size_t n)
{
    FUZZ_CHECK(ev->opcode == WS_OP_TEXT || ev->opcode == WS_OP_BINARY);
    FUZZ_CHECK(r->msg_op == 0 || r->msg_op == ev->opcode);
    FUZZ_CHECK(ev->data != NULL);
    /* Data is handed back in place, inside the caller's buffer. */
    FUZZ_CHECK(ev->len == 0 ||
               ((uintptr_t)ev->data >= (uintptr_t)p && ev->len <= n &&
                (uintptr_t)ev->data - (uintptr_t)p <= n - ev->len));
    r->msg_op = ev->opcode;
    put(&r->msg, ev->data, ev->len);
    FUZZ_CHECK(r->msg.len <= r->max);
    if (!ev->last) return;
    if (ev->opcode == WS_OP_TEXT)
        FUZZ_CHECK(utf8_valid(r->msg.p, r->msg.len));
    record(r, ev->opcode == WS_OP_TEXT ? 'T' : 'B', 0, r->msg.p, r->msg.len);
    r->msg.len = 0;
    r->msg_op = 0;
}

/* Check any event and add it to the transcript. */
static void event(run *r, const ws_event *ev, const uint8_t *p, size_t n)
{
    const char *why;

    /* Nothing but "need more" once the peer's close has been read. */
    FUZZ_CHECK(!r->closed || ev->type == WS_EV_NEED_MORE);
    switch (ev->type) {
    case WS_EV_NEED_MORE:
        break;
    case WS_EV_DATA:
        data_event(r, ev, p, n);
        break;
    case WS_EV_PING:
    case WS_EV_PONG:
        FUZZ_CHECK(ev->data != NULL && ev->len <= WS_MAX_CONTROL);
        record(r, ev->type == WS_EV_PING ? 'I' : 'O', 0, ev->data, ev->len);
        break;
    case WS_EV_CLOSE:
        FUZZ_CHECK(ev->data != NULL && ev->len <= WS_MAX_CONTROL - 2);
        FUZZ_CHECK(ws_close_code_valid(ev->close_code) ||
                   (ev->close_code == WS_CLOSE_NO_STATUS && ev->len == 0));
        FUZZ_CHECK(utf8_valid(ev->data, ev->len));
        record(r, 'C', ev->close_code, ev->data, ev->len);
        r->closed = 1;
        break;
    case WS_EV_ERROR:
        FUZZ_CHECK(ev->error != WS_ERR_NONE);
        FUZZ_CHECK(ws_error_close_code(ev->error) == WS_CLOSE_PROTOCOL ||
                   ws_error_close_code(ev->error) == WS_CLOSE_BAD_DATA ||
                   ws_error_close_code(ev->error) == WS_CLOSE_TOO_BIG);
        why = ws_error_string(ev->error);
        FUZZ_CHECK(strlen(why) > 0 && strlen(why) <= WS_MAX_CONTROL - 2);
        record(r, 'E', (uint64_t)ev->error, NULL, 0);
        record(r, 'N', r->consumed, NULL, 0);
        r->failed = 1;
        break;
    }
}

/* Give the decoder n bytes at p (NULL if n is 0), calling it until it
 * asks for more or fails. */
static void feed(run *r, uint8_t *p, size_t n)
{
    ws_event ev;
    size_t used;

    while (!r->failed) {
        used = ws_decode(&r->dec, p, n, &ev);
        FUZZ_CHECK(used <= n);
        r->consumed += used;
        event(r, &ev, p, n);
        if (used > 0) p += used;
        n -= used;
        if (ev.type == WS_EV_NEED_MORE) {
            FUZZ_CHECK(n == 0);     /* "every byte given was consumed" */
            return;
        }
    }
    /* Failed: the same error again, and nothing consumed. */
    used = ws_decode(&r->dec, p, n, &ev);
    FUZZ_CHECK(used == 0 && ev.type == WS_EV_ERROR);
}

static void run_init(run *r, uint64_t max)
{
    memset(r, 0, sizeof *r);
    r->max = max;
    ws_decoder_init(&r->dec, max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run whole, cut;
    uint64_t max;
    uint32_t seed;
    size_t off;
    uint8_t *copy;

    if (size < 5) return 0;
    /* Caps from 0 to 1 MiB, powers of two and one less. */
    max = ((uint64_t)1 << data[0] % 21) - (data[0] >= 128);
    seed = (uint32_t)data[1] | (uint32_t)data[2] << 8 |
           (uint32_t)data[3] << 16 | (uint32_t)data[4] << 24;
    data += 5;
    size -= 5;

    run_init(&whole, max);
    copy = fuzz_copy(data, size);
    feed(&whole, size > 0 ? copy : NULL, size);
    free(copy);

    run_init(&cut, max);
    for (off = 0; off <= size && !cut.failed; ) {
        uint32_t k = fuzz_next(&seed);
        size_t n = (k & 3) == 0 ? (k >> 2 & 3) : (k >> 2 & 255);

        if (n > size - off) n = size - off;
        copy = fuzz_copy(data + off, n);
        feed(&cut, n > 0 ? copy : NULL, n);
        free(copy);
        off += n;
        if (off == size) break;
    }

    FUZZ_CHECK(whole.log.len == cut.log.len);
    FUZZ_CHECK(whole.log.len == 0 ||
               memcmp(whole.log.p, cut.log.p, whole.log.len) == 0);
    /* The message left open: after an error, how much of it was handed
     * out before the bad byte depends on the pieces, and is dropped. */
    FUZZ_CHECK(whole.failed || (whole.msg.len == cut.msg.len &&
                                whole.msg_op == cut.msg_op));
    FUZZ_CHECK(whole.consumed == cut.consumed);
    free(whole.log.p);
    free(whole.msg.p);
    free(cut.log.p);
    free(cut.msg.p);
    return 0;
}
