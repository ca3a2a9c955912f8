/* floor.c -- the floor `make bench` measures wspush against.
 *
 *   wsfloor --ws HOST:PORT --inner HOST:PORT [--drop K]
 *
 * The least any push server must do: one write() of a frame per push to
 * the page's socket, and one write() of the replies per read of the
 * inner port. It speaks just enough of wspush's protocol for wsbench
 * (docs/PROTOCOL.md): the 101 handshake, a first text frame that is the
 * page's uid, which must be "u" and a number (wsbench's uids, so a uid
 * is an index, not a hash lookup), and three kinds of request line:
 *
 *   {"uid":"u<i>",...}   the line goes to page i as one text frame: ok/fail
 *   broadcast MESSAGE    one frame, built once, written to every page: ok N
 *   online u<i>          ok 1 / fail
 *
 * Once bound, a page is no longer watched at all: the floor never reads
 * it again and finds out it has gone when a write fails or its uid is
 * bound anew. A real server must watch every page (for close frames,
 * pings, a vanished peer); the floor need not, which is what makes it a
 * floor. --drop K skips the write of every K-th push (still answering
 * "ok"): tests/bench.bats uses it to prove wsbench notices a lost frame.
 *
 * Not a server anyone should run: no limits, no timeouts, trusts its
 * client. It exists only for the benchmark. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include "frame.h"
#include "handshake.h"
#include "net.h"

#define INBUF 8192

enum { FREE, LISTEN_WS, LISTEN_INNER, HEAD, OPEN, BOUND, INNER };

typedef struct fconn {
    int state;              /* FREE, LISTEN_*, HEAD, OPEN, BOUND, INNER */
    uint8_t *in;            /* head, uid frame or partial line */
    size_t nin;             /* bytes in in */
} fconn;

static fconn *conns;        /* indexed by fd */
static size_t nconns;
static int *watch;          /* fds polled: listeners, inner, unbound */
static size_t nwatch;
static int *byuid;          /* page fd of uid u<i>, or -1 */
static size_t nbyuid;
static unsigned long drop_every, pushes;
static uint8_t rbuf[1 << 18];
static uint8_t fbuf[WS_MAX_HEADER + sizeof rbuf];
static char rep[1 << 18];
static size_t nrep;

/* Report a failed call and exit 1. */
static void die(const char *what)
{
    fprintf(stderr, "wsfloor: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Watch fd for reading, in state. */
static void watch_add(int fd, int state)
{
    if ((size_t)fd >= nconns) {
        errno = EMFILE;
        die("fd past the table");
    }
    conns[fd].state = state;
    watch[nwatch++] = fd;
}

/* Stop watching fd (a linear search: it runs once per page). */
static void unwatch(int fd)
{
    size_t i;

    for (i = 0; i < nwatch; i++)
        if (watch[i] == fd) {
            watch[i] = watch[--nwatch];
            return;
        }
}

/* Close a connection and forget it. */
static void drop(int fd)
{
    if (conns[fd].state != BOUND) unwatch(fd);
    free(conns[fd].in);
    conns[fd].in = NULL;
    conns[fd].nin = 0;
    conns[fd].state = FREE;
    close(fd);
}

/* Write all of b, waiting for room if the socket is full. Returns 0, or
 * -1 if the peer has gone. */
static int write_all(int fd, const void *b, size_t n)
{
    const uint8_t *p = b;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EAGAIN) {
            struct pollfd pf;

            pf.fd = fd;
            pf.events = POLLOUT;
            poll(&pf, 1, -1);
        } else if (!(w < 0 && errno == EINTR)) {
            return -1;
        }
    }
    return 0;
}

/* Append to the pending replies. */
static void reply(const char *s)
{
    size_t n = strlen(s);

    if (n > sizeof rep - nrep) die("replies");
    memcpy(rep + nrep, s, n);
    nrep += n;
}

/* The page of "u<i>" at p (len bytes), or -1. */
static int page_of(const char *p, size_t len)
{
    size_t i = 0, k;

    if (len < 2 || p[0] != 'u') return -1;
    for (k = 1; k < len; k++) {
        if (p[k] < '0' || p[k] > '9' || i > 100000000) return -1;
        i = i * 10 + (size_t)(p[k] - '0');
    }
    return i < nbyuid ? byuid[i] : -1;
}

