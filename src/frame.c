/* frame.c -- RFC 6455 §5 framing: the receiving decoder and the encoders.
 *
 * The decoder is a small state machine driven by whatever bytes the caller
 * has, however the network split them:
 *
 *   HEADER   gather the 2 to 14 header bytes in d->hdr, checking each rule
 *            as soon as the bytes that decide it have arrived;
 *   PAYLOAD  hand data payload straight back in the caller's buffer
 *            (unmasked in place, text validated on the way), or gather a
 *            control payload in d->ctrl until it is whole;
 *   CLOSED   a close frame arrived: whatever follows is ignored;
 *   FAILED   a rule was broken: the same error, forever.
 *
 * Data payload is never copied and nothing is allocated, so the decoder's
 * size is fixed however large the messages are; the message cap is checked
 * against each header before any of its payload is accepted. Lengths come
 * off the wire as 64 bits and stay uint64_t until they are compared with a
 * size_t the caller gave, so a 32-bit size_t truncates nothing. */
#include <string.h>
#include "frame.h"

enum { ST_HEADER, ST_PAYLOAD, ST_CLOSED, ST_FAILED };

#define FIN_BIT   0x80  /* first byte */
#define RSV_BITS  0x70
#define OP_BITS   0x0F
#define MASK_BIT  0x80  /* second byte */
#define LEN_BITS  0x7F
#define LEN_16    126   /* 7-bit length saying "16-bit length follows" */
#define LEN_64    127   /* ... "64-bit length follows" */
#define KEY_LEN   4     /* masking key */

void ws_decoder_init(ws_decoder *d, uint64_t max_message)
{
    memset(d, 0, sizeof *d);
    d->max_message = max_message;
    d->state = ST_HEADER;
    utf8_init(&d->utf8);
}

/* Say whether op is one of the opcodes §5.2 defines. */
static int opcode_known(int op)
{
    return op <= WS_OP_BINARY || (op >= WS_OP_CLOSE && op <= WS_OP_PONG);
}

/* Say whether op is a control opcode: they all have the high bit set. */
static int is_control(int op)
{
    return (op & 0x8) != 0;
}

/* Bytes of extended length the header announces: 0, 2 or 8.
 * Needs the first two header bytes. */
static size_t ext_len(const ws_decoder *d)
{
    unsigned n = d->hdr[1] & LEN_BITS;

    return n == LEN_16 ? 2 : n == LEN_64 ? 8 : 0;
}

/* Size of the whole header; needs the first two bytes. The masking key is
 * always counted: a header without one has failed by then. */
static size_t header_size(const ws_decoder *d)
{
    return 2 + ext_len(d) + KEY_LEN;
}

/* The payload length the header declares; needs the extended length. */
static uint64_t payload_len(const ws_decoder *d)
{
    size_t i, n = ext_len(d);
    uint64_t v = d->hdr[1] & LEN_BITS;

    if (n > 0) {
        v = 0;
        for (i = 0; i < n; i++) v = v << 8 | d->hdr[2 + i];
    }
    return v;
}

/* Rules the first byte decides on its own: RSV bits, opcode, and that a
 * control frame is not fragmented. */
static ws_error first_byte_rules(const ws_decoder *d)
{
    uint8_t b = d->hdr[0];
    int op = b & OP_BITS;

    if (b & RSV_BITS) return WS_ERR_RSV;
    if (!opcode_known(op)) return WS_ERR_OPCODE;
    if (is_control(op) && !(b & FIN_BIT)) return WS_ERR_CONTROL_FRAGMENTED;
    return WS_ERR_NONE;
}

/* Rules the second byte decides: control length (126 and 127 both mean
 * "over 125"), the mask bit, and whether this frame may come now given
 * the message that is open, if any (§5.4). */
