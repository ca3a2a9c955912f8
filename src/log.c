/* log.c -- the server's log lines, and the log file behind them.
 *
 * Everything goes to file descriptor 2. With a log file, that descriptor
 * is the file: log_open() opens it and moves it onto 2 with dup2(), and
 * log_reopen() does the same again by name, which is how a rotation
 * (rename the file, then SIGHUP) gets a fresh file without losing a
 * line. See log.h for why the descriptor stays blocking. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int log_verbose;

static const char *log_path;    /* the log file, or NULL for stderr */

/* Write one line: time, level, message, in one write() so lines from
 * this process never interleave and O_APPEND keeps each one whole. */
void log_line(const char *level, const char *fmt, ...)
{
    char line[1024];
    time_t t = time(NULL);
    struct tm tm;
    size_t n;
    int r;
    va_list ap;

    if (level[0] == 'i' && !log_verbose) return;
    n = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S ",
                 localtime_r(&t, &tm));
    r = snprintf(line + n, sizeof line - n, "%s ", level);
    if (r > 0) n += (size_t)r;
    va_start(ap, fmt);
    r = vsnprintf(line + n, sizeof line - n, fmt, ap);
    va_end(ap);
    if (r > 0) n += (size_t)r;
    if (n > sizeof line - 1) n = sizeof line - 1;   /* cut, keep the \n */
    line[n++] = '\n';
    while (write(2, line, n) < 0 && errno == EINTR) {}
}

/* Copy bytes a client chose into dst for a log line: printable ASCII as
 * is, anything else (a newline could forge a log line) as \xNN, cut with
 * "..." to fit. Returns dst. */
const char *log_escape(const uint8_t *p, size_t n, char *dst, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (o + 8 > size) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '\\')
            dst[o++] = (char)p[i];
        else
            o += (size_t)sprintf(dst + o, "\\x%02X", p[i]);
    }
    dst[o] = '\0';
    return dst;
}

/* Open path for appending and put it on descriptor 2. Returns 0, or -1
 * with the reason in err (descriptor 2 is unchanged then). */
static int open_on_stderr(const char *path, char *err, size_t errsize)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

    if (fd < 0) {
        snprintf(err, errsize, "cannot open log file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    if (fd != 2) {
        if (dup2(fd, 2) < 0) {
            snprintf(err, errsize, "cannot use log file %s: %s", path,
                     strerror(errno));
            close(fd);
            return -1;
        }
        close(fd);
    }
    return 0;
}

int log_try(const char *path, char *err, size_t errsize)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);

    if (fd < 0) {
        snprintf(err, errsize, "cannot open log file %s: %s", path,
                 strerror(errno));
        return -1;
    }
    close(fd);
    return 0;
}

int log_open(const char *path, char *err, size_t errsize)
{
    if (open_on_stderr(path, err, errsize) < 0) return -1;
    log_path = path;
    return 0;
}

int log_reopen(void)
{
    char err[512];

    if (log_path == NULL) return 0;
    if (open_on_stderr(log_path, err, sizeof err) < 0) {
        log_line("error", "reload: %s (still writing to the old file)", err);
        return -1;
    }
    return 0;
}
