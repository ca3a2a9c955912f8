/* conn.c -- connections: their output queues and closing.
 *
 * Output is never written from the middle of a handler. Handlers append to
 * the connection's queue and put it on the flush list; after each poll the
 * list is flushed, one write per connection, so several frames bound for
 * the same page in one wake-up leave in one system call. Connections are
 * never freed in the middle of a wake-up either: conn_kill() closes the fd
 * at once and parks the struct on a list freed after the flush.
 *
 * Closing: our last bytes (an HTTP error or a close frame) are queued and
 * nothing more is read as data (CLOSING). When the queue is empty we shut
 * down our side (FIN) and LINGER, reading and dropping until the peer
 * closes too or the linger deadline passes. Closing only after the peer
 * has seen our FIN is what keeps the kernel from resetting the connection
 * and throwing away the close frame the peer has not read yet (RFC 6455
 * §7.1.1: the server closes the TCP connection first). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "conn.h"

/* ------------------------------------------------------------------------
 * Byte queues
 * --------------------------------------------------------------------- */

size_t bytes_pending(const bytes *b)
{
    return b->len - b->off;
}

/* Free b's block; b is empty after. */
void bytes_free(bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->off = b->len = b->cap = 0;
}

/* Append n bytes. Returns 0, or -1 if memory ran out (b is unchanged).
 * Callers check their own caps first, so n is small next to SIZE_MAX. */
int bytes_append(bytes *b, const void *p, size_t n)
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
void bytes_consume(bytes *b, size_t n)
{
    b->off += n;
    if (b->off == b->len) bytes_free(b);
}

/* ------------------------------------------------------------------------
 * Connections
 * --------------------------------------------------------------------- */

/* Make c's deadline t, keeping the server's earliest deadline current. */
void conn_set_deadline(server *s, conn *c, int64_t t)
{
    c->deadline = t;
    if (t < s->next_deadline) s->next_deadline = t;
}

/* Put c on the flush list, once; a killed connection is past flushing. */
void conn_want_flush(server *s, conn *c)
{
    if (!c->flushing && !c->dead) {
        c->flushing = 1;
        c->flush_next = s->flush;
        s->flush = c;
    }
}

/* Queue bytes for c and schedule a flush. Returns 0, or -1 if memory ran
 * out (then c is killed). */
int conn_queue(server *s, conn *c, const void *p, size_t n)
{
    if (c->dead) return -1;
    if (bytes_append(&c->out, p, n) < 0) {
        log_line("error", "%s: out of memory, closing", c->peer);
        conn_kill(s, c);
        return -1;
    }
    conn_want_flush(s, c);
    return 0;
}

/* Stop reading data from c and close it once its queue has drained. */
void conn_closing(server *s, conn *c)
{
    if (c->dead) return;
    if (c->link.entry) uidmap_remove(&s->uids, &c->link);
    c->state = CLOSING;
    conn_set_deadline(s, c, ev_now_ms() + s->cfg->linger_ms);
    conn_want_flush(s, c);
}

/* Close the connection now: no more I/O. The struct is freed after the
 * current wake-up (see the top of the file). */
void conn_kill(server *s, conn *c)
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
        server_accepting(s, 1);
    }
    bytes_free(&c->in);
    bytes_free(&c->out);
    /* Off the flush list lazily: conn_flush skips the dead. Once it has
     * been flushed (or if it never was on it) it goes to the dead list. */
    if (!c->flushing) {
        c->flush_next = s->dead;
        s->dead = c;
    }
    log_line("info", "%s: closed", c->peer);
}

/* Write as much of c's queue as the socket takes. On a full socket wait
 * for it to become writable; once drained, a closing connection shuts
 * down its side and lingers, a paused backend is read again. */
void conn_flush(server *s, conn *c)
{
    while (bytes_pending(&c->out) > 0) {
        ssize_t n = write(c->fd, c->out.data + c->out.off,
                          bytes_pending(&c->out));
        if (n > 0) {
            bytes_consume(&c->out, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            ev_add(s->loop, c->fd, EV_WRITABLE, server_writable, c);
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
        ev_add(s->loop, c->fd, EV_READABLE, server_readable, c);
        backend_feed(s, c, kept.data, kept.len);
        bytes_free(&kept);
    }
}

/* A new connection on fd, watched for reading: a page starts in
 * HANDSHAKE with its deadline, a backend SERVING with none, a refusal
 * CLOSING (the caller queues its answer). Returns NULL if memory ran out
 * or fd cannot be watched; nothing is changed then. */
conn *conn_new(server *s, int fd, enum conn_kind kind)
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
    if (ev_add(s->loop, fd, EV_READABLE, server_readable, c) < 0) {
        free(c);
        return NULL;
    }
    c->next = s->conns;
    if (s->conns) s->conns->prev = c;
    s->conns = c;
    if (kind == PAGE) {
        s->npages++;
        c->state = HANDSHAKE;
        conn_set_deadline(s, c, ev_now_ms() + s->cfg->handshake_timeout_ms);
    } else if (kind == INNER) {
        s->ninner++;
        c->state = SERVING;
        c->deadline = NEVER;        /* backends may stay connected idle */
        if (s->cfg->auth.inner_secret_len == 0)
            c->authed = 1;          /* nothing to give, even after a reload */
        else                        /* the secret first, in time */
            conn_set_deadline(s, c, ev_now_ms() +
                              s->cfg->handshake_timeout_ms);
    } else {
        c->state = CLOSING;         /* refuse() queues the answer */
        c->deadline = NEVER;
    }
    return c;
}
