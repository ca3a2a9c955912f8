/* page.c -- the WebSocket side: the opening handshake, frames in and out,
 * and binding a page to its uid.
 *
 *   HANDSHAKE --101--> OPEN --first text message--> BOUND
 *       |                |                            |
 *       +--4xx/503-------+--close frame or error------+--> CLOSING --> LINGER
 *
 * The frame decoder (frame.c) does the RFC 6455 work; here each of its
 * events becomes an action: a piece of the uid, a pong, an echoed close,
 * or the close code its error maps to.
 *
 * In echo mode (--echo) a page is never bound: it stays OPEN and each of
 * its messages is sent back to it, whole, as the same type. Everything
 * else (decoder, limits, output queue, closing) is the push mode's, which
 * is what lets a conformance suite test the real code. */
#include <string.h>
#include <time.h>

#include "conn.h"
#include "handshake.h"
#include "static.h"
#include "token.h"

/* Answer an HTTP request with an error status and close. */
void page_refuse(server *s, conn *c, int status, const char *reason)
{
    char buf[512];
    size_t n = hs_format_error(buf, sizeof buf, status, reason);

    log_line("info", "%s: refused handshake: %d %s", c->peer, status, reason);
    bytes_free(&c->in);
    if (n > 0) conn_queue(s, c, buf, n);
    conn_closing(s, c);
}

/* Queue one unfragmented frame, unless that would take the page's queue
 * past its cap: a page that does not read its pushes is closed with 1008
 * rather than stall the server or grow without bound. Returns 0 if the
 * frame was queued, -1 if not. */
int page_send(server *s, conn *c, int opcode, const void *p, size_t n)
{
    uint8_t hdr[WS_MAX_HEADER];
    size_t h = ws_frame_header(hdr, 1, opcode, n);
    size_t room = s->cfg->max_queue;
    size_t used = bytes_pending(&c->out);

    if (used > room || h + n > room - used) {
        static const char why[] = "send queue full: client too slow";
        uint8_t payload[WS_MAX_CONTROL];
        size_t plen = ws_close_payload(payload, WS_CLOSE_POLICY, why);

        s->n.dropped++;
        log_line("info", "%s: %s, closing", c->peer, why);
        h = ws_frame_header(hdr, 1, WS_OP_CLOSE, plen);
        if (conn_queue(s, c, hdr, h) == 0 &&
            conn_queue(s, c, payload, plen) == 0)
            conn_closing(s, c);
        return -1;
    }
    if (conn_queue(s, c, hdr, h) < 0) return -1;
    if (n > 0 && conn_queue(s, c, p, n) < 0) return -1;
    return 0;
}

/* Send a close frame with code and reason, then close. Code 0 sends a
 * close frame with no payload (the answer to a close that had no code). */
void page_close(server *s, conn *c, unsigned code, const char *reason)
{
    uint8_t hdr[WS_MAX_HEADER], payload[WS_MAX_CONTROL];
    size_t plen = code ? ws_close_payload(payload, code, reason) : 0;
    size_t h = ws_frame_header(hdr, 1, WS_OP_CLOSE, plen);

    log_line("info", "%s: closing with %u %s", c->peer, code,
            reason ? reason : "");
    bytes_free(&c->in);
    if (conn_queue(s, c, hdr, h) < 0) return;
    if (plen > 0 && conn_queue(s, c, payload, plen) < 0) return;
    conn_closing(s, c);
}

/* Close a page whose first message is no uid it may have. With a secret
 * every such message is an invalid token: one code, 4001, that the web
 * client takes as final; the log keeps the detail. */
static void bad_uid(server *s, conn *c, unsigned code, const char *why)
{
    s->n.bad++;
    if (s->cfg->auth.secret_len > 0 && code != AUTH_CLOSE_EXPIRED) {
        log_line("info", "%s: token invalid: %s", c->peer, why);
        code = AUTH_CLOSE_INVALID;
        why = "token invalid";
    }
    page_close(s, c, code, why);
}

/* A piece of a data message. Before the page has a uid, the message is its
 * uid, or with a secret its token; after that, messages are ignored (the
 * seed does the same: only the first message means anything). Returns -1
 * if the page was closed. */
static int page_data(server *s, conn *c, const ws_event *ev)
{
    const auth_config *auth = &s->cfg->auth;
    size_t max = auth->secret_len > 0 ? TOKEN_MAX_LEN : UIDMAP_UID_MAX;
    char shown[64], uid[UIDMAP_UID_MAX];
    size_t uid_len;
    const char *why;
    int rc;

    if (c->state != OPEN) return 0;
    if (ev->opcode != WS_OP_TEXT) {
        bad_uid(s, c, WS_CLOSE_UNSUPPORTED, "uid must be a text message");
        return -1;
    }
    if (ev->len > max - bytes_pending(&c->in)) {
        bad_uid(s, c, WS_CLOSE_POLICY, "uid too long (max 256 bytes)");
        return -1;
    }
    if (ev->len > 0 && bytes_append(&c->in, ev->data, ev->len) < 0) {
        conn_kill(s, c);
        return -1;
    }
    if (!ev->last) return 0;
    if (bytes_pending(&c->in) == 0) {
        bad_uid(s, c, WS_CLOSE_POLICY, "empty uid");
        return -1;
    }
    uid_len = c->in.len;
    if (auth->secret_len > 0) {
        rc = token_verify((const char *)c->in.data, c->in.len, auth->secret,
                          auth->secret_len, (int64_t)time(NULL), uid,
                          &uid_len, &why);
        if (rc == TOKEN_EXPIRED) {
            bad_uid(s, c, AUTH_CLOSE_EXPIRED, "token expired");
            return -1;
        }
        if (rc != TOKEN_OK) {
            bad_uid(s, c, AUTH_CLOSE_INVALID, why);
            return -1;
        }
        memcpy(c->in.data, uid, uid_len);
    }
    if (uidmap_add(&s->uids, (const char *)c->in.data, uid_len,
                   &c->link) < 0) {
        page_close(s, c, WS_CLOSE_INTERNAL, "out of memory");
        return -1;
    }
    log_line("info", "%s: bound to uid '%s'", c->peer,
            log_escape(c->in.data, uid_len, shown, sizeof shown));
    bytes_free(&c->in);
    c->state = BOUND;
    return 0;
}

