/* main.c -- chapter 07: the inner text port, the seed's push server.
 *
 * Chapter 06's server with a second port, as in Workerman's push.php: the
 * backend connects to the inner port (5678) and writes one JSON line per
 * push, {"uid":"uid1",...}; the server sends the whole line to the pages
 * of that uid and answers "ok", or "fail" if it has none. Pages still
 * bind their uid with their first message; their later messages are
 * ignored, as in the seed. src/inner.c says what a line asks for; this
 * file cuts the byte stream into lines (chapter 01's feed(), back again)
 * and answers them in order.
 *
 * Many clients are served at once by one thread that never blocks: the
 * loop in src/loop.c asks select() which sockets are ready and calls the
 * handler registered for each. The handlers here are the whole server:
 *
 *   on_accept    a listening socket is readable: a client is waiting
 *   on_readable  a client sent bytes (or closed): request head, frames
 *                or request lines
 *   on_writable  a client can take more of what we queued for it
 *
 * Simplifications, each lifted by a later chapter:
 * - queues grow without bound, and running out of memory ends the
 *   program (chapter 08 caps every queue and closes only that client);
 * - a client that stays silent stays connected (chapter 08 adds timeouts);
 * - out of file descriptors, accept() fails and the loop spins on the
 *   waiting client (chapter 08 keeps a spare fd to turn it away);
 * - Ctrl-C just kills the process (chapter 08 shuts down cleanly). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frame.h"
#include "handshake.h"
#include "inner.h"
#include "loop.h"
#include "net.h"
#include "uidmap.h"

#define HEAD_MAX 8192       /* longest request head: longer gets 431 */
#define MESSAGE_MAX 65536   /* longest message: longer gets close 1009 */
#define LINE_MAX_LEN 65536  /* longest request line on the inner port */

/* ------------------------------------------------------------------------
 * Byte buffers
 * --------------------------------------------------------------------- */

/* A growable run of bytes, used for the request head while it arrives,
 * and for what waits to be written to the client. */
typedef struct buf {
    uint8_t *data;          /* heap block, NULL while empty */
    size_t len;             /* bytes in data */
} buf;