/* One frame to one page, in one write. */
static int send_frame(int fd, const uint8_t *frame, size_t n)
{
    if (write_all(fd, frame, n) == 0) return 0;
    drop(fd);
    return -1;
}

/* Answer one request line. */
static void request(const char *line, size_t len)
{
    static const char pfx[] = "{\"uid\":\"";
    char buf[32];
    size_t h;

    if (len > sizeof pfx - 1 && memcmp(line, pfx, sizeof pfx - 1) == 0) {
        const char *uid = line + sizeof pfx - 1;
        const char *q = memchr(uid, '"', len - (sizeof pfx - 1));
        int fd = q ? page_of(uid, (size_t)(q - uid)) : -1;

        pushes++;
        if (fd < 0) {
            reply("fail\n");
            return;
        }
        if (drop_every && pushes % drop_every == 0) {
            reply("ok\n");
            return;
        }
        h = ws_frame_header(fbuf, 1, WS_OP_TEXT, len);
        memcpy(fbuf + h, line, len);
        reply(send_frame(fd, fbuf, h + len) == 0 ? "ok\n" : "fail\n");
    } else if (len > 10 && memcmp(line, "broadcast ", 10) == 0) {
        unsigned long n = 0;
        size_t i;

        h = ws_frame_header(fbuf, 1, WS_OP_TEXT, len - 10);
        memcpy(fbuf + h, line + 10, len - 10);
        for (i = 0; i < nbyuid; i++)
            if (byuid[i] >= 0 && send_frame(byuid[i], fbuf, h + len - 10) == 0)
                n++;
        if (n == 0) {
            reply("fail\n");
        } else {
            snprintf(buf, sizeof buf, "ok %lu\n", n);
            reply(buf);
        }
    } else if (len > 7 && memcmp(line, "online ", 7) == 0) {
        reply(page_of(line + 7, len - 7) >= 0 ? "ok 1\n" : "fail\n");
    } else {
        reply("error unknown command\n");
    }
}

/* A read of the inner port: answer every whole line, keep the rest. */
static void inner_readable(int fd)
{
    fconn *c = &conns[fd];
    ssize_t n;
    size_t have, start = 0, i;

    memcpy(rbuf, c->in, c->nin);
    have = c->nin;
    n = read(fd, rbuf + have, sizeof rbuf - have);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        drop(fd);
        return;
    }
    have += (size_t)n;
    for (i = 0; i < have; i++)
        if (rbuf[i] == '\n') {
            request((const char *)rbuf + start, i - start);
            start = i + 1;
        }
    if (have - start > INBUF) {
        errno = EMSGSIZE;
        die("inner line");
    }
    memcpy(c->in, rbuf + start, have - start);
    c->nin = have - start;
    if (nrep > 0 && write_all(fd, rep, nrep) < 0) drop(fd);
    nrep = 0;
}

/* The uid frame: masked text, under 126 bytes, "u<i>". */
static void page_uid(int fd)
{
    fconn *c = &conns[fd];
    size_t len, k, i = 0;

    if (c->nin < 2) return;
    len = c->in[1] & 0x7F;
    if ((c->in[0] & 0x0F) != WS_OP_TEXT || !(c->in[1] & 0x80) || len > 125 ||
        len < 2) {
        drop(fd);
        return;
    }
    if (c->nin < 6 + len) return;
    for (k = 0; k < len; k++) c->in[6 + k] ^= c->in[2 + k % 4];
    if (c->in[6] != 'u') {
        drop(fd);
        return;
    }
    for (k = 1; k < len; k++) i = i * 10 + (size_t)(c->in[6 + k] - '0');
    if (i >= nbyuid) {
        size_t old = nbyuid;

        nbyuid = i + 1 > 2 * nbyuid ? i + 1 : 2 * nbyuid;
        byuid = realloc(byuid, nbyuid * sizeof *byuid);
        if (byuid == NULL) die("realloc");
        while (old < nbyuid) byuid[old++] = -1;
    }
    if (byuid[i] >= 0 && byuid[i] != fd) drop(byuid[i]);
    byuid[i] = fd;
    unwatch(fd);
    free(c->in);
    c->in = NULL;
    c->nin = 0;
    c->state = BOUND;
}

