/* auth.c -- the page secret, the inner secret and the Origin allow-list.
 *
 * Loading reads everything into a scratch copy of the config and copies
 * it over the live one only when all of it is good: that is what lets the
 * same call serve at start-up and on reload (SIGHUP), where a half-edited
 * file must not leave the server with half a configuration. Secrets are
 * held in fixed arrays and wiped from scratch buffers after use; nothing
 * here allocates. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "hmac.h"
#include "net.h"

/* Longest origin on the allow-list, and longest line of an origin file. */
#define ORIGIN_MAX 255
#define ORIGIN_LINE_MAX 1024

/* Overwrite n bytes with zeros in a way the compiler keeps. */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;

    while (n--) *v++ = 0;
}

/* ------------------------------------------------------------------------
 * Secrets
 * --------------------------------------------------------------------- */

/* Read at most size bytes of a secret file into buf; set *n. The file must
 * be a regular file that others can neither read nor write: a secret any
 * local user can read protects nothing. Returns 0, or -1 with err set. */
static int read_secret_file(const char *what, const char *path, char *buf,
                            size_t size, size_t *n, char *err, size_t errlen)
{
    struct stat st;
    ssize_t r = 0;
    int fd = open(path, O_RDONLY | O_NOCTTY);

    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s %s: %s", what, path,
                 strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s %s is not a regular file", what, path);
        close(fd);
        return -1;
    }
    if (st.st_mode & S_IRWXO) {
        snprintf(err, errlen, "%s %s is open to other users (mode %04o): "
                 "run chmod o-rwx on it", what, path,
                 (unsigned)(st.st_mode & 07777));
        close(fd);
        return -1;
    }
    *n = 0;
    while (*n < size && (r = read(fd, buf + *n, size - *n)) != 0) {
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) break;
        *n += (size_t)r;
    }
    close(fd);
    if (r < 0) {
        snprintf(err, errlen, "cannot read %s %s: %s", what, path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

/* Load one secret from path, or else from the environment variable env,
 * into out; *outlen is 0 if neither is set. Returns 0, or -1 with err. */
static int load_secret(const char *what, const char *path, const char *env,
                       uint8_t out[AUTH_SECRET_MAX], size_t *outlen,
                       char *err, size_t errlen)
{
    /* Room for a final CR LF and one byte more, to tell "too long". */
    char buf[AUTH_SECRET_MAX + 3], label[300];
    const char *v;
    size_t n;
    int rc = -1;

    if (path) {
        snprintf(label, sizeof label, "%s %s", what, path);
        if (read_secret_file(what, path, buf, sizeof buf, &n, err,
                             errlen) < 0)
            goto done;
    } else if ((v = getenv(env)) != NULL) {
        snprintf(label, sizeof label, "%s", env);
        n = strlen(v);
        if (n > sizeof buf) n = sizeof buf;
        memcpy(buf, v, n);
    } else {
        *outlen = 0;
        return 0;
    }
    /* One final LF or CR LF ends the line; it is not part of the secret. */
    if (n > 0 && buf[n - 1] == '\n') {
        n--;
        if (n > 0 && buf[n - 1] == '\r') n--;
    }
    if (memchr(buf, '\n', n) || memchr(buf, '\r', n) || memchr(buf, 0, n))
        snprintf(err, errlen, "%s: the secret must be one line, without "
                 "NUL bytes", label);
    else if (n < AUTH_SECRET_MIN)
        snprintf(err, errlen, "%s: the secret is shorter than %d bytes",
                 label, AUTH_SECRET_MIN);
    else if (n > AUTH_SECRET_MAX)
        snprintf(err, errlen, "%s: the secret is longer than %d bytes",
                 label, AUTH_SECRET_MAX);
    else {
        memcpy(out, buf, n);
        *outlen = n;
        rc = 0;
    }
done:
    wipe(buf, sizeof buf);
    return rc;
}

/* ------------------------------------------------------------------------
 * The Origin allow-list
 * --------------------------------------------------------------------- */

/* Is p[0..n) an origin as browsers send it (RFC 6454 §6.2): "null", or
 * scheme "://" host, and maybe ":" port, with no path? Only visible ASCII
 * (browsers send a host in Punycode). */
static int origin_form(const char *p, size_t n)
{
    size_t i, host = 0;

    if (n == 0 || n > ORIGIN_MAX) return 0;
    for (i = 0; i < n; i++)
        if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7F)
            return 0;
    if (n == 4 && memcmp(p, "null", 4) == 0) return 1;
    for (i = 1; i + 3 <= n; i++)
        if (memcmp(p + i, "://", 3) == 0) {
            host = i + 3;
            break;
        }
    if (host == 0 || host == n) return 0;
    for (i = host; i < n; i++)
        if (p[i] == '/' || p[i] == '?' || p[i] == '#') return 0;
    return 1;
}

/* Append origin p[0..n) to a's list. Returns 0, or -1 with err set. */
static int add_allowed(auth_config *a, const char *from, const char *p,
                       size_t n, char *err, size_t errlen)
{
    size_t used = 0, i;

    if (!origin_form(p, n)) {
        snprintf(err, errlen, "%s: '%.*s' is not an origin (expected "
                 "scheme://host or scheme://host:port without a path, "
                 "e.g. https://example.com, or null)", from,
                 (int)(n > ORIGIN_MAX ? ORIGIN_MAX : n), p);
        return -1;
    }
    for (i = 0; i < a->norigins; i++)
        used += strlen(a->origins + used) + 1;
    if (a->norigins == AUTH_MAX_ORIGINS ||
        n + 1 > sizeof a->origins - used) {
        snprintf(err, errlen, "%s: too many origins (at most %d, %d bytes)",
                 from, AUTH_MAX_ORIGINS, AUTH_ORIGINS_BYTES);
        return -1;
    }
    memcpy(a->origins + used, p, n);
    a->origins[used + n] = '\0';
    a->norigins++;
    return 0;
}

/* Add the origins listed in a file: one a line, white space around it
 * ignored, blank lines and '#' comments skipped. Returns 0, or -1. */
static int read_origin_file(auth_config *a, const char *path, char *err,
                            size_t errlen)
{
    char line[ORIGIN_LINE_MAX + 2], from[300];
    FILE *f = fopen(path, "r");
    int lineno = 0, rc = 0;

    if (f == NULL) {
        snprintf(err, errlen, "cannot open origin file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    while (rc == 0 && fgets(line, sizeof line, f) != NULL) {
        size_t n = strlen(line);
        char *p = line;

        lineno++;
        snprintf(from, sizeof from, "%s:%d", path, lineno);
        if (n > 0 && line[n - 1] != '\n' && !feof(f)) {
            snprintf(err, errlen, "%s: line too long", from);
            rc = -1;
            break;
        }
        while (n > 0 && strchr(" \t\r\n", line[n - 1])) n--;
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        if (n == 0 || *p == '#') continue;
        rc = add_allowed(a, from, p, n, err, errlen);
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "cannot read origin file %s", path);
        rc = -1;
    }
    fclose(f);
    return rc;
}

int auth_add_origin(auth_config *a, const char *origin)
{
    if (a->norigin_args == AUTH_MAX_ORIGINS) return -1;
    a->origin_args[a->norigin_args++] = origin;
    return 0;
}

int auth_origin_allowed(const auth_config *a, const char *origin, size_t len)
{
    const char *e = a->origins;
    size_t i;

    if (a->norigins == 0 || origin == NULL) return 1;
    for (i = 0; i < a->norigins; i++) {
        size_t n = strlen(e);

        if (n == len && memcmp(e, origin, len) == 0) return 1;
        e += n + 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Loading
 * --------------------------------------------------------------------- */

/* Safe to call again on reload (SIGHUP), on the live config: see auth.h.
 * Nothing else needs redoing, since a page reads the secret when it binds
 * and the allow-list when it upgrades, and a backend reads the inner
 * secret when it sends its first line. */
int auth_load(auth_config *a, char *err, size_t errlen)
{
    static auth_config next;   /* static: 6 KB off the stack */
    size_t i;
    int rc = -1;

    next = *a;
    next.norigins = 0;
    for (i = 0; i < next.norigin_args; i++)
        if (add_allowed(&next, "--origin", next.origin_args[i],
                        strlen(next.origin_args[i]), err, errlen) < 0)
            goto done;
    if (next.origin_file &&
        read_origin_file(&next, next.origin_file, err, errlen) < 0)
        goto done;
    if (load_secret("secret file", next.secret_file, "WSPUSH_SECRET",
                    next.secret, &next.secret_len, err, errlen) < 0 ||
        load_secret("inner secret file", next.inner_secret_file,
                    "WSPUSH_INNER_SECRET", next.inner_secret,
                    &next.inner_secret_len, err, errlen) < 0)
        goto done;
    *a = next;
    rc = 0;
done:
    wipe(&next, sizeof next);
    return rc;
}

/* ------------------------------------------------------------------------
 * The inner secret
 * --------------------------------------------------------------------- */

const char *auth_inner_check(const auth_config *a, const char *line,
                             size_t len)
{
    if (len < 5 || memcmp(line, "auth ", 5) != 0) return "auth required";
    /* The length of the secret is no secret; its bytes are compared in
     * constant time. */
    if (len - 5 != a->inner_secret_len ||
        !hmac_equal(line + 5, a->inner_secret, a->inner_secret_len))
        return "bad auth";
    return NULL;
}

int auth_client_hello(const auth_config *a, int fd, char *err, size_t errlen)
{
    char line[AUTH_SECRET_MAX + 8], reply[512];
    size_t n = 0, off = 0;
    ssize_t r;

    if (a->inner_secret_len == 0) return 0;
    memcpy(line, "auth ", 5);
    memcpy(line + 5, a->inner_secret, a->inner_secret_len);
    n = 5 + a->inner_secret_len;
    line[n++] = '\n';
    while (off < n) {
        r = write(fd, line + off, n - off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        off += (size_t)r;
    }
    wipe(line, sizeof line);
    if (off < n) {
        snprintf(err, errlen, "write: %s", strerror(errno));
        return -1;
    }
    /* Byte by byte: the server sends nothing after this line until our
     * next request, but what follows is the caller's to read. */
    for (n = 0; n < sizeof reply - 1; ) {
        r = read(fd, reply + n, 1);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0 || reply[n] == '\n') break;
        n++;
    }
    reply[n] = '\0';
    if (r > 0 && strcmp(reply, "ok") == 0) return 0;
    if (n > 0)
        snprintf(err, errlen, "inner port refused the inner secret: %s",
                 reply);
    else
        snprintf(err, errlen, "no reply to auth: %s", r == 0 ?
                 "connection closed" : strerror(errno));
    return -1;
}

/* ------------------------------------------------------------------------
 * Start-up warnings
 * --------------------------------------------------------------------- */

/* Is the socket bound to a loopback address, or a Unix domain socket?
 * The wildcard address (0.0.0.0, ::) is not: it listens on every
 * interface. */
static int local_only(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) return 0;
    if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;

        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a6 =
            &((const struct sockaddr_in6 *)&ss)->sin6_addr;

        return IN6_IS_ADDR_LOOPBACK(a6) ||
               (IN6_IS_ADDR_V4MAPPED(a6) && a6->s6_addr[12] == 127);
    }
    return ss.ss_family == AF_UNIX;
}

void auth_warn(const auth_config *a, int ws_fd, int inner_fd,
               void (*log)(const char *level, const char *fmt, ...))
{
    char name[NET_NAME_MAX];

    if (a->secret_len == 0 && !local_only(ws_fd)) {
        net_local_name(ws_fd, name, sizeof name);
        log("warning", "no secret (--secret-file or WSPUSH_SECRET) and the "
            "WebSocket port %s is not loopback: any page can claim any uid "
            "(the seed's demo mode)", name);
    }
    if (a->inner_secret_len == 0 && !local_only(inner_fd)) {
        net_local_name(inner_fd, name, sizeof name);
        log("warning", "the inner port %s is not loopback and has no inner "
            "secret (--inner-secret-file or WSPUSH_INNER_SECRET): anyone "
            "who reaches it can push to any page", name);
    }
}
