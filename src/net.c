/* net.c -- sockets: address parsing, listen, connect.
 *
 * Everything here is POSIX: getaddrinfo() for names and both address
 * families, fcntl() for O_NONBLOCK and FD_CLOEXEC (accept4() and
 * SOCK_NONBLOCK would save a call but are Linux-only), and AF_UNIX for
 * "unix:PATH" addresses. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include "net.h"

#define UNIX_PREFIX "unix:"

static int connect_within(int fd, const struct sockaddr *sa, socklen_t len,
                          long timeout_ms);
static int open_unix(const char *spec, int backlog, long timeout_ms,
                     char *err, size_t errsize);

/* Split "HOST:PORT" or "[HOST]:PORT" into host and port strings; the port
 * must be 0-65535 in decimal. Returns 0, or -1 if the form is wrong. */
static int split(const char *spec, char *host, size_t hsize,
                 char *port, size_t psize)
{
    const char *colon, *hs = spec, *he;
    size_t plen;

    if (spec[0] == '[') {
        hs = spec + 1;
        he = strchr(hs, ']');
        if (he == NULL || he[1] != ':') return -1;
        colon = he + 1;
    } else {
        colon = strrchr(spec, ':');
        if (colon == NULL) return -1;
        he = colon;
        /* A bare IPv6 address needs brackets: "::1:80" is ambiguous. */
        if (memchr(spec, ':', (size_t)(colon - spec)) != NULL) return -1;
    }
    plen = strlen(colon + 1);
    if (he == hs || (size_t)(he - hs) >= hsize) return -1;
    if (plen == 0 || plen > 5 || plen >= psize) return -1;
    if (strspn(colon + 1, "0123456789") != plen) return -1;
    if (atol(colon + 1) > 65535) return -1;
    memcpy(host, hs, (size_t)(he - hs));
    host[he - hs] = '\0';
    memcpy(port, colon + 1, plen + 1);
    return 0;
}

/* Resolve spec for a stream socket (passive: for bind). Returns the list
 * for freeaddrinfo(), or NULL with err set. */
static struct addrinfo *resolve(const char *spec, int passive,
                                char *err, size_t errsize)
{
    char host[256], port[8];
    struct addrinfo hints, *res = NULL;
    int rc;

    if (split(spec, host, sizeof host, port, sizeof port) < 0) {
        snprintf(err, errsize, "bad address '%s' (expected HOST:PORT or "
                 "[IPV6]:PORT with a port from 0 to 65535)", spec);
        return NULL;
    }
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        snprintf(err, errsize, "cannot resolve '%s': %s", host,
                 gai_strerror(rc));
        return NULL;
    }
    return res;
}

int net_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) return -1;
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0) return -1;
    return 0;
}

/* connect() that gives up after timeout_ms: non-blocking, then select()
 * for writability, then SO_ERROR says how it went. Returns 0, or -1 with
 * errno set. The socket is left blocking. */
static int connect_within(int fd, const struct sockaddr *sa, socklen_t len,
                          long timeout_ms)
{
    int fl = fcntl(fd, F_GETFL), rc, soerr = 0;
    socklen_t sl = sizeof soerr;
    struct timeval tv;
    fd_set w;

    if (fl < 0 || fd >= FD_SETSIZE) return connect(fd, sa, len);
    fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    rc = connect(fd, sa, len);
    if (rc < 0 && errno == EINPROGRESS) {
        FD_ZERO(&w);
        FD_SET(fd, &w);
        tv.tv_sec = timeout_ms / 1000;
        tv.tv_usec = (timeout_ms % 1000) * 1000;
        rc = select(fd + 1, NULL, &w, NULL, &tv);
        if (rc == 0) {
            errno = ETIMEDOUT;
            rc = -1;
        } else if (rc > 0) {
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
            errno = soerr;
            rc = soerr ? -1 : 0;
        }
    }
    fcntl(fd, F_SETFL, fl);
    return rc;
}

/* Make the socket for one address ready: bind and listen with backlog
 * (a backlog above 0), or connect within timeout_ms. Returns 0, or -1
 * with errno set. */
static int attempt(int fd, const struct addrinfo *ai, int backlog,
                   long timeout_ms)
{
    int one = 1;

    if (backlog <= 0)
        return connect_within(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
        listen(fd, backlog) < 0)
        return -1;
    return net_nonblock(fd);
}

/* Resolve spec (passive when listening, backlog > 0) and return a socket
 * for the first address that attempt() gets ready (a name may resolve to
 * several), or -1 with err saying why: "cannot listen on SPEC: ..." or
 * "cannot connect to SPEC: ...". */
static int open_first(const char *spec, int backlog, long timeout_ms,
                      char *err, size_t errsize)
{
    struct addrinfo *res, *ai;
    int fd = -1, saved = 0, passive = backlog > 0;

    if (strncmp(spec, UNIX_PREFIX, sizeof UNIX_PREFIX - 1) == 0)
        return open_unix(spec, backlog, timeout_ms, err, errsize);
    res = resolve(spec, passive, err, errsize);
    if (res == NULL) return -1;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd >= 0 && attempt(fd, ai, backlog, timeout_ms) == 0) break;
        saved = errno;
        if (fd >= 0) close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errsize, "cannot %s %s: %s",
                 passive ? "listen on" : "connect to", spec, strerror(saved));
    return fd;
}

