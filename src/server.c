/* server.c -- the push server: connections, the inner port, deadlines.
 *
 * One process, one thread, one select() loop (loop.c). Every connection is
 * a struct conn, either a page (a WebSocket client) or a backend on the
 * inner port. A page goes through these states:
 *
 *   HANDSHAKE --101--> OPEN --first text message--> BOUND
 *       |                |                            |
 *       +--4xx/503-------+--close frame or error------+--> CLOSING --> LINGER
 *
 * CLOSING: our last bytes (an HTTP error or a close frame) are queued and
 * nothing more is read as data. When the queue is empty we shut down our
 * side (FIN) and LINGER, reading and dropping until the peer closes too or
 * the linger deadline passes. Closing only after the peer has seen our FIN
 * is what keeps the kernel from resetting the connection and throwing away
 * the close frame the peer has not read yet (RFC 6455 §7.1.1: the server
 * closes the TCP connection first).
 *
 * Output is never written from the middle of a handler. Handlers append to
 * the connection's queue and put it on the flush list; after each poll the
 * list is flushed, one write per connection, so several frames bound for the
 * same page in one wake-up leave in one system call. Connections are never
 * freed in the middle of a wake-up either: conn_kill() closes the fd at once
 * and parks the struct on a list freed after the flush. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "handshake.h"
#include "inner.h"
#include "loop.h"
#include "net.h"
#include "server.h"
#include "uidmap.h"

/* ------------------------------------------------------------------------
 * Data
 * --------------------------------------------------------------------- */

/* REFUSED: a connection turned away at capacity, alive only until our
 * answer is out; it counts as neither a page nor a backend. */
enum conn_kind { PAGE, INNER, REFUSED };

enum conn_state {
    HANDSHAKE,  /* page: reading the HTTP request head */
    OPEN,       /* page: upgraded, waiting for its uid */
    BOUND,      /* page: has a uid, receives pushes */
    SERVING,    /* inner: reading request lines */
    CLOSING,    /* last bytes queued; flush, then LINGER */
    LINGER      /* our side shut down; wait for the peer's EOF */
};

/* A byte queue: data[off, len) is pending. Allocated only while in use. */
typedef struct bytes {
    uint8_t *data;  /* heap block, NULL when empty */
    size_t off;     /* first pending byte */
    size_t len;     /* end of pending bytes */
    size_t cap;     /* size of data */
} bytes;

typedef struct conn {
    int fd;                     /* socket, -1 once killed */
    enum conn_kind kind;        /* PAGE, INNER or REFUSED */
    enum conn_state state;      /* see the diagram above */
    int64_t deadline;           /* when the current state times out */
    int ping_sent;              /* page: pinged, waiting for any byte */
    int skip_line;              /* inner: dropping an over-long line */
    int paused;                 /* inner: not reading until replies drain */
    int flushing;               /* on the flush list */
    int dead;                   /* killed, waiting to be freed */
    int eof;                    /* inner: the backend closed its side */
    int holds_spare;            /* a refusal using the spare fd's slot */
    ws_decoder dec;             /* page: frame decoder */
    bytes in;                   /* handshake head, uid or partial line */
    bytes out;                  /* queued output */
    uidmap_link link;           /* page: place in its uid's list */
    struct conn *prev, *next;   /* all live connections */
    struct conn *flush_next;    /* flush list, or dead list once killed */
    char peer[NET_NAME_MAX];    /* "HOST:PORT" of the peer, for logs */
} conn;

/* Counters, shown by the inner port's "stats" command. */
typedef struct counters {
    unsigned long long accepted;   /* connections accepted, both ports */
    unsigned long long pushes;     /* push requests answered */
    unsigned long long delivered;  /* frames queued to pages by pushes */
    unsigned long long failures;   /* push requests answered "fail" */
    unsigned long long errors;     /* requests answered "error ..." */
    unsigned long long refused;    /* connections refused at capacity */
    unsigned long long dropped;    /* pages closed for a full queue */
    unsigned long long timeouts;   /* handshake or heartbeat timeouts */
    unsigned long long bad;        /* pages closed for a protocol error */
} counters;