/* Append n bytes to b. Out of memory ends the program (see the top). */
static void buf_append(buf *b, const void *p, size_t n)
{
    uint8_t *d;

    if (n == 0) return;
    d = realloc(b->data, b->len + n);
    if (d == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    memcpy(d + b->len, p, n);
    b->data = d;
    b->len += n;
}

/* Drop the first n bytes of b. */
static void buf_consume(buf *b, size_t n)
{
    if (n == 0) return;             /* b->data may be NULL */
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

/* ------------------------------------------------------------------------
 * Clients
 * --------------------------------------------------------------------- */

enum kind { PAGE, INNER };  /* a WebSocket client, or a backend */

enum state {
    HANDSHAKE,              /* page: reading the request head */
    OPEN,                   /* page: upgraded, waiting for its uid */
    BOUND,                  /* page: has a uid, receives pushes */
    SERVING,                /* backend: reading request lines */
    CLOSING,                /* our last bytes are queued: write, then FIN */
    LINGER                  /* FIN sent: drop input until the client's */
};

typedef struct client {
    int fd;                 /* the client's socket */
    enum kind kind;         /* PAGE or INNER */
    enum state state;       /* see enum state */
    int eof;                /* the client has closed its side */
    buf in;                 /* the request head, the uid, or a request
                               line, while they arrive */
    buf out;                /* bytes waiting to be written */
    ws_decoder dec;         /* frames: what has been received of them */
    uidmap_link link;       /* the page's place in its uid's list */
    struct client *prev, *next; /* every client, for a broadcast */
    char peer[NET_NAME_MAX];/* "HOST:PORT", for messages */
} client;

/* The loop holds one slot per possible fd (FD_SETSIZE of them): too big
 * for the stack, so it lives here. */
static ev_loop loop;

/* uid -> the pages bound to it. */
static uidmap uids;

/* The listening sockets: pages, and backends. */
static int ws_fd, inner_fd;

/* Every client, newest first. */
static client *clients;

static void on_readable(ev_loop *l, int fd, void *data, int mask);
static void on_writable(ev_loop *l, int fd, void *data, int mask);

/* Close c's socket and free it. */
static void client_free(client *c)
{
    fprintf(stderr, "%s: closed\n", c->peer);
    ev_del(&loop, c->fd, EV_READABLE | EV_WRITABLE);
    close(c->fd);
    uidmap_remove(&uids, &c->link);   /* a no-op if it has no uid */
    if (c->prev) c->prev->next = c->next; else clients = c->next;
    if (c->next) c->next->prev = c->prev;
    free(c->in.data);
    free(c->out.data);
    free(c);
}

/* Queue n bytes for c. Nothing is written here: the loop calls
 * on_writable when the socket can take them. */
static void client_send(client *c, const void *p, size_t n)
{
    buf_append(&c->out, p, n);
    ev_add(&loop, c->fd, EV_WRITABLE, on_writable, c);
}

/* Write what the socket takes. write() may take only part of the queue
 * (the peer reads slowly, the kernel's buffer is full): the rest stays
 * queued for the next call. */
static void on_writable(ev_loop *l, int fd, void *data, int mask)
{
    client *c = data;
    ssize_t n = write(fd, c->out.data, c->out.len);

    (void)l; (void)mask;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;                     /* not now after all: try again later */
    if (n < 0) {
        client_free(c);             /* EPIPE, ECONNRESET: the peer is gone */
        return;
    }
    buf_consume(&c->out, (size_t)n);
    if (c->out.len > 0) return;
    ev_del(&loop, fd, EV_WRITABLE); /* nothing left: stop asking */
    if (c->state == CLOSING && c->eof) {
        client_free(c);             /* both sides are done */
    } else if (c->state == CLOSING) {
        /* Everything is out: send our FIN, but keep reading until the
         * client's. Closing now, with its bytes unread, would make the
         * kernel reset the connection, and a reset can destroy our answer
         * before the client has read it. */
        shutdown(fd, SHUT_WR);
        c->state = LINGER;
    }
}

/* Stop reading c's data; close it once the queue is written. */
static void client_closing(client *c)
{
    free(c->in.data);
    c->in.data = NULL;
    c->in.len = 0;
    uidmap_remove(&uids, &c->link);   /* a closing page gets no more */
    c->state = CLOSING;
    ev_add(&loop, c->fd, EV_WRITABLE, on_writable, c);
}

/* ------------------------------------------------------------------------
 * Frames
 * --------------------------------------------------------------------- */

/* Queue one frame: a header, then the payload. A server's frames are
 * never masked (§5.1); ws_frame_header picks the shortest of the three
 * length encodings (§5.2). */
static void send_frame(client *c, int fin, int opcode, const void *p,
                       size_t n)
{
    uint8_t hdr[WS_MAX_HEADER];

    client_send(c, hdr, ws_frame_header(hdr, fin, opcode, n));
    client_send(c, p, n);
}

/* Send a close frame with a code and a reason, and close (§5.5.1). Code
 * 0 sends a close frame with no payload at all. */
static void page_close(client *c, unsigned code, const char *reason)
{
    uint8_t payload[WS_MAX_CONTROL];
    size_t n = code ? ws_close_payload(payload, code, reason) : 0;

    fprintf(stderr, "%s: closing with %u %s\n", c->peer, code,
            reason ? reason : "");
    send_frame(c, 1, WS_OP_CLOSE, payload, n);
    client_closing(c);
}

/* The first message of a page: bind the page to it as a uid. The rules
 * and close codes are src/page.c's. */
static void bind_uid(client *c, int opcode, const uint8_t *p, size_t n)
{
    if (opcode != WS_OP_TEXT) {
        page_close(c, WS_CLOSE_UNSUPPORTED, "uid must be a text message");
    } else if (n == 0) {
        page_close(c, WS_CLOSE_POLICY, "empty uid");
    } else if (uidmap_add(&uids, (const char *)p, n, &c->link) < 0) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    } else {
        fprintf(stderr, "%s: bound to a uid of %lu bytes\n", c->peer,
                (unsigned long)n);
        c->state = BOUND;
    }
}

/* A piece of a data message. Before the page has a uid, the message is
 * its uid, gathered in c->in until the last piece; a uid over
 * UIDMAP_UID_MAX is refused as soon as a piece passes it. After that,
 * messages are ignored, as the seed does: only the first one means
 * anything. */
static void page_data(client *c, const ws_event *ev)
{
    if (c->state != OPEN) return;
    if (ev->len > UIDMAP_UID_MAX - c->in.len) {
        page_close(c, WS_CLOSE_POLICY, "uid too long (max 256 bytes)");
        return;
    }
    buf_append(&c->in, ev->data, ev->len);
    if (!ev->last) return;
    bind_uid(c, ev->opcode, c->in.data, c->in.len);
    c->in.len = 0;
}

/* Received bytes of an upgraded client: decode them and act on each
 * event. ws_decode() consumes what it can and reports one event at a
 * time; a frame cut across reads is simply continued on the next call. */
static void page_feed(client *c, uint8_t *p, size_t n)
{
    ws_event ev;

    while (c->state == OPEN || c->state == BOUND) {
        size_t used = ws_decode(&c->dec, p, n, &ev);

        p += used;
        n -= used;
        switch (ev.type) {
        case WS_EV_NEED_MORE:
            return;
        case WS_EV_DATA:
            page_data(c, &ev);
            break;
        case WS_EV_PING:
            send_frame(c, 1, WS_OP_PONG, ev.data, ev.len);
            break;
        case WS_EV_PONG:
            break;                  /* we sent no ping: nothing to do */
        case WS_EV_CLOSE:
            /* Echo the code (§5.5.1); answer "no code" with no code. */
            page_close(c, ev.close_code == WS_CLOSE_NO_STATUS
                       ? 0 : ev.close_code, NULL);
            return;
        case WS_EV_ERROR:
            page_close(c, ws_error_close_code(ev.error),
                       ws_error_string(ev.error));
            return;
        }
    }
}

/* ------------------------------------------------------------------------
 * The handshake
 * --------------------------------------------------------------------- */

/* Refuse the request with an HTTP status and a one-line reason, then
 * close. */
static void page_refuse(client *c, int status, const char *reason)
{
    char text[512];
    size_t n = hs_format_error(text, sizeof text, status, reason);

    fprintf(stderr, "%s: refused: %d %s\n", c->peer, status, reason);
    client_send(c, text, n);
    client_closing(c);
}

/* Bytes of the request head. The head ends at an empty line, which may
 * arrive in any read; hs_parse() says whether it has, and keeps no state,
 * so it reads the head again from the start each time. */
static void page_handshake(client *c, const uint8_t *p, size_t n)
{
    hs_request req;
    char accept[HS_ACCEPT_LEN + 1], text[512];
    buf head;
    size_t len;
    int rc;

    buf_append(&c->in, p, n);
    rc = hs_parse((const char *)c->in.data, c->in.len, HEAD_MAX, &req);
    if (rc == HS_INCOMPLETE) return;   /* c->in stays under HEAD_MAX +
                                          one read: hs_parse refuses a
                                          longer head with 431 */
    if (rc == HS_ERROR) {
        page_refuse(c, req.status, req.reason);
        return;
    }
    /* Sec-WebSocket-Accept: Base64(SHA-1(key + GUID)), chapter 03's
     * answer(). No subprotocol is confirmed: none is offered here. */
    hs_accept_key(req.key, accept);
    len = hs_format_accept(text, sizeof text, accept, NULL);
    client_send(c, text, len);
    fprintf(stderr, "%s: upgraded\n", c->peer);
    c->state = OPEN;
    ws_decoder_init(&c->dec, MESSAGE_MAX);
    /* A client may send frames right behind its head, in the same read:
     * hand the bytes after the head to the decoder. */
    head = c->in;
    c->in.data = NULL;
    c->in.len = 0;
    page_feed(c, head.data + req.length, head.len - req.length);
    free(head.data);
}

/* ------------------------------------------------------------------------
 * The inner port
 * --------------------------------------------------------------------- */

/* Queue one reply line: the formatted text, cut to fit 510 bytes, and a
 * newline. */
static void backend_reply(client *c, const char *fmt, ...)
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
    client_send(c, line, (size_t)n);
}