/* Echo mode: gather a message in c->in (the decoder has checked its size
 * against --max-message) and, once its last piece is in, send it back as
 * one frame of the same type. Returns -1 if the page was closed. */
static int page_echo(server *s, conn *c, const ws_event *ev)
{
    if (ev->len > 0 && bytes_append(&c->in, ev->data, ev->len) < 0) {
        conn_kill(s, c);
        return -1;
    }
    if (!ev->last) return 0;
    /* Only appended to, so the message starts at c->in.data (NULL when
     * it is empty, which page_send() then does not read). */
    if (page_send(s, c, ev->opcode, c->in.data, bytes_pending(&c->in)) < 0)
        return -1;
    bytes_free(&c->in);
    return 0;
}

/* Run received bytes through the page's decoder and act on each event. */
void page_feed(server *s, conn *c, uint8_t *p, size_t n)
{
    ws_event ev;

    while (!c->dead && (c->state == OPEN || c->state == BOUND)) {
        size_t used = ws_decode(&c->dec, p, n, &ev);

        p += used;
        n -= used;
        switch (ev.type) {
        case WS_EV_NEED_MORE:
            return;
        case WS_EV_DATA:
            if ((s->cfg->echo ? page_echo(s, c, &ev)
                              : page_data(s, c, &ev)) < 0) return;
            break;
        case WS_EV_PING:
            if (page_send(s, c, WS_OP_PONG, ev.data, ev.len) < 0) return;
            break;
        case WS_EV_PONG:
            break;                  /* any byte already proved it alive */
        case WS_EV_CLOSE:
            /* Echo the code (§5.5.1); answer "no code" with no code. */
            page_close(s, c, ev.close_code == WS_CLOSE_NO_STATUS
                       ? 0 : ev.close_code, NULL);
            return;
        case WS_EV_ERROR:
            s->n.bad++;
            page_close(s, c, ws_error_close_code(ev.error),
                       ws_error_string(ev.error));
            return;
        }
    }
}

/* Bytes of the request head. Once it is complete and valid, answer 101 and
 * hand whatever followed it (a client may send frames at once) to the frame
 * decoder. */
void page_handshake(server *s, conn *c, const uint8_t *p, size_t n)
{
    const server_config *cfg = s->cfg;
    hs_request req;
    char accept[HS_ACCEPT_LEN + 1], reply[512];
    const char *proto = NULL;
    bytes head;
    size_t len;
    int rc;

    /* c->in stays under max_header plus one read: hs_parse refuses a head
     * longer than max_header (431) as soon as it has seen that much. */
    if (bytes_append(&c->in, p, n) < 0) {
        conn_kill(s, c);
        return;
    }
    rc = hs_parse((const char *)c->in.data, c->in.len, cfg->max_header, &req);
    if (rc == HS_INCOMPLETE) return;
    if (rc == HS_ERROR && req.length > 0 && !req.upgrade && cfg->web_dir) {
        static_serve(s, c, &req);   /* plain HTTP: a file of --web DIR */
        return;
    }
    if (rc == HS_ERROR) {
        s->n.bad++;
        page_refuse(s, c, req.status, req.reason);
        return;
    }
    if (!auth_origin_allowed(&cfg->auth, req.origin, req.origin_len)) {
        char shown[64];

        s->n.bad++;
        log_line("info", "%s: origin '%s' is not on the allow-list", c->peer,
                 log_escape((const uint8_t *)req.origin, req.origin_len,
                            shown, sizeof shown));
        page_refuse(s, c, 403, "origin not allowed");
        return;
    }
    if (cfg->protocol && req.protocols &&
        hs_list_has(req.protocols, req.protocols_len, cfg->protocol))
        proto = cfg->protocol;
    hs_accept_key(req.key, accept);
    len = hs_format_accept(reply, sizeof reply, accept, proto);
    if (len == 0 || conn_queue(s, c, reply, len) < 0) {
        conn_kill(s, c);
        return;
    }
    page_forwarded(s, c, req.forwarded_for, req.forwarded_for_len);
    log_line("info", "%s: upgraded", c->peer);
    c->state = OPEN;
    ws_decoder_init(&c->dec, cfg->max_message);
    conn_set_deadline(s, c, cfg->ping_interval_ms > 0
                 ? ev_now_ms() + cfg->ping_interval_ms : NEVER);
    /* Frames may follow the head in the same read. Take the buffer out of
     * c->in (which will gather the uid) and feed what follows the head. */
    head = c->in;
    memset(&c->in, 0, sizeof c->in);
    page_feed(s, c, head.data + req.length, head.len - req.length);
    bytes_free(&head);
}
