/* daemon.c -- process life: the pid file, going to the background, and
 * the stop, status and reload commands.
 *
 * The pid file is locked (fcntl() F_SETLK) by the server for as long as
 * it runs; see daemon.h. One rule of POSIX record locks shapes this file:
 * closing ANY descriptor of a file drops every lock the process holds on
 * it, so the server never opens its own pid file a second time. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "loop.h"
#include "net.h"

/* Room for a path made absolute, and for its temporary sibling. */
#define PATH_ROOM 4096

static const char *pid_path;    /* our pid file, once created */
static int pid_fd = -1;         /* open and write-locked while we run */
static const char *daemon_log;  /* the daemon's log file, or NULL */

/* ------------------------------------------------------------------------
 * The pid file
 * --------------------------------------------------------------------- */

/* Ask for (F_SETLK) or about (F_GETLK) a write lock on the whole file. */
static int whole_file_lock(int fd, int cmd, struct flock *fl)
{
    memset(fl, 0, sizeof *fl);
    fl->l_type = F_WRLCK;
    fl->l_whence = SEEK_SET;
    return fcntl(fd, cmd, fl);
}

int pidfile_read(const char *path, long *pid)
{
    struct flock fl;
    int fd = open(path, O_RDONLY), saved;

    if (fd < 0) return errno == ENOENT ? PIDFILE_NONE : -1;
    if (whole_file_lock(fd, F_GETLK, &fl) < 0) {
        saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    close(fd);
    if (fl.l_type == F_UNLCK) return PIDFILE_STALE;
    *pid = (long)fl.l_pid;      /* the lock knows its holder */
    return PIDFILE_LIVE;
}

/* Put the locked temporary file tmp in place at path, unless a live
 * server holds path. link() fails if path exists, so two servers cannot
 * both create it; a stale file is locked by us before it is replaced, so
 * two servers cannot both replace it. Returns 0, or -1 with err set. */
static int put_in_place(const char *tmp, const char *path, char *err,
                        size_t errsize)
{
    struct flock fl;
    int tries, old;

    for (tries = 0; tries < 3; tries++) {
        if (link(tmp, path) == 0) {
            unlink(tmp);
            return 0;
        }
        /* EEXIST, or a file system without hard links: look at it. */
        old = open(path, O_RDWR);
        if (old < 0 && errno == ENOENT) continue;   /* just removed */
        if (old < 0) {
            snprintf(err, errsize, "cannot open pid file %s: %s", path,
                     strerror(errno));
            return -1;
        }
        if (whole_file_lock(old, F_SETLK, &fl) < 0) {
            if (whole_file_lock(old, F_GETLK, &fl) == 0 &&
                fl.l_type != F_UNLCK)
                snprintf(err, errsize, "already running as pid %ld "
                         "(pid file %s)", (long)fl.l_pid, path);
            else
                snprintf(err, errsize, "pid file %s is in use", path);
            close(old);
            return -1;
        }
        /* Stale, and ours now: replace it. */
        if (rename(tmp, path) < 0) {
            snprintf(err, errsize, "cannot replace pid file %s: %s", path,
                     strerror(errno));
            close(old);
            return -1;
        }
        close(old);
        return 0;
    }
    snprintf(err, errsize, "pid file %s keeps changing", path);
    return -1;
}

int pidfile_create(const char *path, char *err, size_t errsize)
{
    char tmp[PATH_ROOM + 32], line[32];
    struct flock fl;
    int fd, n;

    n = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        snprintf(err, errsize, "pid file path too long");
        return -1;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        snprintf(err, errsize, "cannot create pid file %s: %s", tmp,
                 strerror(errno));
        return -1;
    }
    n = snprintf(line, sizeof line, "%ld\n", (long)getpid());
    if (whole_file_lock(fd, F_SETLK, &fl) < 0 ||
        write(fd, line, (size_t)n) != n) {
        snprintf(err, errsize, "cannot write pid file %s: %s", tmp,
                 strerror(errno));
        goto fail;
    }
    if (put_in_place(tmp, path, err, errsize) < 0) goto fail;
    pid_fd = fd;
    pid_path = path;
    return 0;
fail:
    unlink(tmp);
    close(fd);
    return -1;
}