typedef struct server {
    const server_config *cfg;
    ev_loop *loop;
    int ws_fd, inner_fd;        /* listening sockets */
    int spare_fd;               /* held open to be freed on EMFILE */
    int sig_pipe[2];            /* self-pipe: signal handler -> loop */
    conn *conns;                /* live connections */
    conn *flush;                /* connections with output to write */
    conn *dead;                 /* killed connections to free */
    size_t npages, ninner;      /* live connections of each kind */
    uidmap uids;                /* uid -> bound pages */
    int64_t next_deadline;      /* earliest deadline of any connection */
    int64_t started;            /* ev_now_ms() at start */
    int stopping;               /* a signal asked us to stop */
    int64_t stop_deadline;      /* when stopping ends, drained or not */
    int64_t accept_resume;      /* when to accept again after an accept()
                                   error, 0 if accepting */
    int64_t emfile_logged;      /* when "out of file descriptors" was
                                   last logged */
    counters n;
} server;

/* One buffer for every read: data is consumed before the next read. */
static uint8_t rbuf[65536];

/* Not static-const: the signal handler writes here. */
static volatile sig_atomic_t sig_fd = -1;

#define NEVER INT64_MAX

static void conn_flush(conn *c);
static void conn_kill(server *s, conn *c);
static void on_readable(ev_loop *loop, int fd, void *data, int mask);
static void on_writable(ev_loop *loop, int fd, void *data, int mask);
static void on_accept(ev_loop *loop, int fd, void *data, int mask);
static void reply(server *s, conn *c, const char *fmt, ...);
static void accepting(server *s, int on);
static void inner_feed(server *s, conn *c, const uint8_t *p, size_t n);
static server *the_server;

/* ------------------------------------------------------------------------
 * Logging
 * --------------------------------------------------------------------- */

/* Print one line on stderr: time, level, message. "info" lines appear only
 * with --verbose; errors always do. */
static void logline(const char *level, const char *fmt, ...)
{
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    va_list ap;

    if (level[0] == 'i' && !(the_server && the_server->cfg->verbose)) return;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", localtime_r(&t, &tm));
    fprintf(stderr, "%s %s ", when, level);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Copy bytes a client chose into dst for a log line: printable ASCII as
 * is, anything else (a newline could forge a log line) as \xNN, cut with
 * "..." to fit. Returns dst. */
static const char *printable(const uint8_t *p, size_t n, char *dst,
                             size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (o + 8 > size) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '\\')
            dst[o++] = (char)p[i];
        else
            o += (size_t)sprintf(dst + o, "\\x%02X", p[i]);
    }
    dst[o] = '\0';
    return dst;
}

/* ------------------------------------------------------------------------
 * Byte queues
 * --------------------------------------------------------------------- */

static size_t bytes_pending(const bytes *b)
{
    return b->len - b->off;
}

static void bytes_free(bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->off = b->len = b->cap = 0;
}

/* Append n bytes. Returns 0, or -1 if memory ran out (b is unchanged).
 * Callers check their own caps first, so n is small next to SIZE_MAX. */