/* Push one text message to every bound page of a uid (uid NULL: to every
 * bound page). Returns how many pages it was queued for. */
static size_t push(const char *uid, size_t uid_len, const char *msg,
                   size_t len)
{
    size_t count = 0;

    if (uid != NULL) {
        uidmap_entry *e = uidmap_find(&uids, uid, uid_len);
        uidmap_link *l;

        for (l = e ? e->head : NULL; l != NULL; l = l->next, count++)
            send_frame(l->owner, 1, WS_OP_TEXT, msg, len);
    } else {
        client *c;

        for (c = clients; c != NULL; c = c->next) {
            if (c->state == BOUND) {
                send_frame(c, 1, WS_OP_TEXT, msg, len);
                count++;
            }
        }
    }
    return count;
}

/* Answer one request line (without its line ending). */
static void answer(client *c, const char *line, size_t len)
{
    inner_request req;
    size_t n;

    switch (inner_parse(line, len, &req)) {
    case INNER_EMPTY:
        return;                     /* a blank line asks nothing */
    case INNER_PUSH:
        n = push(req.uid, req.uid_len, req.message, req.message_len);
        backend_reply(c, n > 0 ? "ok" : "fail");
        return;
    case INNER_BROADCAST:
        n = push(NULL, 0, req.message, req.message_len);
        if (n > 0) backend_reply(c, "ok %lu", (unsigned long)n);
        else backend_reply(c, "fail");
        return;
    case INNER_ONLINE: {
        uidmap_entry *e = uidmap_find(&uids, req.uid, req.uid_len);
        if (e) backend_reply(c, "ok %lu", (unsigned long)e->count);
        else backend_reply(c, "fail");
        return;
    }
    case INNER_STATS:
        backend_reply(c, "error no counters yet: chapter 08 keeps them");
        return;
    case INNER_ERROR:
        backend_reply(c, "error %s", req.error);
        return;
    }
}