void pidfile_remove(void)
{
    struct stat here, ours;

    if (pid_fd < 0) return;
    /* Remove the file only if it is still the one we wrote. */
    if (stat(pid_path, &here) == 0 && fstat(pid_fd, &ours) == 0 &&
        here.st_dev == ours.st_dev && here.st_ino == ours.st_ino)
        unlink(pid_path);
    close(pid_fd);
    pid_fd = -1;
}

int daemon_abspath(const char *path, char *out, size_t size)
{
    size_t n;
    int r;

    if (path[0] == '/') {
        if (strlen(path) >= size) return -1;
        strcpy(out, path);
        return 0;
    }
    if (getcwd(out, size) == NULL) return -1;
    n = strlen(out);
    r = snprintf(out + n, size - n, "%s%s", out[n - 1] == '/' ? "" : "/",
                 path);
    return r < 0 || (size_t)r >= size - n ? -1 : 0;
}

/* ------------------------------------------------------------------------
 * Going to the background
 * --------------------------------------------------------------------- */

/* Write all n bytes to fd. Errors are ignored: there is nowhere to
 * report them. */
static void put(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

/* The process that ran "wspush -d": collect the daemon's standard output
 * (out: the "listening" lines) until the NUL that says it is serving,
 * and copy it to ours; copy what it wrote on standard error (err) to
 * ours. Returns the exit status: 0 once the daemon is serving, 1 if it
 * exited first (its "listening" lines are dropped then: it is not). */
static int launcher(int out, int err)
{
    char buf[4096];
    size_t have = 0;
    ssize_t n;
    int ready = 0;

    while (!ready && (n = read(out, buf + have, sizeof buf - have)) != 0) {
        char *nul;

        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        nul = memchr(buf + have, '\0', (size_t)n);
        have += (size_t)n;
        if (nul != NULL) {
            ready = 1;
            have = (size_t)(nul - buf);
        }
        if (have == sizeof buf) {           /* more than "listening" */
            put(1, buf, have);
            have = 0;
        }
    }
    if (ready) put(1, buf, have);
    /* Once the daemon is ready, what it wrote on stderr before is in the
     * pipe already; do not wait for EOF there (a tool like valgrind may
     * keep a copy of that descriptor open). */
    if (ready) net_nonblock(err);
    while ((n = read(err, buf, sizeof buf)) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        put(2, buf, (size_t)n);
    }
    return ready ? 0 : 1;
}

int daemon_detach(const char *log_path)
{
    int out[2], err[2], fd;
    pid_t pid;

    fflush(stdout);
    fflush(stderr);
    if (pipe(out) < 0 || pipe(err) < 0) {
        fprintf(stderr, "wspush: pipe: %s\n", strerror(errno));
        return -1;
    }
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "wspush: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid > 0) {
        int status;

        close(out[1]);
        close(err[1]);
        status = launcher(out[0], err[0]);
        waitpid(pid, NULL, 0);      /* the first child, gone at once */
        exit(status);
    }
    /* The first child: a new session without a terminal, then a second
     * fork so the daemon is not a session leader and can never get a
     * controlling terminal back by opening one. */
    close(out[0]);
    close(err[0]);
    if (setsid() < 0 || (pid = fork()) < 0) {
        char msg[128];

        snprintf(msg, sizeof msg, "wspush: cannot detach: %s\n",
                 strerror(errno));
        put(err[1], msg, strlen(msg));
        _exit(1);
    }
    if (pid > 0) _exit(0);
    /* The daemon. Until daemon_ready(), stdout and stderr go back to the
     * launcher, so start-up errors show where the user typed -d. */
    if (chdir("/") < 0) { /* "/" exists */ }
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        if (fd > 2) close(fd);
    }
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[1]);
    close(err[1]);
    daemon_log = log_path;
    return 0;
}

int daemon_ready(void)
{
    char err[512];
    int fd;

    fflush(stdout);
    fflush(stderr);
    if (daemon_log != NULL && log_open(daemon_log, err, sizeof err) < 0) {
        fprintf(stderr, "wspush: %s\n", err);
        return -1;
    }
    fd = open("/dev/null", O_RDWR);
    if (fd < 0) return 0;               /* the pipes stay: harmless */
    if (daemon_log == NULL) dup2(fd, 2);
    put(1, "", 1);                      /* the NUL: serving */
    dup2(fd, 1);
    if (fd > 2) close(fd);
    return 0;
}

