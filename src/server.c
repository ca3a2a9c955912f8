/* server.c -- the push server's loop: accepting, deadlines, signals.
 *
 * One process, one thread, one select() loop (loop.c). Every connection is
 * a struct conn (conn.h): a page (a WebSocket client, page.c), a backend on
 * the inner port (backend.c), or a refusal on its way out. This file reads
 * from them and hands the bytes on, accepts and refuses connections, fires
 * deadlines (handshake, heartbeat, closing), turns SIGINT and SIGTERM
 * into an orderly close and SIGHUP into a reload. Output and closing are
 * conn.c's. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "handshake.h"

/* One buffer for every read: data is consumed before the next read. */
static uint8_t rbuf[65536];
/* Reads of one backend per wake-up, at most (see server_readable). */
#define BACKEND_READS 16

/* Not static-const: the signal handler writes here. */
static volatile sig_atomic_t sig_fd = -1;

static server *the_server;
/* The configuration, writable: a reload replaces its auth part. */
static server_config *the_config;

static void on_accept(ev_loop *loop, int fd, void *data, int mask);

/* ------------------------------------------------------------------------
 * Reading
 * --------------------------------------------------------------------- */

void server_writable(ev_loop *loop, int fd, void *data, int mask)
{
    (void)loop; (void)fd; (void)mask;
    conn_flush(the_server, data);
}

/* One read from a connection, handed to the part of the server its state
 * belongs to. Returns the bytes read, 0 on EOF, an error or no data. */
static size_t read_once(server *s, conn *c)
{
    ssize_t n = read(c->fd, rbuf, sizeof rbuf);

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return 0;
    if (n <= 0) {
        /* EOF or reset. A backend that half-closed after its last line
         * still gets its replies, and a last line without a newline
         * counts as a line. */
        if (n == 0 && c->kind == INNER && c->state == SERVING) {
            if (bytes_pending(&c->in) > 0)
                backend_feed(s, c, (const uint8_t *)"\n", 1);
            if (!c->dead) {
                c->eof = 1;
                ev_del(s->loop, c->fd, EV_READABLE);
                conn_closing(s, c);
            }
            return 0;
        }
        conn_kill(s, c);
        return 0;
    }
    if (c->kind == PAGE && (c->state == OPEN || c->state == BOUND)) {
        /* Any byte at all shows the peer is alive: restart the heartbeat. */
        c->ping_sent = 0;
        if (s->cfg->ping_interval_ms > 0)
            conn_set_deadline(s, c, ev_now_ms() + s->cfg->ping_interval_ms);
    }
    switch (c->state) {
    case HANDSHAKE: page_handshake(s, c, rbuf, (size_t)n); break;
    case OPEN:
    case BOUND:     page_feed(s, c, rbuf, (size_t)n); break;
    case SERVING:   backend_feed(s, c, rbuf, (size_t)n); break;
    case CLOSING:
    case LINGER:    break;      /* after our close, input is dropped */
    }
    return (size_t)n;
}

/* Bytes (or EOF) from a connection. A backend that filled the buffer may
 * have more lines waiting: read on, up to BACKEND_READS reads, before
 * this wake-up's flush, so that each page gets the frames of all those
 * lines in one write (one write per page per wake-up is what a push
 * costs when pages outnumber the lines of one read). The cap keeps one
 * busy backend from holding up everyone else. */
void server_readable(ev_loop *loop, int fd, void *data, int mask)
{
    conn *c = data;
    int i;

    (void)loop; (void)fd; (void)mask;
    for (i = 0; i < BACKEND_READS; i++) {
        if (read_once(the_server, c) < sizeof rbuf || c->kind != INNER ||
            c->dead || c->paused || c->state != SERVING)
            break;
    }
}

/* ------------------------------------------------------------------------
 * Accepting and refusing
 * --------------------------------------------------------------------- */

