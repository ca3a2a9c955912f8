/* wsbench.c -- the load generator behind `make bench`.
 *
 *   wsbench push      --ws ADDR --inner ADDR -n PAGES -m PUSHES
 *   wsbench broadcast --ws ADDR --inner ADDR -n PAGES -m BROADCASTS
 *   wsbench handshake --ws ADDR -n CONNECTIONS -m WAVES
 *   wsbench memory    --ws ADDR --inner ADDR -n PAGES -m PUSHES --pid PID
 *
 * It speaks to any server with wspush's two ports (docs/PROTOCOL.md):
 * wspush itself, the `ws` peer (peer.js) and the floor (floor.c). Pages
 * are WebSocket clients with uids u0, u1, ...; one backend connection
 * writes pipelined request lines to the inner port, at most --window of
 * them unanswered.
 *
 * Nothing is taken on trust: every reply is read and checked, and every
 * frame a page receives must be the very next one it is owed: push k goes
 * to page k % N as {"uid":"u<page>","n":<k / N>}, so a frame lost,
 * repeated, reordered or delivered to the wrong page stops the run with
 * a message and exit status 1. The result is one JSON line on stdout.
 *
 * One poll() loop drives everything (poll, not select: a run of more
 * than about 1000 pages passes FD_SETSIZE, so the soft RLIMIT_NOFILE is
 * raised to the hard one too), every ready socket is read once per
 * wake-up into one large buffer, and lines and expected frames are built
 * without printf, so the generator costs little next to the server. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base64.h"
#include "handshake.h"
#include "net.h"

#define CARRY 512           /* a page's partial head or frame */
#define MAX_FRAME (CARRY - 4)
#define CONNECTING_MAX 128  /* handshakes in flight at once */
#define STALL_MS 15000      /* no progress for this long: fail */

enum page_state { P_IDLE, P_CONNECT, P_HEAD, P_OPEN, P_DONE };

typedef struct page {
    int fd;                     /* socket, -1 before connect and after */
    enum page_state state;      /* P_CONNECT -> P_HEAD -> P_OPEN */
    char key[HS_KEY_LEN + 1];   /* Sec-WebSocket-Key sent */
    uint8_t carry[CARRY];       /* head bytes or a partial frame */
    size_t ncarry;              /* bytes in carry */
    unsigned long next;         /* next push number owed to this page */
    unsigned long bcast;        /* broadcasts received */
} page;

/* Outgoing bytes of the backend connection. */
typedef struct outq {
    char *data;
    size_t off, len, cap;
} outq;

static struct addrinfo *ws_ai;      /* where pages connect */
static const char *inner_addr;
static page *pages;
static size_t npages;               /* pages in use */
static struct pollfd *pfds;
static size_t *pfd_page;            /* pfds[i] belongs to pages[pfd_page[i]] */
static int inner_fd = -1;
static outq out;
static char reply[1024];            /* a partial reply line */
static size_t nreply;
static uint8_t rbuf[1 << 18];

/* What a reply line or a frame means in the phase that is running. */
static void (*on_reply)(const char *line, size_t len);
static unsigned long replies;       /* reply lines read this phase */
static unsigned long frames;        /* data frames read this phase */
static unsigned long opened;        /* pages upgraded this phase */
static int64_t last_progress;