static int bytes_append(bytes *b, const void *p, size_t n)
{
    if (n > b->cap - b->len && b->off > 0) {
        /* Slide the pending bytes to the front before growing. */
        memmove(b->data, b->data + b->off, b->len - b->off);
        b->len -= b->off;
        b->off = 0;
    }
    if (n > b->cap - b->len) {
        size_t cap = b->cap ? b->cap : 256;
        uint8_t *d;

        while (cap - b->len < n) cap *= 2;
        d = realloc(b->data, cap);
        if (d == NULL) return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

/* Drop n pending bytes from the front; free the block once empty, so an
 * idle connection holds no buffer at all. */
static void bytes_consume(bytes *b, size_t n)
{
    b->off += n;
    if (b->off == b->len) bytes_free(b);
}

/* ------------------------------------------------------------------------
 * Connections
 * --------------------------------------------------------------------- */

/* Make c's deadline t, keeping the server's earliest deadline current. */
static void set_deadline(server *s, conn *c, int64_t t)
{
    c->deadline = t;
    if (t < s->next_deadline) s->next_deadline = t;
}

/* Put c on the flush list, once; a killed connection is past flushing. */
static void want_flush(server *s, conn *c)
{
    if (!c->flushing && !c->dead) {
        c->flushing = 1;
        c->flush_next = s->flush;
        s->flush = c;
    }
}

/* Queue bytes for c and schedule a flush. Returns 0, or -1 if memory ran
 * out (then c is killed). */
static int conn_queue(server *s, conn *c, const void *p, size_t n)
{
    if (c->dead) return -1;
    if (bytes_append(&c->out, p, n) < 0) {
        logline("error", "%s: out of memory, closing", c->peer);
        conn_kill(s, c);
        return -1;
    }
    want_flush(s, c);
    return 0;
}

/* Stop reading data from c and close it once its queue has drained. */
static void conn_closing(server *s, conn *c)
{
    if (c->dead) return;
    if (c->link.entry) uidmap_remove(&s->uids, &c->link);
    c->state = CLOSING;
    set_deadline(s, c, ev_now_ms() + s->cfg->linger_ms);
    want_flush(s, c);
}

/* Answer an HTTP request with an error status and close. */
static void http_refuse(server *s, conn *c, int status, const char *reason)
{
    char buf[512];
    size_t n = hs_format_error(buf, sizeof buf, status, reason);

    logline("info", "%s: refused handshake: %d %s", c->peer, status, reason);
    bytes_free(&c->in);
    if (n > 0) conn_queue(s, c, buf, n);
    conn_closing(s, c);
}

/* Close the connection now: no more I/O. The struct is freed after the
 * current wake-up (see the top of the file). */
static void conn_kill(server *s, conn *c)
{
    if (c->dead) return;
    c->dead = 1;
    ev_del(s->loop, c->fd, EV_READABLE | EV_WRITABLE);
    close(c->fd);
    c->fd = -1;
    if (c->link.entry) uidmap_remove(&s->uids, &c->link);
    if (c->prev) c->prev->next = c->next; else s->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    if (c->kind == PAGE) s->npages--;
    if (c->kind == INNER) s->ninner--;
    if (c->holds_spare) {
        s->spare_fd = open("/dev/null", O_RDONLY);
        accepting(s, 1);
    }
    bytes_free(&c->in);
    bytes_free(&c->out);
    /* Off the flush list lazily: conn_flush skips the dead. Once it has
     * been flushed (or if it never was on it) it goes to the dead list. */
    if (!c->flushing) {
        c->flush_next = s->dead;
        s->dead = c;
    }
    logline("info", "%s: closed", c->peer);
}

/* Write as much of c's queue as the socket takes. On a full socket wait
 * for it to become writable; once drained, a closing connection shuts
 * down its side and lingers, a paused backend is read again. */
static void conn_flush(conn *c)
{
    server *s = the_server;

    while (bytes_pending(&c->out) > 0) {
        ssize_t n = write(c->fd, c->out.data + c->out.off,
                          bytes_pending(&c->out));
        if (n > 0) {
            bytes_consume(&c->out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ev_add(s->loop, c->fd, EV_WRITABLE, on_writable, c);
            return;
        } else {
            conn_kill(s, c);        /* EPIPE, ECONNRESET: peer is gone */
            return;
        }
    }
    ev_del(s->loop, c->fd, EV_WRITABLE);
    if (c->state == CLOSING && c->eof) {
        conn_kill(s, c);            /* both sides are done */
    } else if (c->state == CLOSING) {
        shutdown(c->fd, SHUT_WR);
        c->state = LINGER;
    } else if (c->paused && c->state == SERVING) {
        /* The backend read its replies: answer what was kept back when
         * it paused, then read again. */
        bytes kept = c->in;

        memset(&c->in, 0, sizeof c->in);
        c->paused = 0;
        ev_add(s->loop, c->fd, EV_READABLE, on_readable, c);
        inner_feed(s, c, kept.data, kept.len);
        bytes_free(&kept);
    }
}

static conn *conn_new(server *s, int fd, enum conn_kind kind)
{
    conn *c = calloc(1, sizeof *c);
    int one = 1;

    if (c == NULL) return NULL;
    c->fd = fd;
    c->kind = kind;
    c->link.owner = c;
    if (net_peer_name(fd, c->peer, sizeof c->peer) < 0)
        strcpy(c->peer, "?");
    /* We coalesce our own writes; Nagle would only add latency. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (ev_add(s->loop, fd, EV_READABLE, on_readable, c) < 0) {
        free(c);
        return NULL;
    }
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    if (kind == PAGE) {
        s->npages++;
        c->state = HANDSHAKE;
        set_deadline(s, c, ev_now_ms() + s->cfg->handshake_timeout_ms);
    } else if (kind == INNER) {
        s->ninner++;
        c->state = SERVING;
        c->deadline = NEVER;        /* backends may stay connected idle */
    } else {
        c->state = CLOSING;         /* refuse() queues the answer */
        c->deadline = NEVER;
    }
    return c;
}

/* ------------------------------------------------------------------------
 * Pages: frames out
 * --------------------------------------------------------------------- */

/* Queue one unfragmented frame, unless that would take the page's queue
 * past its cap: a page that does not read its pushes is closed with 1008
 * rather than stall the server or grow without bound. Returns 0 if the
 * frame was queued, -1 if not. */
static int page_send(server *s, conn *c, int opcode, const void *p, size_t n)
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
        logline("info", "%s: %s, closing", c->peer, why);
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
static void page_close(server *s, conn *c, unsigned code, const char *reason)
{
    uint8_t hdr[WS_MAX_HEADER], payload[WS_MAX_CONTROL];
    size_t plen = code ? ws_close_payload(payload, code, reason) : 0;
    size_t h = ws_frame_header(hdr, 1, WS_OP_CLOSE, plen);

    logline("info", "%s: closing with %u %s", c->peer, code,
            reason ? reason : "");
    bytes_free(&c->in);
    if (conn_queue(s, c, hdr, h) < 0) return;
    if (plen > 0 && conn_queue(s, c, payload, plen) < 0) return;
    conn_closing(s, c);
}

/* ------------------------------------------------------------------------
 * Pages: frames in
 * --------------------------------------------------------------------- */

/* A piece of a data message. Before the page has a uid, the message is its
 * uid; after that, messages are ignored (the seed does the same: only the
 * first message means anything). Returns -1 if the page was closed. */
static int page_data(server *s, conn *c, const ws_event *ev)
{
    char shown[64];

    if (c->state != OPEN) return 0;
    if (ev->opcode != WS_OP_TEXT) {
        s->n.bad++;
        page_close(s, c, WS_CLOSE_UNSUPPORTED, "uid must be a text message");
        return -1;
    }
    if (ev->len > UIDMAP_UID_MAX - bytes_pending(&c->in)) {
        s->n.bad++;
        page_close(s, c, WS_CLOSE_POLICY, "uid too long (max 256 bytes)");
        return -1;
    }
    if (ev->len > 0 && bytes_append(&c->in, ev->data, ev->len) < 0) {
        conn_kill(s, c);
        return -1;
    }
    if (!ev->last) return 0;
    if (bytes_pending(&c->in) == 0) {
        s->n.bad++;
        page_close(s, c, WS_CLOSE_POLICY, "empty uid");
        return -1;
    }
    if (uidmap_add(&s->uids, (const char *)c->in.data, c->in.len,
                   &c->link) < 0) {
        page_close(s, c, WS_CLOSE_INTERNAL, "out of memory");
        return -1;
    }
    logline("info", "%s: bound to uid '%s'", c->peer,
            printable(c->in.data, c->in.len, shown, sizeof shown));
    bytes_free(&c->in);
    c->state = BOUND;
    return 0;
}

/* Run received bytes through the page's decoder and act on each event. */
static void page_feed(server *s, conn *c, uint8_t *p, size_t n)
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
            if (page_data(s, c, &ev) < 0) return;
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
static void page_handshake(server *s, conn *c, const uint8_t *p, size_t n)
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
    if (rc == HS_ERROR) {
        s->n.bad++;
        http_refuse(s, c, req.status, req.reason);
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
    logline("info", "%s: upgraded", c->peer);
    c->state = OPEN;
    ws_decoder_init(&c->dec, cfg->max_message);
    set_deadline(s, c, cfg->ping_interval_ms > 0
                 ? ev_now_ms() + cfg->ping_interval_ms : NEVER);
    /* Frames may follow the head in the same read. Take the buffer out of
     * c->in (which will gather the uid) and feed what follows the head. */
    head = c->in;
    memset(&c->in, 0, sizeof c->in);
    page_feed(s, c, head.data + req.length, head.len - req.length);
    bytes_free(&head);
}

/* ------------------------------------------------------------------------
 * The inner port
 * --------------------------------------------------------------------- */

static void reply(server *s, conn *c, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    conn_queue(s, c, line, (size_t)n);
}

/* Push one text message to every bound page of a uid (uid == NULL: to
 * every bound page). Returns how many pages queued it. */
static size_t push(server *s, const char *uid, size_t uid_len,
                   const char *msg, size_t len)
{
    size_t count = 0;

    if (uid != NULL) {
        uidmap_entry *e = uidmap_find(&s->uids, uid, uid_len);
        uidmap_link *l, *next;

        /* page_send may close a page and unlink it: keep next first. */
        for (l = e ? e->head : NULL; l != NULL; l = next) {
            next = l->next;
            if (page_send(s, l->owner, WS_OP_TEXT, msg, len) == 0) count++;
        }
    } else {
        conn *c;

        for (c = s->conns; c != NULL; c = c->next)
            if (c->state == BOUND &&
                page_send(s, c, WS_OP_TEXT, msg, len) == 0)
                count++;
    }
    s->n.delivered += count;
    return count;
}

static void inner_stats(server *s, conn *c)
{
    reply(s, c, "ok pages=%lu uids=%lu backends=%lu accepted=%llu "
          "pushes=%llu delivered=%llu failures=%llu errors=%llu "
          "refused=%llu dropped=%llu timeouts=%llu bad=%llu uptime=%lld",
          (unsigned long)s->npages, (unsigned long)s->uids.nuids,
          (unsigned long)s->ninner, s->n.accepted, s->n.pushes,
          s->n.delivered, s->n.failures, s->n.errors, s->n.refused,
          s->n.dropped, s->n.timeouts, s->n.bad,
          (long long)((ev_now_ms() - s->started) / 1000));
}

/* Answer one request line (without its line ending). */
static void inner_line(server *s, conn *c, const char *line, size_t len)
{
    inner_request req;
    size_t n;

    switch (inner_parse(line, len, &req)) {
    case INNER_EMPTY:
        return;
    case INNER_PUSH:
        s->n.pushes++;
        n = push(s, req.uid, req.uid_len, req.message, req.message_len);
        if (n == 0) s->n.failures++;
        reply(s, c, n > 0 ? "ok" : "fail");
        return;
    case INNER_BROADCAST:
        s->n.pushes++;
        n = push(s, NULL, 0, req.message, req.message_len);
        if (n == 0) s->n.failures++;
        if (n > 0) reply(s, c, "ok %lu", (unsigned long)n);
        else reply(s, c, "fail");
        return;
    case INNER_ONLINE: {
        uidmap_entry *e = uidmap_find(&s->uids, req.uid, req.uid_len);
        if (e) reply(s, c, "ok %lu", (unsigned long)e->count);
        else reply(s, c, "fail");
        return;
    }
    case INNER_STATS:
        inner_stats(s, c);
        return;
    case INNER_ERROR:
        s->n.errors++;
        reply(s, c, "error %s", req.error);
        return;
    }
}

/* Split received bytes into lines. A line may span reads (its start waits
 * in c->in); one longer than max_line is answered "error line too long"
 * once, and the rest of it is skipped up to its newline. */
static void inner_feed(server *s, conn *c, const uint8_t *p, size_t n)
{
    const size_t max = s->cfg->max_line;

    while (n > 0 && !c->dead && c->state == SERVING) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;

        if (c->skip_line) {
            c->skip_line = nl == NULL;
        } else if (take > max - bytes_pending(&c->in) + 1) {
            /* +1: the line may still end in a '\r' we will strip. */
            s->n.errors++;
            reply(s, c, "error line too long");
            bytes_free(&c->in);
            c->skip_line = nl == NULL;
        } else if (nl == NULL) {
            if (bytes_append(&c->in, p, take) < 0) conn_kill(s, c);
        } else {
            const char *line = (const char *)p;
            size_t len = take;

            if (bytes_pending(&c->in) > 0) {
                if (bytes_append(&c->in, p, take) < 0) {
                    conn_kill(s, c);
                    return;
                }
                line = (const char *)c->in.data;
                len = c->in.len;
            }
            if (len > 0 && line[len - 1] == '\r') len--;
            if (len > max) {
                s->n.errors++;
                reply(s, c, "error line too long");
            } else {
                inner_line(s, c, line, len);
            }
            bytes_free(&c->in);
        }
        if (nl == NULL) break;
        n -= take + 1;
        p += take + 1;
        if (bytes_pending(&c->out) > s->cfg->max_queue && !c->dead) {
            /* Replies pile up: the backend writes without reading. Keep
             * the rest of this read (c->in is empty at a line boundary)
             * and read nothing more until the replies drain; conn_flush
             * then feeds what was kept. */
            if (n > 0 && bytes_append(&c->in, p, n) < 0) {
                conn_kill(s, c);
                return;
            }
            c->paused = 1;
            ev_del(s->loop, c->fd, EV_READABLE);
            return;
        }
    }
}

/* ------------------------------------------------------------------------
 * Events
 * --------------------------------------------------------------------- */

static void on_writable(ev_loop *loop, int fd, void *data, int mask)
{
    (void)loop; (void)fd; (void)mask;
    conn_flush(data);
}

static void on_readable(ev_loop *loop, int fd, void *data, int mask)
{
    server *s = the_server;
    conn *c = data;
    ssize_t n;

    (void)loop; (void)mask;
    n = read(fd, rbuf, sizeof rbuf);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        /* EOF or reset. A backend that half-closed after its last line
         * still gets its replies, and a last line without a newline
         * counts as a line. */
        if (n == 0 && c->kind == INNER && c->state == SERVING) {
            if (bytes_pending(&c->in) > 0)
                inner_feed(s, c, (const uint8_t *)"\n", 1);
            if (!c->dead) {
                c->eof = 1;
                ev_del(s->loop, c->fd, EV_READABLE);
                conn_closing(s, c);
            }
            return;
        }
        conn_kill(s, c);
        return;
    }
    if (c->kind == PAGE && (c->state == OPEN || c->state == BOUND)) {
        /* Any byte at all shows the peer is alive: restart the heartbeat. */
        c->ping_sent = 0;
        if (s->cfg->ping_interval_ms > 0)
            set_deadline(s, c, ev_now_ms() + s->cfg->ping_interval_ms);
    }
    switch (c->state) {
    case HANDSHAKE: page_handshake(s, c, rbuf, (size_t)n); break;
    case OPEN:
    case BOUND:     page_feed(s, c, rbuf, (size_t)n); break;
    case SERVING:   inner_feed(s, c, rbuf, (size_t)n); break;
    case CLOSING:
    case LINGER:    break;      /* after our close, input is dropped */
    }
}