static ws_error second_byte_rules(const ws_decoder *d)
{
    int op = d->hdr[0] & OP_BITS;

    if (is_control(op) && (d->hdr[1] & LEN_BITS) > WS_MAX_CONTROL)
        return WS_ERR_CONTROL_TOO_LONG;
    if (!(d->hdr[1] & MASK_BIT)) return WS_ERR_UNMASKED;
    if (op == WS_OP_CONT && d->msg_opcode == 0)
        return WS_ERR_ORPHAN_CONTINUATION;
    if ((op == WS_OP_TEXT || op == WS_OP_BINARY) && d->msg_opcode != 0)
        return WS_ERR_EXPECTED_CONTINUATION;
    return WS_ERR_NONE;
}

/* Rules the complete length decides: its encoding, then the message cap.
 * msg_len never exceeds max_message (every frame admitted fitted), so the
 * subtraction cannot wrap. */
static ws_error length_rules(const ws_decoder *d)
{
    size_t n = ext_len(d);
    uint64_t len;

    if (n == 8 && (d->hdr[2] & 0x80)) return WS_ERR_LENGTH_TOP_BIT;
    len = payload_len(d);
    if ((n == 2 && len < LEN_16) || (n == 8 && len <= 0xFFFF))
        return WS_ERR_LENGTH_NOT_MINIMAL;
    if (!is_control(d->hdr[0] & OP_BITS) && len > d->max_message - d->msg_len)
        return WS_ERR_TOO_BIG;
    return WS_ERR_NONE;
}

/* Check the rules that the header byte just gathered decides. Each byte
 * is examined once, so the verdict does not depend on how the header was
 * split across calls. */
static ws_error header_rules(const ws_decoder *d)
{
    ws_error err = WS_ERR_NONE;

    if (d->hdr_len == 1) err = first_byte_rules(d);
    else if (d->hdr_len == 2) err = second_byte_rules(d);
    if (err == WS_ERR_NONE && d->hdr_len >= 2 && d->hdr_len == 2 + ext_len(d))
        err = length_rules(d);
    return err;
}

/* The header is complete and valid: set up for its payload, opening a
 * message if this is the first frame of one. */
static void start_frame(ws_decoder *d)
{
    d->fin = (d->hdr[0] & FIN_BIT) != 0;
    d->opcode = d->hdr[0] & OP_BITS;
    d->remaining = payload_len(d);
    d->offset = 0;
    memcpy(d->mask, d->hdr + d->hdr_len - KEY_LEN, KEY_LEN);
    if (d->opcode == WS_OP_TEXT || d->opcode == WS_OP_BINARY) {
        d->msg_opcode = d->opcode;      /* msg_len is 0 between messages */
        utf8_init(&d->utf8);
    }
    if (!is_control(d->opcode)) d->msg_len += d->remaining;
    d->state = ST_PAYLOAD;
}

/* The current frame's payload has all been seen: expect a header. */
static void end_frame(ws_decoder *d)
{
    d->state = ST_HEADER;
    d->hdr_len = 0;
}

/* Fail the connection with err and report it. Returns used, so a caller
 * can say "return fail(...)" with the bytes it had consumed. */
static size_t fail(ws_decoder *d, ws_event *ev, ws_error err, size_t used)
{
    d->state = ST_FAILED;
    d->error = err;
    ev->type = WS_EV_ERROR;
    ev->error = err;
    return used;
}

/* How many of avail bytes belong to the current frame's payload. */
static size_t take(const ws_decoder *d, size_t avail)
{
    return d->remaining < avail ? (size_t)d->remaining : avail;
}

/* Unmask the next n payload bytes at p (§5.3) and count them as seen. */
static void unmask(ws_decoder *d, uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) p[i] ^= d->mask[(d->offset + i) & 3];
    d->offset += n;
    d->remaining -= n;
}

/* A close frame is whole in d->ctrl: check it (§5.5.1, §7.4) and report
 * it as WS_EV_CLOSE, or return the rule it breaks. */