/* Nanoseconds on the monotonic clock. */
static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Say what went wrong and exit 1: the run proves nothing past an error. */
static void die(const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "wsbench: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

/* ------------------------------------------------------------------------
 * Pages: connect, handshake, frames
 * --------------------------------------------------------------------- */

/* Start a non-blocking connect for page i. */
static void page_connect(size_t i)
{
    page *p = &pages[i];
    uint8_t raw[16];
    size_t k;

    p->fd = socket(ws_ai->ai_family, SOCK_STREAM, 0);
    if (p->fd < 0) die("socket: %s", strerror(errno));
    if (net_nonblock(p->fd) < 0) die("fcntl: %s", strerror(errno));
    if (connect(p->fd, ws_ai->ai_addr, ws_ai->ai_addrlen) < 0 &&
        errno != EINPROGRESS)
        die("connect: %s", strerror(errno));
    for (k = 0; k < sizeof raw; k++) raw[k] = (uint8_t)(i * 31 + k * 7);
    base64_encode(raw, sizeof raw, p->key, sizeof p->key);
    p->state = P_CONNECT;
    p->ncarry = 0;
}

/* The socket connected: send the request head (it fits any socket
 * buffer, so one write sends it all). */
static void page_send_head(size_t i)
{
    page *p = &pages[i];
    char req[256];
    int err = 0, n;
    socklen_t len = sizeof err;

    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
        die("page %zu: connect: %s", i, strerror(err ? err : errno));
    n = snprintf(req, sizeof req,
                 "GET /bench HTTP/1.1\r\nHost: bench\r\n"
                 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                 "\r\n", p->key);
    if (write(p->fd, req, (size_t)n) != n)
        die("page %zu: write: %s", i, strerror(errno));
    p->state = P_HEAD;
}

/* Send a masked text frame (payload < 126 bytes) from page i. */
static void page_send_text(size_t i, const char *text)
{
    uint8_t f[2 + 4 + 125];
    size_t n = strlen(text), k;

    f[0] = 0x81;
    f[1] = (uint8_t)(0x80 | n);
    f[2] = 0x12; f[3] = 0x34; f[4] = 0x56; f[5] = 0x78;
    for (k = 0; k < n; k++) f[6 + k] = (uint8_t)(text[k] ^ f[2 + k % 4]);
    if (write(pages[i].fd, f, 6 + n) != (ssize_t)(6 + n))
        die("page %zu: write: %s", i, strerror(errno));
}

/* Look for a header in a response head, case-insensitively; returns its
 * value or NULL. */
static const char *header(const char *head, const char *name)
{
    size_t n = strlen(name);
    const char *l;

    for (l = strstr(head, "\r\n"); l != NULL; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, name, n) == 0 && l[2 + n] == ':') {
            l += 3 + n;
            while (*l == ' ') l++;
            return l;
        }
    return NULL;
}

/* Bytes of the response head: once complete it must be a 101 with the
 * right Sec-WebSocket-Accept. Returns how many bytes of @p b it used. */
static size_t page_head(size_t i, const uint8_t *b, size_t n)
{
    page *p = &pages[i];
    char accept[HS_ACCEPT_LEN + 1], *end;
    const char *got;
    size_t take = n, used;

    if (take > CARRY - 1 - p->ncarry) take = CARRY - 1 - p->ncarry;
    memcpy(p->carry + p->ncarry, b, take);
    p->ncarry += take;
    p->carry[p->ncarry] = '\0';
    end = strstr((char *)p->carry, "\r\n\r\n");
    if (end == NULL) {
        if (p->ncarry == CARRY - 1) die("page %zu: response head too long", i);
        return take;
    }
    used = take - (p->ncarry - (size_t)(end + 4 - (char *)p->carry));
    end[2] = '\0';
    if (strncmp((char *)p->carry, "HTTP/1.1 101 ", 13) != 0)
        die("page %zu: handshake refused: %.40s", i, (char *)p->carry);
    hs_accept_key(p->key, accept);
    got = header((char *)p->carry, "Sec-WebSocket-Accept");
    if (got == NULL || strncmp(got, accept, HS_ACCEPT_LEN) != 0)
        die("page %zu: wrong Sec-WebSocket-Accept", i);
    p->ncarry = 0;
    p->state = P_OPEN;
    opened++;
    last_progress = now_ns();
    return used;
}

static void (*on_frame)(size_t i, const uint8_t *payload, size_t len);

/* Whole frames out of b; a partial one is kept in the page's carry. */
static void page_frames(size_t i, const uint8_t *b, size_t n)
{
    page *p = &pages[i];

    while (n >= 2) {
        size_t len = b[1] & 0x7F, hl = 2;
        int op = b[0] & 0x0F;

        if (b[1] & 0x80) die("page %zu: masked frame from the server", i);
        if (!(b[0] & 0x80)) die("page %zu: fragmented frame", i);
        if (len == 127) die("page %zu: frame too big for the bench", i);
        if (len == 126) {
            if (n < 4) break;
            len = (size_t)b[2] << 8 | b[3];
            hl = 4;
        }
        if (hl + len > MAX_FRAME) die("page %zu: frame too big", i);
        if (n < hl + len) break;
        if (op == 0x1) {
            on_frame(i, b + hl, len);
            frames++;
            last_progress = now_ns();
        } else if (op == 0x8) {
            die("page %zu: closed by the server (%zu bytes)", i, len);
        } else if (op != 0x9 && op != 0xA) {
            die("page %zu: unexpected opcode %d", i, op);
        }
        b += hl + len;
        n -= hl + len;
    }
    memcpy(p->carry, b, n);
    p->ncarry = n;
}