/* Stop or resume watching the listening sockets. */
static void accepting(server *s, int on)
{
    if (on && !s->stopping) {
        ev_add(s->loop, s->ws_fd, EV_READABLE, on_accept, NULL);
        ev_add(s->loop, s->inner_fd, EV_READABLE, on_accept, NULL);
    } else {
        ev_del(s->loop, s->ws_fd, EV_READABLE);
        ev_del(s->loop, s->inner_fd, EV_READABLE);
    }
}

/* Refuse a connection we cannot serve: 503 for a page, "error server
 * full" for a backend. The refusal closes like any other connection, our
 * answer first, then a linger for the client's FIN: closing at once could
 * turn a request that arrives a moment later into a reset that destroys
 * the answer before it is read. Only an fd select() cannot watch gets a
 * best-effort write and an immediate close. Returns the connection, or
 * NULL if the fd was closed already. */
static conn *refuse(server *s, int fd, int page)
{
    static const char full[] = "server full, try later";
    char buf[256];
    size_t n;
    conn *c;

    s->n.refused++;
    if (fd < FD_SETSIZE && (c = conn_new(s, fd, REFUSED))) {
        if (page) {
            http_refuse(s, c, 503, full);
        } else {
            logline("info", "%s: refused: %s", c->peer, full);
            reply(s, c, "error server full");
            conn_closing(s, c);
        }
        return c;
    }
    if (page)
        n = hs_format_error(buf, sizeof buf, 503, full);
    else
        n = (size_t)snprintf(buf, sizeof buf, "error server full\n");
    while (read(fd, rbuf, sizeof rbuf) > 0) {}  /* what came already */
    if (n > 0 && write(fd, buf, n) < 0) { /* nothing more we can do */ }
    shutdown(fd, SHUT_WR);
    close(fd);
    return NULL;
}