/* Bytes from a page that is not bound yet. */
static void page_readable(int fd)
{
    fconn *c = &conns[fd];
    hs_request req;
    char accept[HS_ACCEPT_LEN + 1], out[256];
    ssize_t n = read(fd, c->in + c->nin, INBUF - c->nin);
    size_t len;
    int rc;

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        drop(fd);
        return;
    }
    c->nin += (size_t)n;
    if (c->state == HEAD) {
        const char *end;

        rc = hs_parse((const char *)c->in, c->nin, INBUF, &req);
        if (rc == HS_INCOMPLETE) return;
        end = rc == HS_OK ? strstr((const char *)c->in, "\r\n\r\n") : NULL;
        if (end == NULL) {
            drop(fd);
            return;
        }
        hs_accept_key(req.key, accept);
        len = hs_format_accept(out, sizeof out, accept, NULL);
        if (write_all(fd, out, len) < 0) {
            drop(fd);
            return;
        }
        len = (size_t)(end + 4 - (const char *)c->in);
        memmove(c->in, c->in + len, c->nin - len);
        c->nin -= len;
        c->state = OPEN;
    }
    page_uid(fd);
}

/* Accept every pending connection; pages start in HEAD. */
static void on_accept(int lfd)
{
    int one = 1;

    for (;;) {
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0) return;
        net_nonblock(fd);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[fd].in = malloc(INBUF + 1);
        if (conns[fd].in == NULL) die("malloc");
        conns[fd].in[INBUF] = '\0';
        conns[fd].nin = 0;
        watch_add(fd, conns[lfd].state == LISTEN_WS ? HEAD : INNER);
    }
}

int main(int argc, char **argv)
{
    const char *ws = NULL, *inner = NULL;
    char err[256], name[NET_NAME_MAX];
    struct pollfd *pfds;
    struct rlimit rl;
    int i, ws_fd, inner_fd;

    for (i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--ws")) ws = argv[i + 1];
        else if (!strcmp(argv[i], "--inner")) inner = argv[i + 1];
        else if (!strcmp(argv[i], "--drop"))
            drop_every = strtoul(argv[i + 1], NULL, 10);
        else break;
    }
    if (i != argc || ws == NULL || inner == NULL) {
        fprintf(stderr, "usage: wsfloor --ws HOST:PORT --inner HOST:PORT "
                "[--drop K]\n");
        return 2;
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    nconns = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
             rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536
             ? (size_t)rl.rlim_cur : 65536;
    conns = calloc(nconns, sizeof *conns);
    watch = calloc(nconns, sizeof *watch);
    pfds = calloc(nconns, sizeof *pfds);
    if (!conns || !watch || !pfds) die("calloc");

    ws_fd = net_listen(ws, 511, err, sizeof err);
    inner_fd = ws_fd < 0 ? -1 : net_listen(inner, 511, err, sizeof err);
    if (inner_fd < 0) {
        fprintf(stderr, "wsfloor: %s\n", err);
        return 1;
    }
    watch_add(ws_fd, LISTEN_WS);
    watch_add(inner_fd, LISTEN_INNER);
    net_local_name(ws_fd, name, sizeof name);
    printf("listening ws %s\n", name);
    net_local_name(inner_fd, name, sizeof name);
    printf("listening inner %s\n", name);
    fflush(stdout);

    for (;;) {
        size_t k, n = nwatch;

        for (k = 0; k < n; k++) {
            pfds[k].fd = watch[k];
            pfds[k].events = POLLIN;
        }
        if (poll(pfds, (nfds_t)n, -1) < 0 && errno != EINTR) die("poll");
        for (k = 0; k < n; k++) {
            int fd = pfds[k].fd;

            if (pfds[k].revents == 0) continue;
            switch (conns[fd].state) {
            case LISTEN_WS:
            case LISTEN_INNER: on_accept(fd); break;
            case HEAD:
            case OPEN:         page_readable(fd); break;
            case INNER:        inner_readable(fd); break;
            default:           break;   /* dropped earlier in this pass */
            }
        }
    }
}
