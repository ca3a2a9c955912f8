/* static.c -- the files of --web DIR over plain HTTP on the WebSocket
 * port, so that one URL gives the page and the socket it talks to.
 *
 * page_handshake() hands over a request head that is complete and well
 * formed but asks for no upgrade. It gets one response and the connection
 * closes the way every refusal closes (page_refuse): no keep-alive, no
 * ranges, no conditional requests. The files are a demo page, small and
 * local: one is read whole, with plain blocking reads, which for a regular
 * file of at most 1 MiB takes less time than one round of the loop. Only
 * names checked by static_resolve() reach the file system, and open() is
 * told not to follow a symbolic link, so nothing outside DIR is served. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "static.h"

/* The longest DIR accepted, so that DIR/NAME always fits a path buffer. */
#define DIR_MAX 1024

/* The reason for a missing file; "/" looks for a second name after it. */
static const char no_such_file[] = "no such file";

/* ------------------------------------------------------------------------
 * Names and types (no I/O)
 * --------------------------------------------------------------------- */

/* The value of a hex digit, or -1. */
static int hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int static_resolve(const char *target, size_t len,
                   char name[STATIC_NAME_MAX + 1], const char **reason)
{
    const char *query = memchr(target, '?', len);
    size_t i, n = 0;

    if (query) len = (size_t)(query - target);
    if (len == 0 || target[0] != '/') {
        *reason = "request target must be a path";
        return 400;
    }
    /* Decode first, judge after: %2F is a slash and %2E%2E is "..". */
    for (i = 1; i < len; i++) {
        char ch = target[i];

        if (ch == '%') {
            int hi, lo;

            if (len - i < 3 || (hi = hex(target[i + 1])) < 0 ||
                (lo = hex(target[i + 2])) < 0) {
                *reason = "bad %-escape in the path";
                return 400;
            }
            ch = (char)(hi * 16 + lo);
            i += 2;
        }
        if ((unsigned char)ch < 0x20 || ch == 0x7F) {
            *reason = "control character in the path";
            return 400;
        }
        if (ch == '/') {
            *reason = "only files directly in the web folder are served";
            return 404;
        }
        if (n == STATIC_NAME_MAX) {
            *reason = "file name too long";
            return 404;
        }
        name[n++] = ch;
    }
    name[n] = '\0';
    if (n == 0) return 0;                   /* "/": the folder's page */
    if (name[0] == '.') {
        *reason = "names starting with a dot are not served";
        return 404;
    }
    if (static_type(name) == NULL) {
        *reason = "file type not served (html, js, css, png, svg, txt)";
        return 404;
    }
    return 0;
}

const char *static_type(const char *name)
{
    static const char *const types[][2] = {
        { ".html", "text/html; charset=utf-8" },
        { ".js",   "text/javascript; charset=utf-8" },
        { ".css",  "text/css; charset=utf-8" },
        { ".png",  "image/png" },
        { ".svg",  "image/svg+xml" },
        { ".txt",  "text/plain; charset=utf-8" },
    };
    const char *ext = strrchr(name, '.');
    size_t i;

    for (i = 0; ext && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(ext, types[i][0]) == 0) return types[i][1];
    return NULL;
}