int net_listen(const char *spec, int backlog, char *err, size_t errsize)
{
    return open_first(spec, backlog > 0 ? backlog : 1, 0, err, errsize);
}

int net_connect(const char *spec, long timeout_ms, char *err, size_t errsize)
{
    struct timeval tv;
    int fd = open_first(spec, 0, timeout_ms, err, errsize);

    if (fd < 0) return -1;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    return fd;
}

/* Format a socket address as HOST:PORT, bracketing IPv6. */
static int format(const struct sockaddr *sa, socklen_t len,
                  char *buf, size_t size)
{
    char host[64], port[8];
    int n;

    if (sa->sa_family == AF_UNIX) {
        /* An unnamed socket (a client's) has no path: say so. */
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        size_t off = offsetof(struct sockaddr_un, sun_path);
        size_t plen = len > off ? strnlen(un->sun_path, len - off) : 0;

        n = snprintf(buf, size, UNIX_PREFIX "%.*s", (int)plen,
                     plen ? un->sun_path : "(client)");
        return n < 0 || (size_t)n >= size ? -1 : 0;
    }
    if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return -1;
    if (strchr(host, ':') != NULL)
        n = snprintf(buf, size, "[%s]:%s", host, port);
    else
        n = snprintf(buf, size, "%s:%s", host, port);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int net_local_name(int fd, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
    return format((struct sockaddr *)&ss, len, buf, size);
}

int net_peer_name(int fd, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0) return -1;
    return format((struct sockaddr *)&ss, len, buf, size);
}

/* ------------------------------------------------------------------------
 * Unix domain sockets
 * --------------------------------------------------------------------- */

/* Make way for bind() at path: a socket file left by a server that died
 * is removed, but only a socket file, and only if nobody answers on it.
 * Returns 0, or -1 with errno set (EADDRINUSE: a server is listening). */
static int clear_stale(const struct sockaddr_un *sa)
{
    struct stat st;
    int probe, rc, saved;

    if (lstat(sa->sun_path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    if (!S_ISSOCK(st.st_mode)) {
        errno = EEXIST;
        return -1;
    }
    probe = socket(AF_UNIX, SOCK_STREAM, 0);
    if (probe < 0) return -1;
    fcntl(probe, F_SETFL, O_NONBLOCK);
    rc = connect(probe, (const struct sockaddr *)sa, sizeof *sa);
    saved = errno;
    close(probe);
    if (rc == 0 || saved == EAGAIN || saved == EINPROGRESS) {
        errno = EADDRINUSE;
        return -1;
    }
    if (saved != ECONNREFUSED) {
        errno = saved;
        return -1;
    }
    return unlink(sa->sun_path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Listen on (backlog > 0) or connect to a Unix domain socket, spec being
 * "unix:PATH". The socket file is created with mode 0660: its permissions,
 * and its directory's, are the access control. Returns the socket, or -1
 * with err set. */
static int open_unix(const char *spec, int backlog, long timeout_ms,
                     char *err, size_t errsize)
{
    const char *path = spec + sizeof UNIX_PREFIX - 1;
    struct sockaddr_un sa;
    mode_t old;
    int fd, rc = -1, saved;

    memset(&sa, 0, sizeof sa);
    if (path[0] == '\0' || strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errsize, "bad address '%s' (expected unix:PATH, the "
                 "path 1 to %d bytes)", spec, (int)sizeof sa.sun_path - 1);
        return -1;
    }
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd >= 0 && backlog <= 0) {
        rc = connect_within(fd, (struct sockaddr *)&sa, sizeof sa,
                            timeout_ms);
    } else if (fd >= 0 && clear_stale(&sa) == 0) {
        old = umask(0117);      /* rw for the owner and the group only */
        rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
        umask(old);
        if (rc == 0) rc = listen(fd, backlog);
        if (rc == 0) rc = net_nonblock(fd);
    }
    if (rc == 0) return fd;
    saved = errno;
    if (fd >= 0) close(fd);
    snprintf(err, errsize, "cannot %s %s: %s", backlog > 0 ? "listen on" :
             "connect to", spec, saved == EEXIST ?
             "the path exists and is not a socket" : strerror(saved));
    return -1;
}

void net_unlisten(int fd, const char *spec)
{
    char name[NET_NAME_MAX + 40];

    /* A socket that never got bound to the path (its name differs)
     * leaves the file alone. */
    if (strncmp(spec, UNIX_PREFIX, sizeof UNIX_PREFIX - 1) == 0 &&
        net_local_name(fd, name, sizeof name) == 0 &&
        strcmp(name, spec) == 0)
        unlink(spec + sizeof UNIX_PREFIX - 1);
    close(fd);
}
