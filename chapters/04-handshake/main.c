/* main.c -- chapter 04: the opening handshake (RFC 6455 §4.2).
 *
 * Chapter 03's server, speaking HTTP instead of lines: a client sends a
 * request head, and the server answers 101 Switching Protocols with the
 * Sec-WebSocket-Accept of its key, or refuses it with 400, 426 or 431 and
 * a reason. src/handshake.c parses the head and writes the answers; this
 * file gathers the head, which may come in many reads, and closes a
 * refused connection politely, so the client reads the whole answer.
 * After 101 the bytes are WebSocket frames, which chapter 05 decodes; here
 * they are read and dropped.
 *
 * Many clients are served at once by one thread that never blocks: the
 * loop in src/loop.c asks select() which sockets are ready and calls the
 * handler registered for each. The handlers here are the whole server:
 *
 *   on_accept    the listening socket is readable: a client is waiting
 *   on_readable  a client sent bytes (or closed): gather the request head
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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "handshake.h"
#include "loop.h"
#include "net.h"

#define HEAD_MAX 8192       /* longest request head: longer gets 431 */

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

enum state {
    HANDSHAKE,              /* reading the request head */
    OPEN,                   /* upgraded: frames from here on */
    CLOSING,                /* our last bytes are queued: write, then FIN */
    LINGER                  /* FIN sent: drop input until the client's */
};

typedef struct client {
    int fd;                 /* the client's socket */
    enum state state;       /* see enum state */
    int eof;                /* the client has closed its side */
    buf in;                 /* the request head while it arrives */
    buf out;                /* bytes waiting to be written */
    char peer[NET_NAME_MAX];/* "HOST:PORT", for messages */
} client;

/* The loop holds one slot per possible fd (FD_SETSIZE of them): too big
 * for the stack, so it lives here. */
static ev_loop loop;

static void on_readable(ev_loop *l, int fd, void *data, int mask);
static void on_writable(ev_loop *l, int fd, void *data, int mask);

/* Close c's socket and free it. */
static void client_free(client *c)
{
    fprintf(stderr, "%s: closed\n", c->peer);
    ev_del(&loop, c->fd, EV_READABLE | EV_WRITABLE);
    close(c->fd);
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
    c->state = CLOSING;
    ev_add(&loop, c->fd, EV_WRITABLE, on_writable, c);
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
    free(c->in.data);
    c->in.data = NULL;
    c->in.len = 0;
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
    case OPEN:      break;          /* frames: chapter 05 */
    case CLOSING:
    case LINGER:    break;          /* after our answer, input is dropped */
    }
}

/* Accept every client waiting on the listening socket. */
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
        if (net_peer_name(fd, c->peer, sizeof c->peer) < 0)
            strcpy(c->peer, "?");
        fprintf(stderr, "%s: connected\n", c->peer);
    }
}

int main(int argc, char **argv)
{
    const char *addr = argc > 1 ? argv[1] : "127.0.0.1:1234";
    char err[256], name[NET_NAME_MAX];
    int lfd;

    if (argc > 2) {
        fprintf(stderr, "usage: %s [HOST:PORT]\n", argv[0]);
        return 2;
    }
    /* Writing to a peer that has gone raises SIGPIPE, which kills the
     * process. Ignored, write() fails with EPIPE and we close that peer. */
    signal(SIGPIPE, SIG_IGN);
    ev_init(&loop);
    lfd = net_listen(addr, 128, err, sizeof err);
    if (lfd < 0 || ev_add(&loop, lfd, EV_READABLE, on_accept, NULL) < 0) {
        fprintf(stderr, "%s\n", lfd < 0 ? err : "cannot watch the socket");
        return 1;
    }
    net_local_name(lfd, name, sizeof name);
    printf("listening ws %s\n", name);
    fflush(stdout);
    for (;;) {
        if (ev_poll(&loop, -1) < 0) {
            perror("select");
            return 1;
        }
    }
}