/* Stop or resume watching the listening sockets. */
void server_accepting(server *s, int on)
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
            page_refuse(s, c, 503, full);
        } else {
            log_line("info", "%s: refused: %s", c->peer, full);
            backend_reply(s, c, "error server full");
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
        server_accepting(s, 0);
    } else {
        s->spare_fd = open("/dev/null", O_RDONLY);
    }
    /* One line per flood, not one per connection. */
    if (ev_now_ms() - s->emfile_logged >= 10000) {
        s->emfile_logged = ev_now_ms();
        log_line("error", "out of file descriptors: refusing connections "
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
                log_line("error", "accept: %s", strerror(errno));
                server_accepting(s, 0);
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
        log_line("info", "%s: connected to the %s port", c->peer,
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
        log_line("info", "%s: handshake timed out", c->peer);
        conn_kill(s, c);
        break;
    case OPEN:
    case BOUND:
        if (!c->ping_sent) {
            /* Silent for a whole interval: ask for a sign of life. */
            if (conn_queue(s, c, ping, sizeof ping) < 0) return;
            c->ping_sent = 1;
            conn_set_deadline(s, c, now + s->cfg->ping_timeout_ms);
        } else {
            s->n.timeouts++;
            page_close(s, c, WS_CLOSE_GOING_AWAY, "ping timeout");
            conn_flush(s, c);
            conn_kill(s, c);        /* a dead peer will not answer */
        }
        break;
    case SERVING:
        if (!c->authed && s->cfg->auth.inner_secret_len > 0) {
            s->n.timeouts++;
            log_line("info", "%s: no inner secret in time", c->peer);
            conn_kill(s, c);
            break;
        }
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

/* The signal handler: only writes the signal number to the self-pipe,
 * which wakes select(); everything else happens in the loop. */
static void on_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;

    if (sig_fd >= 0 && write(sig_fd, &b, 1) < 0) { /* pipe full: fine */ }
    errno = saved;
}

/* SIGHUP: reopen the log file (a rotation renamed it) and re-read what
 * can be re-read; every connection stays. */
static void reload(server *s)
{
    char err[512];

    (void)s;
    log_line("notice", "SIGHUP received: reloading");
    log_reopen();
    /* auth_load() reads into a copy and keeps the old settings unless
     * everything read is valid; pages and backends already admitted stay. */
    if (auth_load(&the_config->auth, err, sizeof err) < 0) {
        log_line("error", "reload: %s; keeping the old secrets and origins",
                 err);
        return;
    }
    log_line("notice", "reloaded");
}

/* Signals arrived. SIGHUP reloads. SIGINT or SIGTERM: stop accepting,
 * close every page with 1001, and give queued output linger_ms to drain. */
static void on_sigpipe_readable(ev_loop *loop, int fd, void *data, int mask)
{
    server *s = the_server;
    conn *c, *next;
    ssize_t n, i;
    int stop = 0, hup = 0;

    (void)loop; (void)data; (void)mask;
    while ((n = read(fd, rbuf, sizeof rbuf)) > 0)
        for (i = 0; i < n; i++) {
            if (rbuf[i] == SIGHUP) hup = 1; else stop = 1;
        }
    if (hup) reload(s);
    if (!stop || s->stopping) return;
    s->stopping = 1;
    s->stop_deadline = ev_now_ms() + s->cfg->linger_ms;
    log_line("notice", "signal received: closing every connection");
    server_accepting(s, 0);
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

/* Ignore SIGPIPE; route SIGINT, SIGTERM and SIGHUP through the
 * self-pipe. */
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
    sigaction(SIGHUP, &sa, NULL);
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
            conn_flush(s, c);
        }
    }
    while (s->dead) {
        conn *c = s->dead;

        s->dead = c->flush_next;
        free(c);
    }
}

/* Listen on both ports and print the addresses bound. Returns 0, or -1
 * with the reason on stderr. */
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
    server_accepting(s, 1);
    /* Warnings first: whoever waits for "listening" has them by then. */
    auth_warn(&s->cfg->auth, s->ws_fd, s->inner_fd, log_line);
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

/* The loop: wait for events or the next deadline, handle them, flush. */
int server_run(server_config *cfg)
{
    static ev_loop loop;
    server s;
    int rc = 0;

    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    the_config = cfg;
    s.loop = &loop;
    s.ws_fd = s.inner_fd = -1;
    s.next_deadline = NEVER;
    s.started = ev_now_ms();
    s.emfile_logged = s.started - 10000;
    uidmap_init(&s.uids);
    ev_init(&loop);
    the_server = &s;
    log_verbose = cfg->verbose;
    s.spare_fd = open("/dev/null", O_RDONLY);
    if (setup_signals(&s) < 0) {
        fprintf(stderr, "wspush: cannot set up signals: %s\n",
                strerror(errno));
        rc = 1;
    } else if (open_ports(&s) < 0 ||
               (cfg->on_ready != NULL && cfg->on_ready() < 0)) {
        rc = 1;
    } else {
        log_line("notice", "started, pid %ld", (long)getpid());
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
            log_line("error", "select: %s", strerror(errno));
            rc = 1;
        }
        if (s.accept_resume != 0 && ev_now_ms() >= s.accept_resume) {
            s.accept_resume = 0;
            server_accepting(&s, 1);
        }
        check_deadlines(&s);
        flush_all(&s);
    }
    if (rc == 0) log_line("notice", "stopped");
    while (s.conns) conn_kill(&s, s.conns);
    flush_all(&s);
    uidmap_free(&s.uids);
    if (s.ws_fd >= 0) net_unlisten(s.ws_fd, cfg->ws_addr);
    if (s.inner_fd >= 0) net_unlisten(s.inner_fd, cfg->inner_addr);
    if (s.spare_fd >= 0) close(s.spare_fd);
    close(s.sig_pipe[0]);
    close(s.sig_pipe[1]);
    sig_fd = -1;
    the_server = NULL;
    the_config = NULL;
    return rc;
}