/* ------------------------------------------------------------------------
 * stop, status, reload
 * --------------------------------------------------------------------- */

/* Ask the inner port for its counters: the "stats" reply without its
 * "ok ". Returns 0, or -1 with the reason in err. */
static int stats(const char *addr, const auth_config *auth, long timeout_ms,
                 char *out, size_t size, char *err, size_t errsize)
{
    size_t have = 0;
    char *nl = NULL;
    int fd = net_connect(addr, timeout_ms, err, errsize);

    if (fd < 0) return -1;
    if (auth_client_hello(auth, fd, err, errsize) < 0) {
        close(fd);
        return -1;
    }
    put(fd, "stats\n", 6);
    while (nl == NULL && have < size - 1) {
        ssize_t r = read(fd, out + have, size - 1 - have);

        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        have += (size_t)r;
        nl = memchr(out, '\n', have);
    }
    close(fd);
    out[have] = '\0';
    if (nl == NULL || strncmp(out, "ok ", 3) != 0) {
        snprintf(err, errsize, "no stats reply from %s", addr);
        return -1;
    }
    *nl = '\0';
    memmove(out, out + 3, strlen(out + 3) + 1);
    return 0;
}

/* Wait up to timeout_ms for the server holding path to be gone. */
static int wait_gone(const char *path, long timeout_ms)
{
    int64_t deadline = ev_now_ms() + timeout_ms;
    struct timespec pause = { 0, 20 * 1000 * 1000 };
    long pid;

    while (pidfile_read(path, &pid) == PIDFILE_LIVE) {
        if (ev_now_ms() >= deadline) return -1;
        nanosleep(&pause, NULL);
    }
    return 0;
}

int daemon_command(const char *cmd, const char *pid_path,
                   const char *inner_addr, const auth_config *auth,
                   long timeout_ms)
{
    char line[1024], err[256];
    long pid = 0;
    int st;

    if (strcmp(cmd, "stop") != 0 && strcmp(cmd, "status") != 0 &&
        strcmp(cmd, "reload") != 0)
        return -2;
    st = pidfile_read(pid_path, &pid);
    if (st < 0) {
        fprintf(stderr, "wspush: cannot read pid file %s: %s\n", pid_path,
                strerror(errno));
        return 1;
    }
    if (st != PIDFILE_LIVE) {
        if (strcmp(cmd, "status") == 0) {
            printf("not running%s\n", st == PIDFILE_STALE
                   ? " (stale pid file)" : "");
            return st == PIDFILE_STALE ? 1 : DAEMON_NOT_RUNNING;
        }
        fprintf(stderr, "wspush: not running (no live server holds %s)\n",
                pid_path);
        return DAEMON_NOT_RUNNING;
    }
    if (strcmp(cmd, "status") == 0) {
        if (stats(inner_addr, auth, timeout_ms, line, sizeof line, err,
                  sizeof err) < 0) {
            struct stat st;

            /* No counters; the pid file was written at start-up. */
            if (stat(pid_path, &st) == 0 && time(NULL) >= st.st_mtime)
                printf("running pid=%ld uptime=%lld\n", pid,
                       (long long)(time(NULL) - st.st_mtime));
            else
                printf("running pid=%ld\n", pid);
            fprintf(stderr, "wspush: no counters: %s\n", err);
        } else {
            printf("running pid=%ld %s\n", pid, line);
        }
        return 0;
    }
    if (kill((pid_t)pid, strcmp(cmd, "stop") == 0 ? SIGTERM : SIGHUP) < 0) {
        fprintf(stderr, "wspush: cannot signal pid %ld: %s\n", pid,
                strerror(errno));
        return 1;
    }
    if (strcmp(cmd, "reload") == 0) {
        printf("reloading pid=%ld\n", pid);
        return 0;
    }
    if (wait_gone(pid_path, timeout_ms) < 0) {
        fprintf(stderr, "wspush: pid %ld still running after %.3g s\n",
                pid, timeout_ms / 1000.0);
        return 1;
    }
    printf("stopped pid=%ld\n", pid);
    return 0;
}