/* Page i is readable: read once, then head or frames. */
static void page_read(size_t i)
{
    page *p = &pages[i];
    size_t have = 0, used;
    ssize_t n;

    if (p->state == P_OPEN) {
        memcpy(rbuf, p->carry, p->ncarry);
        have = p->ncarry;
    }
    n = read(p->fd, rbuf + have, sizeof rbuf - have);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) die("page %zu: connection %s", i, n ? strerror(errno)
                                                     : "closed by the server");
    have += (size_t)n;
    if (p->state == P_HEAD) {
        used = page_head(i, rbuf, have);
        if (p->state == P_OPEN) page_frames(i, rbuf + used, have - used);
    } else {
        page_frames(i, rbuf, have);
    }
}

/* ------------------------------------------------------------------------
 * The backend connection
 * --------------------------------------------------------------------- */

/* Connect the backend connection to the inner port. */
static void inner_open(void)
{
    char err[256];

    inner_fd = net_connect(inner_addr, 5000, err, sizeof err);
    if (inner_fd < 0) die("inner port: %s", err);
    if (net_nonblock(inner_fd) < 0) die("fcntl: %s", strerror(errno));
}

/* Queue bytes for the inner port. */
static void inner_bytes(const char *p, size_t n)
{
    if (out.off > 0 && out.off == out.len) out.off = out.len = 0;
    if (n > out.cap - out.len) {
        while (n > out.cap - out.len) out.cap = out.cap ? out.cap * 2 : 65536;
        out.data = realloc(out.data, out.cap);
        if (out.data == NULL) die("out of memory");
    }
    memcpy(out.data + out.len, p, n);
    out.len += n;
}

/* Queue one request line (a newline is added). */
static void inner_line(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    line[n++] = '\n';
    inner_bytes(line, (size_t)n);
}

/* Write what the inner socket takes of the queued lines. */
static void inner_write(void)
{
    while (out.off < out.len) {
        ssize_t n = write(inner_fd, out.data + out.off, out.len - out.off);

        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return;
        if (n <= 0) die("inner port: write: %s", strerror(errno));
        out.off += (size_t)n;
    }
    out.off = out.len = 0;
}

/* Read replies; each whole line goes to on_reply. */
static void inner_read(void)
{
    ssize_t n = read(inner_fd, rbuf, sizeof rbuf);
    size_t i, start = 0;

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) die("inner port: %s", n ? strerror(errno) : "closed");
    for (i = 0; i < (size_t)n; i++) {
        if (rbuf[i] != '\n') continue;
        if (nreply + (i - start) >= sizeof reply) die("reply too long");
        memcpy(reply + nreply, rbuf + start, i - start);
        nreply += i - start;
        reply[nreply] = '\0';
        replies++;
        on_reply(reply, nreply);
        nreply = 0;
        start = i + 1;
    }
    if (nreply + ((size_t)n - start) >= sizeof reply) die("reply too long");
    memcpy(reply + nreply, rbuf + start, (size_t)n - start);
    nreply += (size_t)n - start;
    last_progress = now_ns();
}

/* ------------------------------------------------------------------------
 * The loop
 * --------------------------------------------------------------------- */

/* Wait once (at most timeout_ms) and handle what is ready. Starts
 * connects for idle pages while fewer than CONNECTING_MAX are under way. */
