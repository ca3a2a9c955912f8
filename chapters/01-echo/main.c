/* main.c -- chapter 01: a multi-client echo server over select().
 *
 * Every line a client sends comes back to it.
 *
 * Many clients are served at once by one thread that never blocks: the
 * loop in src/loop.c asks select() which sockets are ready and calls the
 * handler registered for each. The handlers here are the whole server:
 *
 *   on_accept    the listening socket is readable: a client is waiting
 *   on_readable  a client sent bytes (or closed): cut them into lines
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

#include "loop.h"
#include "net.h"

#define LINE_MAX_LEN 1024   /* longest line answered: bytes before the
                               newline, a '\r' among them */

/* ------------------------------------------------------------------------
 * Byte buffers
 * --------------------------------------------------------------------- */

/* A growable run of bytes, used for what a client sent that is not a
 * whole line yet, and for what waits to be written to it. */
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

typedef struct client {
    int fd;                 /* the client's socket */
    int closing;            /* close once out has been written */
    buf in;                 /* the start of a line still arriving */
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
    if (c->closing) client_free(c);
}

/* ------------------------------------------------------------------------
 * Lines
 * --------------------------------------------------------------------- */

/* Answer one line (without its line ending). This is the function the
 * next two chapters change: here the answer is the line itself. */
static void answer(client *c, const char *line, size_t len)
{
    client_send(c, line, len);
    client_send(c, "\n", 1);
}

/* Cut received bytes into lines. TCP delivers a stream of bytes, not
 * messages: one read may hold half a line, or three lines and a half.
 * The start of an unfinished line waits in c->in for the rest. */
static void feed(client *c, const uint8_t *p, size_t n)
{
    while (n > 0 && !c->closing) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;

        if (take > LINE_MAX_LEN - c->in.len) {
            static const char msg[] = "error line too long\n";

            client_send(c, msg, sizeof msg - 1);
            c->closing = 1;
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
    if (n == 0 && c->out.len > 0) {
        /* The client closed its side, and may still be reading: write
         * what it is owed, then close (on_writable). */
        c->closing = 1;
        ev_del(&loop, fd, EV_READABLE);
        return;
    }
    if (n <= 0) {
        client_free(c);             /* 0: EOF, the client closed */
        return;
    }
    if (!c->closing) feed(c, rbuf, (size_t)n);
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
    const char *addr = argc > 1 ? argv[1] : "127.0.0.1:7000";
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
    printf("listening %s\n", name);
    fflush(stdout);
    for (;;) {
        if (ev_poll(&loop, -1) < 0) {
            perror("select");
            return 1;
        }
    }
}