/* Cut received bytes into lines, as chapter 01 did: the start of an
 * unfinished line waits in c->in for the rest. A line over LINE_MAX_LEN
 * is answered "error line too long" and the backend closed (chapter 08
 * skips just that line and keeps the backend). */
static void backend_feed(client *c, const uint8_t *p, size_t n)
{
    while (n > 0 && c->state == SERVING) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;

        if (take > LINE_MAX_LEN - c->in.len) {
            backend_reply(c, "error line too long");
            client_closing(c);
            return;
        }
        buf_append(&c->in, p, take);
        if (nl == NULL) return;     /* the rest of the line comes later */
        if (c->in.len > 0 && c->in.data[c->in.len - 1] == '\r')
            c->in.len--;            /* accept CRLF as well as LF */
        answer(c, (const char *)c->in.data, c->in.len);
        c->in.len = 0;
        p += take + 1;
        n -= take + 1;
    }
}

/* ------------------------------------------------------------------------
 * The loop's handlers
 * --------------------------------------------------------------------- */

/* Bytes from a client, or the end of its stream. */
static void on_readable(ev_loop *l, int fd, void *data, int mask)
{
    client *c = data;
    uint8_t rbuf[4096];
    ssize_t n = read(fd, rbuf, sizeof rbuf);

    (void)l; (void)mask;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n == 0 && c->state == SERVING && c->in.len > 0)
        backend_feed(c, (const uint8_t *)"\n", 1); /* a last line without
                                                      its newline */
    if (n == 0 && c->state == SERVING)
        client_closing(c);          /* the backend is done: close once
                                       its replies are out */
    if (n == 0 && c->state == CLOSING) {
        /* The client closed its side before reading our last bytes:
         * write them all the same, then close (on_writable). */
        c->eof = 1;
        ev_del(&loop, fd, EV_READABLE);
        return;
    }
    if (n <= 0) {
        client_free(c);             /* 0: EOF, the client closed */
        return;
    }
    switch (c->state) {
    case HANDSHAKE: page_handshake(c, rbuf, (size_t)n); break;
    case OPEN:
    case BOUND:     page_feed(c, rbuf, (size_t)n); break;
    case SERVING:   backend_feed(c, rbuf, (size_t)n); break;
    case CLOSING:
    case LINGER:    break;          /* after our answer, input is dropped */
    }
}