static void pump(int timeout_ms)
{
    size_t i, n = 0, connecting = 0;
    int rc;

    for (i = 0; i < npages; i++)
        if (pages[i].state == P_CONNECT || pages[i].state == P_HEAD)
            connecting++;
    for (i = 0; i < npages; i++) {
        page *p = &pages[i];

        if (p->state == P_IDLE && connecting < CONNECTING_MAX) {
            page_connect(i);
            connecting++;
        }
        if (p->fd < 0) continue;
        pfds[n].fd = p->fd;
        pfds[n].events = p->state == P_CONNECT ? POLLOUT : POLLIN;
        pfd_page[n++] = i;
    }
    if (inner_fd >= 0) {
        pfds[n].fd = inner_fd;
        pfds[n].events = POLLIN | (out.off < out.len ? POLLOUT : 0);
        pfd_page[n++] = (size_t)-1;
    }
    rc = poll(pfds, (nfds_t)n, timeout_ms);
    if (rc < 0 && errno != EINTR) die("poll: %s", strerror(errno));
    for (i = 0; rc > 0 && i < n; i++) {
        size_t k = pfd_page[i];

        if (pfds[i].revents == 0) continue;
        if (k == (size_t)-1) {
            if (pfds[i].revents & POLLOUT) inner_write();
            if (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) inner_read();
        } else if (pages[k].state == P_CONNECT) {
            page_send_head(k);
        } else {
            page_read(k);
        }
    }
    if (now_ns() - last_progress > (int64_t)STALL_MS * 1000000)
        die("stalled: %lu frames, %lu replies, %lu pages upgraded in this "
            "phase", frames, replies, opened);
}

/* Allocate n pages, idle until pump() connects them. */
static void pages_init(size_t n)
{
    size_t i;

    pages = calloc(n, sizeof *pages);
    pfds = calloc(n + 1, sizeof *pfds);
    pfd_page = calloc(n + 1, sizeof *pfd_page);
    if (!pages || !pfds || !pfd_page) die("out of memory");
    for (i = 0; i < n; i++) pages[i].fd = -1;
    npages = n;
}

/* Upgrade every page. */
static void pages_open(void)
{
    opened = 0;
    last_progress = now_ns();
    while (opened < npages) pump(1000);
}

/* Close every page. */
static void pages_close(void)
{
    size_t i;

    for (i = 0; i < npages; i++)
        if (pages[i].fd >= 0) {
            close(pages[i].fd);
            pages[i].fd = -1;
            pages[i].state = P_DONE;
        }
}

/* ------------------------------------------------------------------------
 * Binding: send each page's uid, then ask "online" until all are bound
 * --------------------------------------------------------------------- */

static size_t *unbound;             /* pages asked about this round */
static size_t nunbound, nfailed;

/* "online u<i>": "ok 1" once bound; "fail" asks again next round. */
static void on_online_reply(const char *line, size_t len)
{
    size_t i = unbound[replies - 1];

    (void)len;
    if (strcmp(line, "ok 1") == 0) return;
    if (strcmp(line, "fail") != 0) die("online u%zu: reply '%s'", i, line);
    unbound[nfailed++] = i;        /* replies - 1 >= nfailed: safe */
}

/* Send every page's uid, then ask "online" until all are bound. */
static void bind_pages(void)
{
    char uid[32];
    size_t i;
    int rounds;

    for (i = 0; i < npages; i++) {
        snprintf(uid, sizeof uid, "u%zu", i);
        page_send_text(i, uid);
    }
    unbound = malloc(npages * sizeof *unbound);
    if (unbound == NULL) die("out of memory");
    for (i = 0; i < npages; i++) unbound[i] = i;
    nunbound = npages;
    on_reply = on_online_reply;
    for (rounds = 0; nunbound > 0; rounds++) {
        struct timespec ts = { 0, 20 * 1000000 };

        if (rounds == 250) die("%zu pages still unbound", nunbound);
        if (rounds > 0) nanosleep(&ts, NULL);
        replies = nfailed = 0;
        for (i = 0; i < nunbound; i++) inner_line("online u%zu", unbound[i]);
        inner_write();
        last_progress = now_ns();
        while (replies < nunbound) pump(1000);
        nunbound = nfailed;
    }
    free(unbound);
}

/* ------------------------------------------------------------------------
 * Scenarios
 * --------------------------------------------------------------------- */

/* Write v in decimal at p; returns the end. */
static char *put_ulong(char *p, unsigned long v)
{
    char t[24];
    int k = 0;

    do t[k++] = (char)('0' + v % 10); while (v /= 10);
    while (k > 0) *p++ = t[--k];
    return p;
}

/* Push line k, {"uid":"u<page>","n":<number>}, at p (64 bytes). Built by
 * hand, not by printf: the generator must cost little next to the
 * server. Returns its length. */