static ws_error close_event(ws_decoder *d, ws_event *ev)
{
    size_t len = (size_t)d->offset;
    unsigned code = WS_CLOSE_NO_STATUS;

    if (len == 1) return WS_ERR_CLOSE_LENGTH;
    if (len >= 2) {
        code = (unsigned)d->ctrl[0] << 8 | d->ctrl[1];
        if (!ws_close_code_valid(code)) return WS_ERR_CLOSE_CODE;
        if (!utf8_valid(d->ctrl + 2, len - 2)) return WS_ERR_CLOSE_UTF8;
    }
    ev->type = WS_EV_CLOSE;
    ev->close_code = code;
    ev->data = len >= 2 ? d->ctrl + 2 : d->ctrl;
    ev->len = len >= 2 ? len - 2 : 0;
    d->state = ST_CLOSED;
    return WS_ERR_NONE;
}

/* Gather control payload from p[0..avail) into d->ctrl; once the frame
 * is whole, report it. Returns the bytes consumed. */
static size_t control_payload(ws_decoder *d, uint8_t *p, size_t avail,
                              ws_event *ev)
{
    size_t n = take(d, avail);
    uint8_t *dst = d->ctrl + (size_t)d->offset;
    ws_error err;

    if (n > 0) {
        memcpy(dst, p, n);
        unmask(d, dst, n);
    }
    if (d->remaining > 0) return n;
    end_frame(d);
    if (d->opcode == WS_OP_CLOSE) {
        err = close_event(d, ev);
        return err == WS_ERR_NONE ? n : fail(d, ev, err, n);
    }
    ev->type = d->opcode == WS_OP_PING ? WS_EV_PING : WS_EV_PONG;
    ev->data = d->ctrl;
    ev->len = (size_t)d->offset;
    return n;
}

/* Report the data payload in p[0..avail) that belongs to this frame as
 * one WS_EV_DATA, unmasked and, for text, validated; the piece that ends
 * a message also closes it. A frame with payload still due but none here
 * gives no event. Returns the bytes consumed. */
static size_t data_payload(ws_decoder *d, uint8_t *p, size_t avail,
                           ws_event *ev)
{
    size_t n = take(d, avail), bad;
    int last;

    if (n == 0 && d->remaining > 0) return 0;
    unmask(d, p, n);
    last = d->remaining == 0 && d->fin;
    /* A bad byte fails the connection there, wherever the piece ends, so
     * the count consumed does not depend on how the bytes were split. */
    if (d->msg_opcode == WS_OP_TEXT && utf8_feed(&d->utf8, p, n, &bad) < 0)
        return fail(d, ev, WS_ERR_TEXT_UTF8, bad + 1);
    if (d->msg_opcode == WS_OP_TEXT && last && !utf8_complete(&d->utf8))
        return fail(d, ev, WS_ERR_TEXT_UTF8, n);
    ev->type = WS_EV_DATA;
    ev->opcode = d->msg_opcode;
    ev->data = n > 0 ? p : d->ctrl;     /* never NULL, even when empty */
    ev->len = n;
    ev->last = last;
    if (d->remaining == 0) end_frame(d);
    if (last) {
        d->msg_opcode = 0;
        d->msg_len = 0;
    }
    return n;
}

size_t ws_decode(ws_decoder *d, uint8_t *buf, size_t len, ws_event *ev)
{
    static const ws_event nothing;      /* WS_EV_NEED_MORE */
    size_t used = 0;
    uint8_t *rest;
    ws_error err;

    *ev = nothing;
    if (d->state == ST_FAILED) return fail(d, ev, d->error, 0);
    if (d->state == ST_CLOSED) return len;
    while (d->state == ST_HEADER && used < len) {
        d->hdr[d->hdr_len++] = buf[used++];
        err = header_rules(d);
        if (err != WS_ERR_NONE) return fail(d, ev, err, used);
        if (d->hdr_len >= 2 && d->hdr_len == header_size(d)) start_frame(d);
    }
    if (d->state == ST_HEADER) return used;
    rest = used < len ? buf + used : NULL;  /* buf may be NULL if len is 0 */
    if (is_control(d->opcode))
        return used + control_payload(d, rest, len - used, ev);
    return used + data_payload(d, rest, len - used, ev);
}