/* Out of file descriptors (EMFILE): free the spare, accept the connection
 * that is waiting and refuse it. Without this the connection would stay
 * pending, the listening socket readable, and select() would spin. The
 * refusal holds the spare's slot until it is done, and we accept nothing
 * meanwhile; conn_kill() takes the spare back and resumes. */
static void out_of_fds(server *s, int lfd, int page)
{
    conn *c = NULL;
    int fd;

    close(s->spare_fd);
    s->spare_fd = -1;
    fd = accept(lfd, NULL, NULL);
    if (fd >= 0) {
        s->n.accepted++;
        net_nonblock(fd);
        c = refuse(s, fd, page);
    }
    if (c != NULL && !c->dead) {
        c->holds_spare = 1;
        accepting(s, 0);
    } else {
        s->spare_fd = open("/dev/null", O_RDONLY);
    }
    /* One line per flood, not one per connection. */
    if (ev_now_ms() - s->emfile_logged >= 10000) {
        s->emfile_logged = ev_now_ms();
        logline("error", "out of file descriptors: refusing connections "
                "(raise ulimit -n?)");
    }
}

/* Accept every pending connection on a listening socket. */
static void on_accept(ev_loop *loop, int lfd, void *data, int mask)
{
    server *s = the_server;
    int page = lfd == s->ws_fd, i;

    (void)loop; (void)data; (void)mask;
    for (i = 0; i < 64; i++) {
        int fd = accept(lfd, NULL, NULL);
        conn *c;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if ((errno == EMFILE || errno == ENFILE) && s->spare_fd >= 0) {
                out_of_fds(s, lfd, page);
            } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
                /* ENOBUFS, ENOMEM, EMFILE with the spare in use: the
                 * connection stays pending and the socket readable. Look
                 * away for a moment rather than spin. */
                logline("error", "accept: %s", strerror(errno));
                accepting(s, 0);
                s->accept_resume = ev_now_ms() + 100;
            }
            return;
        }
        s->n.accepted++;
        if (net_nonblock(fd) < 0) {
            close(fd);
            continue;
        }
        if (s->stopping || fd >= FD_SETSIZE ||
            s->npages + s->ninner >= s->cfg->max_clients) {
            refuse(s, fd, page);
            continue;
        }
        c = conn_new(s, fd, page ? PAGE : INNER);
        if (c == NULL) {
            close(fd);
            continue;
        }
        logline("info", "%s: connected to the %s port", c->peer,
                page ? "WebSocket" : "inner");
    }
}