static size_t push_text(char *p, unsigned long page, unsigned long number)
{
    char *e = p;

    memcpy(e, "{\"uid\":\"u", 9);
    e = put_ulong(e + 9, page);
    memcpy(e, "\",\"n\":", 6);
    e = put_ulong(e + 6, number);
    *e++ = '}';
    return (size_t)(e - p);
}

/* A frame at page i during a push run: it must be the next one owed. */
static void on_push_frame(size_t i, const uint8_t *b, size_t len)
{
    char want[64];
    size_t n = push_text(want, i, pages[i].next);

    if (n != len || memcmp(want, b, len) != 0)
        die("page u%zu: expected %.*s, got %.*s", i, (int)n, want, (int)len,
            (const char *)b);
    pages[i].next++;
}

/* Every push has a page, so every reply must be "ok". */
static void on_push_reply(const char *line, size_t len)
{
    (void)len;
    if (strcmp(line, "ok") != 0)
        die("push %lu: reply '%s'", replies - 1, line);
}

/* M pushes round-robin over the pages, at most window unanswered.
 * Returns the seconds from the first line written until the last reply
 * and the last frame were read. */
static double push_run(unsigned long m, unsigned long window)
{
    unsigned long sent = 0, i;
    int64_t t0;

    for (i = 0; i < npages; i++) pages[i].next = 0;
    on_reply = on_push_reply;
    on_frame = on_push_frame;
    replies = frames = 0;
    last_progress = t0 = now_ns();
    while (replies < m || frames < m) {
        while (sent < m && sent - replies < window) {
            char line[64];
            size_t n = push_text(line, sent % npages, sent / npages);

            line[n++] = '\n';
            inner_bytes(line, n);
            sent++;
        }
        inner_write();
        pump(1000);
    }
    for (i = 0; i < npages; i++)
        if (pages[i].next != m / npages + (i < m % npages))
            die("page u%lu: %lu frames", i, pages[i].next);
    return (double)(now_ns() - t0) / 1e9;
}

static unsigned long bcast_k;       /* the broadcast in flight */
static unsigned long bcast_got;     /* pages that have it */

/* A frame at page i during broadcasts: the one in flight, once. */
static void on_bcast_frame(size_t i, const uint8_t *b, size_t len)
{
    char want[32];
    int n = snprintf(want, sizeof want, "b%lu", bcast_k);

    if ((size_t)n != len || memcmp(want, b, len) != 0)
        die("page u%zu: expected %s, got %.*s", i, want, (int)len,
            (const char *)b);
    pages[i].bcast++;
    bcast_got++;
}

/* A broadcast reaches every page: "ok N" with N all of them. */
static void on_bcast_reply(const char *line, size_t len)
{
    char want[32];

    (void)len;
    snprintf(want, sizeof want, "ok %zu", npages);
    if (strcmp(line, want) != 0)
        die("broadcast %lu: reply '%s', expected '%s'", bcast_k, line, want);
}

/* qsort() order for latencies. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Print the usage and exit 2. */
static void usage(void)
{
    fprintf(stderr,
        "usage: wsbench push|broadcast|handshake|memory --ws HOST:PORT\n"
        "               [--inner HOST:PORT] [-n PAGES] [-m COUNT]\n"
        "               [--window LINES] [--pid PID]\n");
    exit(2);
}

/* RSS of a process in KiB: from ps(1) (POSIX -o rss), or where ps is
 * missing (a slim container) from Linux's /proc/PID/status. */
static long rss_kb(long pid)
{
    char cmd[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(cmd, sizeof cmd, "ps -o rss= -p %ld 2>/dev/null", pid);
    f = popen(cmd, "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &kb) != 1) kb = -1;
        pclose(f);
    }
    if (kb >= 0) return kb;
    snprintf(cmd, sizeof cmd, "/proc/%ld/status", pid);
    f = fopen(cmd, "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld", &kb) == 1) break;
    if (f != NULL) fclose(f);
    if (kb < 0) die("cannot read the RSS of process %ld", pid);
    return kb;
}