unsigned ws_error_close_code(ws_error err)
{
    switch (err) {
    case WS_ERR_NONE:
        return WS_CLOSE_NORMAL;
    case WS_ERR_CLOSE_UTF8:
    case WS_ERR_TEXT_UTF8:
        return WS_CLOSE_BAD_DATA;
    case WS_ERR_TOO_BIG:
        return WS_CLOSE_TOO_BIG;
    case WS_ERR_UNMASKED:
    case WS_ERR_RSV:
    case WS_ERR_OPCODE:
    case WS_ERR_CONTROL_FRAGMENTED:
    case WS_ERR_CONTROL_TOO_LONG:
    case WS_ERR_LENGTH_TOP_BIT:
    case WS_ERR_LENGTH_NOT_MINIMAL:
    case WS_ERR_ORPHAN_CONTINUATION:
    case WS_ERR_EXPECTED_CONTINUATION:
    case WS_ERR_CLOSE_LENGTH:
    case WS_ERR_CLOSE_CODE:
        break;
    }
    return WS_CLOSE_PROTOCOL;
}

/* No default case: the compiler then warns if an error is added to the
 * enum and not here. */
const char *ws_error_string(ws_error err)
{
    switch (err) {
    case WS_ERR_NONE:                  return "no error";
    case WS_ERR_UNMASKED:              return "frame not masked";
    case WS_ERR_RSV:                   return "reserved bits set";
    case WS_ERR_OPCODE:                return "reserved opcode";
    case WS_ERR_CONTROL_FRAGMENTED:    return "fragmented control frame";
    case WS_ERR_CONTROL_TOO_LONG:      return "control frame too long";
    case WS_ERR_LENGTH_TOP_BIT:        return "frame length has its top bit set";
    case WS_ERR_LENGTH_NOT_MINIMAL:    return "frame length not minimally encoded";
    case WS_ERR_ORPHAN_CONTINUATION:   return "continuation frame with no message";
    case WS_ERR_EXPECTED_CONTINUATION: return "new message before the last one ended";
    case WS_ERR_CLOSE_LENGTH:          return "close frame of one byte";
    case WS_ERR_CLOSE_CODE:            return "invalid close code";
    case WS_ERR_CLOSE_UTF8:            return "close reason not valid UTF-8";
    case WS_ERR_TEXT_UTF8:             return "text not valid UTF-8";
    case WS_ERR_TOO_BIG:               return "message too big";
    }
    return "unknown error";
}

int ws_close_code_valid(unsigned code)
{
    return (code >= 1000 && code <= 1003)
        || (code >= 1007 && code <= 1014)
        || (code >= 3000 && code <= 4999);
}

size_t ws_frame_header(uint8_t *out, int fin, int opcode, uint64_t len)
{
    size_t i, n;

    out[0] = (uint8_t)((fin ? FIN_BIT : 0) | (opcode & OP_BITS));
    if (len <= WS_MAX_CONTROL) {
        out[1] = (uint8_t)len;
        return 2;
    }
    n = len <= 0xFFFF ? 2 : 8;
    out[1] = n == 2 ? LEN_16 : LEN_64;
    for (i = 0; i < n; i++)                 /* big-endian (§5.2) */
        out[2 + i] = (uint8_t)(len >> 8 * (n - 1 - i));
    return 2 + n;
}

size_t ws_close_payload(uint8_t *out, unsigned code, const char *reason)
{
    const unsigned char *r = (const unsigned char *)reason;
    size_t n = 0;

    out[0] = (uint8_t)(code >> 8 & 0xFF);
    out[1] = (uint8_t)(code & 0xFF);
    if (r == NULL) return 2;
    /* Measure at most the room there is. r[n] is then either the NUL or
     * the first byte that does not fit; if that continues a sequence,
     * back up to the sequence's lead byte so it is left out whole. */
    while (n < WS_MAX_CONTROL - 2 && r[n] != '\0') n++;
    while (n > 0 && (r[n] & 0xC0) == 0x80) n--;
    memcpy(out + 2, r, n);
    return 2 + n;
}