/* Accept every client waiting on a listening socket: a page on ws_fd, a
 * backend on inner_fd. */
static void on_accept(ev_loop *l, int lfd, void *data, int mask)
{
    (void)l; (void)data; (void)mask;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        client *c;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                perror("accept");
            return;                 /* EAGAIN: nobody else is waiting */
        }
        c = calloc(1, sizeof *c);
        if (c == NULL || net_nonblock(fd) < 0 ||
            ev_add(&loop, fd, EV_READABLE, on_readable, c) < 0) {
            /* ev_add refuses an fd at or past FD_SETSIZE: select() cannot
             * watch it, and FD_SET on it would write past the fd_set. */
            fprintf(stderr, "cannot serve fd %d: closing it\n", fd);
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->kind = lfd == ws_fd ? PAGE : INNER;
        c->state = c->kind == PAGE ? HANDSHAKE : SERVING;
        c->link.owner = c;          /* the uid map leads back to c */
        c->next = clients;
        if (clients) clients->prev = c;
        clients = c;
        if (net_peer_name(fd, c->peer, sizeof c->peer) < 0)
            strcpy(c->peer, "?");
        fprintf(stderr, "%s: connected\n", c->peer);
    }
}

/* Listen on addr, watch the socket for clients, and print the address
 * bound as "listening LABEL HOST:PORT". Returns the socket, or -1. */
static int listen_on(const char *addr, const char *label)
{
    char err[256], name[NET_NAME_MAX];
    int lfd = net_listen(addr, 128, err, sizeof err);

    if (lfd < 0 || ev_add(&loop, lfd, EV_READABLE, on_accept, NULL) < 0) {
        fprintf(stderr, "%s\n", lfd < 0 ? err : "cannot watch the socket");
        return -1;
    }
    net_local_name(lfd, name, sizeof name);
    printf("listening %s %s\n", label, name);
    return lfd;
}

int main(int argc, char **argv)
{
    const char *ws_addr = argc > 1 ? argv[1] : "127.0.0.1:1234";
    const char *inner_addr = argc > 2 ? argv[2] : "127.0.0.1:5678";

    if (argc > 3) {
        fprintf(stderr, "usage: %s [WS_HOST:PORT [INNER_HOST:PORT]]\n",
                argv[0]);
        return 2;
    }
    /* Writing to a peer that has gone raises SIGPIPE, which kills the
     * process. Ignored, write() fails with EPIPE and we close that peer. */
    signal(SIGPIPE, SIG_IGN);
    ev_init(&loop);
    uidmap_init(&uids);
    ws_fd = listen_on(ws_addr, "ws");
    inner_fd = ws_fd < 0 ? -1 : listen_on(inner_addr, "inner");
    if (inner_fd < 0) return 1;
    fflush(stdout);
    for (;;) {
        if (ev_poll(&loop, -1) < 0) {
            perror("select");
            return 1;
        }
    }
}