/* Sleep ms milliseconds. */
static void pause_ms(long ms)
{
    struct timespec ts;

    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000;
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
    const char *mode, *ws = NULL;
    unsigned long n = 10, m = 1000, window = 2000;
    long pid = 0;
    struct addrinfo hints;
    struct rlimit rl;
    char host[256], *port;
    int i;

    if (argc < 2) usage();
    mode = argv[1];
    for (i = 2; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (v == NULL) usage();
        if (!strcmp(argv[i], "--ws")) ws = v;
        else if (!strcmp(argv[i], "--inner")) inner_addr = v;
        else if (!strcmp(argv[i], "-n")) n = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "-m")) m = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--window")) window = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--pid")) pid = strtol(v, NULL, 10);
        else usage();
    }
    if (ws == NULL || n == 0 || window == 0) usage();
    if (strcmp(mode, "handshake") != 0 && inner_addr == NULL) usage();
    if (!strcmp(mode, "memory") && pid <= 0) usage();

    /* Each page is a descriptor: raise the soft limit to the hard one. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        rl.rlim_cur < n + 16)
        die("ulimit -n is %lu, %lu pages need more", (unsigned long)rl.rlim_cur,
            n);

    snprintf(host, sizeof host, "%s", ws);
    port = strrchr(host, ':');
    if (port == NULL) usage();
    *port++ = '\0';
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &ws_ai) != 0)
        die("cannot resolve %s", ws);

    pages_init(n);
    if (!strcmp(mode, "push")) {
        double secs;

        inner_open();
        pages_open();
        bind_pages();
        secs = push_run(m, window);
        printf("{\"scenario\":\"push\",\"n\":%lu,\"m\":%lu,\"seconds\":%.4f,"
               "\"rate\":%.0f}\n", n, m, secs, m / secs);
    } else if (!strcmp(mode, "broadcast")) {
        double *lat = malloc(m * sizeof *lat);
        unsigned long k;

        if (lat == NULL) die("out of memory");
        inner_open();
        pages_open();
        bind_pages();
        on_reply = on_bcast_reply;
        on_frame = on_bcast_frame;
        for (k = 0; k < m; k++) {
            int64_t t0 = now_ns();

            bcast_k = k;
            bcast_got = replies = 0;
            inner_line("broadcast b%lu", k);
            inner_write();
            last_progress = t0;
            while (bcast_got < n || replies < 1) pump(1000);
            lat[k] = (double)(now_ns() - t0) / 1e6;
        }
        /* Every latency too, so that runs can be pooled. */
        printf("{\"scenario\":\"broadcast\",\"n\":%lu,\"m\":%lu,"
               "\"lat_ms\":[", n, m);
        for (k = 0; k < m; k++) printf("%s%.3f", k ? "," : "", lat[k]);
        qsort(lat, m, sizeof *lat, cmp_double);
        printf("],\"p50_ms\":%.3f,\"p99_ms\":%.3f}\n",
               lat[(m - 1) / 2], lat[(m * 99 + 99) / 100 - 1]);
        free(lat);
    } else if (!strcmp(mode, "handshake")) {
        double secs = 0;
        unsigned long w, k;

        /* -m waves: open n pages (each kept open until all are), close
         * them all, let the server see them go, again. Only the opening
         * is timed. */
        for (w = 0; w < m; w++) {
            int64_t t0 = now_ns();

            for (k = 0; k < n; k++) pages[k].state = P_IDLE;
            pages_open();
            secs += (double)(now_ns() - t0) / 1e9;
            pages_close();
            if (w + 1 < m) pause_ms(300);
        }
        printf("{\"scenario\":\"handshake\",\"n\":%lu,\"waves\":%lu,"
               "\"seconds\":%.4f,\"rate\":%.0f}\n", n, m, secs, n * m / secs);
    } else if (!strcmp(mode, "memory")) {
        long idle, bound, after;
        double secs;

        idle = rss_kb(pid);
        inner_open();
        pages_open();
        bind_pages();
        pause_ms(300);
        bound = rss_kb(pid);
        secs = push_run(m, window);
        pause_ms(300);
        after = rss_kb(pid);
        printf("{\"scenario\":\"memory\",\"n\":%lu,\"idle_kb\":%ld,"
               "\"bound_kb\":%ld,\"after_kb\":%ld,\"per_page_bytes\":%.0f,"
               "\"push_rate\":%.0f}\n", n, idle, bound, after,
               (bound - idle) * 1024.0 / n, m / secs);
    } else {
        usage();
    }
    pages_close();
    if (inner_fd >= 0) close(inner_fd);
    free(pages);
    free(pfds);
    free(pfd_page);
    free(out.data);
    freeaddrinfo(ws_ai);
    return 0;
}