/* ------------------------------------------------------------------------
 * Deadlines and signals
 * --------------------------------------------------------------------- */

/* Act on one connection whose deadline has passed. */
static void expire(server *s, conn *c, int64_t now)
{
    static const uint8_t ping[2] = { 0x89, 0x00 };

    switch (c->state) {
    case HANDSHAKE:
        s->n.timeouts++;
        logline("info", "%s: handshake timed out", c->peer);
        conn_kill(s, c);
        break;
    case OPEN:
    case BOUND:
        if (!c->ping_sent) {
            /* Silent for a whole interval: ask for a sign of life. */
            if (conn_queue(s, c, ping, sizeof ping) < 0) return;
            c->ping_sent = 1;
            set_deadline(s, c, now + s->cfg->ping_timeout_ms);
        } else {
            s->n.timeouts++;
            page_close(s, c, WS_CLOSE_GOING_AWAY, "ping timeout");
            conn_flush(c);
            conn_kill(s, c);        /* a dead peer will not answer */
        }
        break;
    case SERVING:
        c->deadline = NEVER;
        break;
    case CLOSING:
    case LINGER:
        conn_kill(s, c);
        break;
    }
}

/* Check every deadline if the earliest one has passed. A linear scan is
 * fine: it runs about once per timeout, not once per event. */