int static_check_dir(const char *dir, char *err, size_t size)
{
    struct stat st;

    if (strlen(dir) > DIR_MAX) {
        snprintf(err, size, "--web: folder name longer than %d bytes",
                 DIR_MAX);
        return -1;
    }
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
        snprintf(err, size, "--web %s: not a folder", dir);
        return -1;
    }
    if (stat(dir, &st) < 0 || access(dir, R_OK | X_OK) < 0) {
        snprintf(err, size, "--web %s: %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------
 * Answering
 * --------------------------------------------------------------------- */

/* Queue one response (headers, and the body unless head) and close.
 * extra is more header lines, each ending in CRLF. */
static void answer(server *s, conn *c, int status, const char *type,
                   const void *body, size_t n, int head, const char *extra)
{
    char hdr[512];
    int h = snprintf(hdr, sizeof hdr,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "%s"
                     "Cache-Control: no-cache\r\n"
                     "X-Content-Type-Options: nosniff\r\n"
                     "Connection: close\r\n"
                     "\r\n",
                     status, hs_status_text(status), type, n, extra);

    bytes_free(&c->in);
    if (h > 0 && (size_t)h < sizeof hdr &&
        conn_queue(s, c, hdr, (size_t)h) == 0 && !head && n > 0)
        conn_queue(s, c, body, n);
    conn_closing(s, c);
}

/* An error response: the reason and a newline as a text/plain body. */
static void answer_error(server *s, conn *c, int status, const char *reason,
                         int head, const char *extra)
{
    char body[256];
    int n = snprintf(body, sizeof body, "%s\n", reason);

    log_line("info", "%s: HTTP %d %s", c->peer, status, reason);
    answer(s, c, status, "text/plain; charset=utf-8", body,
           n > 0 && (size_t)n < sizeof body ? (size_t)n : 0, head, extra);
}

/* Open dir/name for reading, if it is a regular file: not a link
 * (O_NOFOLLOW), not a FIFO or device (O_NONBLOCK keeps open() itself from
 * waiting on one, then fstat() tells). Returns the fd, or -1 with *status
 * and *reason set. */
static int open_file(const char *dir, const char *name, struct stat *st,
                     int *status, const char **reason)
{
    char path[DIR_MAX + STATIC_NAME_MAX + 2];
    int fd, len = snprintf(path, sizeof path, "%s/%s", dir, name);

    *status = 404;
    *reason = "file cannot be read";
    if (len < 0 || (size_t)len >= sizeof path) return -1;
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) {
        *reason = errno == ENOENT ? no_such_file :
                  errno == ELOOP ? "symbolic links are not served" :
                  "file cannot be read";
        return -1;
    }
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        *reason = "not a regular file";
    } else if (st->st_size > STATIC_MAX_FILE) {
        *status = 403;
        *reason = "file larger than 1 MiB, not served";
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

/* Read up to max bytes of fd into a new block. Returns it (free it), with
 * the count read in *n, or NULL if memory ran out or a read failed. */
static char *read_file(int fd, size_t max, size_t *n)
{
    char *buf = malloc(max > 0 ? max : 1);

    *n = 0;
    while (buf != NULL && *n < max) {
        ssize_t r = read(fd, buf + *n, max - *n);

        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            free(buf);
            return NULL;
        }
        if (r == 0) break;          /* it shrank meanwhile: send what is */
        *n += (size_t)r;
    }
    return buf;
}

void static_serve(server *s, conn *c, const hs_request *req)
{
    const char *dir = s->cfg->web_dir, *method = (const char *)c->in.data;
    const char *reason, *sp = memchr(method, ' ', req->length);
    size_t mlen = sp ? (size_t)(sp - method) : 0, n;
    int head = mlen == 4 && memcmp(method, "HEAD", 4) == 0;
    int status, fd;
    char name[STATIC_NAME_MAX + 1], shown[80], *body;
    struct stat st;

    log_line("info", "%s: plain HTTP %s", c->peer,
             log_escape(c->in.data, req->target + req->target_len - method,
                        shown, sizeof shown));
    if (!head && !(mlen == 3 && memcmp(method, "GET", 3) == 0)) {
        answer_error(s, c, 405, "only GET and HEAD are served here", 0,
                     "Allow: GET, HEAD\r\n");
        return;
    }
    status = static_resolve(req->target, req->target_len, name, &reason);
    if (status != 0) {
        answer_error(s, c, status, reason, head, "");
        return;
    }
    if (name[0] != '\0') {
        fd = open_file(dir, name, &st, &status, &reason);
    } else {
        /* "/": index.html if the folder has one, else web.html. */
        strcpy(name, "index.html");
        fd = open_file(dir, name, &st, &status, &reason);
        if (fd < 0 && reason == no_such_file) {
            strcpy(name, "web.html");
            fd = open_file(dir, name, &st, &status, &reason);
        }
    }
    if (fd < 0) {
        answer_error(s, c, status, reason, head, "");
        return;
    }
    body = read_file(fd, (size_t)st.st_size, &n);
    close(fd);
    if (body == NULL) {
        answer_error(s, c, 500, "file cannot be read", head, "");
        return;
    }
    log_line("info", "%s: HTTP 200 %s (%zu bytes)", c->peer, name, n);
    answer(s, c, 200, static_type(name), body, n, head, "");
    free(body);
}