static void check_deadlines(server *s)
{
    int64_t now = ev_now_ms();
    conn *c, *next;

    if (now < s->next_deadline) return;
    s->next_deadline = NEVER;
    for (c = s->conns; c != NULL; c = next) {
        next = c->next;
        if (c->deadline <= now) expire(s, c, now);
        if (!c->dead && c->deadline < s->next_deadline)
            s->next_deadline = c->deadline;
    }
}

static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;

    if (sig_fd >= 0 && write(sig_fd, &b, 1) < 0) { /* pipe full: fine */ }
    errno = saved;
}

/* SIGINT or SIGTERM arrived: stop accepting, close every page with 1001,
 * and give queued output linger_ms to drain. */
static void on_sigpipe_readable(ev_loop *loop, int fd, void *data, int mask)
{
    server *s = the_server;
    conn *c, *next;

    (void)loop; (void)data; (void)mask;
    while (read(fd, rbuf, sizeof rbuf) > 0) {}
    if (s->stopping) return;
    s->stopping = 1;
    s->stop_deadline = ev_now_ms() + s->cfg->linger_ms;
    logline("info", "signal received: closing every connection");
    accepting(s, 0);
    for (c = s->conns; c != NULL; c = next) {
        next = c->next;
        if (c->state == OPEN || c->state == BOUND)
            page_close(s, c, WS_CLOSE_GOING_AWAY, "server shutting down");
        else if (c->state == SERVING)
            conn_closing(s, c);
        else if (c->state == HANDSHAKE)
            conn_kill(s, c);
    }
}

static int setup_signals(server *s)
{
    struct sigaction sa;

    if (pipe(s->sig_pipe) < 0 || net_nonblock(s->sig_pipe[0]) < 0 ||
        net_nonblock(s->sig_pipe[1]) < 0)
        return -1;
    sig_fd = s->sig_pipe[1];
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* A write to a peer that has gone raises SIGPIPE, which would kill the
     * process; ignored, the write fails with EPIPE and we close the peer. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return ev_add(s->loop, s->sig_pipe[0], EV_READABLE, on_sigpipe_readable,
                  NULL);
}

/* ------------------------------------------------------------------------
 * Running
 * --------------------------------------------------------------------- */

void server_config_init(server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->ws_addr = "0.0.0.0:1234";
    cfg->inner_addr = "127.0.0.1:5678";
    cfg->protocol = NULL;
    cfg->max_clients = FD_SETSIZE - 32;
    cfg->max_message = 65536;
    cfg->max_line = 65536;
    cfg->max_queue = 1024 * 1024;
    cfg->max_header = 8192;
    cfg->handshake_timeout_ms = 10000;
    cfg->ping_interval_ms = 30000;
    cfg->ping_timeout_ms = 30000;
    cfg->linger_ms = 2000;
}

/* Flush every connection with queued output, then free the killed ones. */
static void flush_all(server *s)
{
    while (s->flush) {
        conn *c = s->flush;

        s->flush = c->flush_next;
        c->flushing = 0;
        if (c->dead) {
            c->flush_next = s->dead;
            s->dead = c;
        } else {
            conn_flush(c);
        }
    }
    while (s->dead) {
        conn *c = s->dead;

        s->dead = c->flush_next;
        free(c);
    }
}

static int open_ports(server *s)
{
    char err[256], name[NET_NAME_MAX];

    s->ws_fd = net_listen(s->cfg->ws_addr, 511, err, sizeof err);
    if (s->ws_fd < 0) goto fail;
    s->inner_fd = net_listen(s->cfg->inner_addr, 511, err, sizeof err);
    if (s->inner_fd < 0) goto fail;
    if (s->ws_fd >= FD_SETSIZE || s->inner_fd >= FD_SETSIZE) {
        snprintf(err, sizeof err, "listening socket past FD_SETSIZE");
        goto fail;
    }
    accepting(s, 1);
    net_local_name(s->ws_fd, name, sizeof name);
    printf("listening ws %s\n", name);
    net_local_name(s->inner_fd, name, sizeof name);
    printf("listening inner %s\n", name);
    fflush(stdout);
    return 0;
fail:
    fprintf(stderr, "wspush: %s\n", err);
    return -1;
}

int server_run(const server_config *cfg)
{
    static ev_loop loop;
    server s;
    int rc = 0;

    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.loop = &loop;
    s.ws_fd = s.inner_fd = -1;
    s.next_deadline = NEVER;
    s.started = ev_now_ms();
    s.emfile_logged = s.started - 10000;
    uidmap_init(&s.uids);
    ev_init(&loop);
    the_server = &s;
    s.spare_fd = open("/dev/null", O_RDONLY);
    if (setup_signals(&s) < 0) {
        fprintf(stderr, "wspush: cannot set up signals: %s\n",
                strerror(errno));
        rc = 1;
    } else if (open_ports(&s) < 0) {
        rc = 1;
    }
    while (rc == 0) {
        int64_t now = ev_now_ms(), until = s.next_deadline;
        long wait;

        if (s.stopping) {
            if (s.conns == NULL || now >= s.stop_deadline) break;
            if (s.stop_deadline < until) until = s.stop_deadline;
        }
        if (s.accept_resume != 0 && s.accept_resume < until)
            until = s.accept_resume;
        wait = until == NEVER ? -1 : until <= now ? 0 : (long)(until - now);
        if (ev_poll(&loop, wait) < 0) {
            logline("error", "select: %s", strerror(errno));
            rc = 1;
        }
        if (s.accept_resume != 0 && ev_now_ms() >= s.accept_resume) {
            s.accept_resume = 0;
            accepting(&s, 1);
        }
        check_deadlines(&s);
        flush_all(&s);
    }
    while (s.conns) conn_kill(&s, s.conns);
    flush_all(&s);
    uidmap_free(&s.uids);
    if (s.ws_fd >= 0) close(s.ws_fd);
    if (s.inner_fd >= 0) close(s.inner_fd);
    if (s.spare_fd >= 0) close(s.spare_fd);
    close(s.sig_pipe[0]);
    close(s.sig_pipe[1]);
    sig_fd = -1;
    the_server = NULL;
    return rc;
}
