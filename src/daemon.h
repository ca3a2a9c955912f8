/**
 * @file daemon.h
 * @brief Process life: the pid file, running in the background (-d), and
 *        the commands that act on a running server (stop, status, reload).
 *
 * The pid file holds the server's pid and one line end, written whole
 * (a temporary file renamed into place). The server also holds a POSIX
 * record lock (fcntl() F_SETLK) on it for as long as it runs: the kernel
 * drops the lock when the process ends, however it ends, so "is the
 * server alive?" is answered by the lock, never by a pid that may have
 * been reused since. A pid file nobody locks is stale and is replaced.
 *
 * @defgroup daemon Process life
 * @{
 */
#ifndef WSPUSH_DAEMON_H
#define WSPUSH_DAEMON_H

#include <stddef.h>

#include "auth.h"

/** pidfile_read() result: no pid file. */
#define PIDFILE_NONE 0
/** pidfile_read() result: a pid file that no live process holds. */
#define PIDFILE_STALE 1
/** pidfile_read() result: a live server holds the pid file. */
#define PIDFILE_LIVE 2

/** Exit status of status/stop/reload when no server is running (LSB). */
#define DAEMON_NOT_RUNNING 3

/**
 * @brief Create the pid file for this process and lock it.
 *
 * Refused if a live server holds @p path already; a stale file is
 * replaced. The file is written under a temporary name next to @p path
 * and then linked or renamed into place, so a reader never sees it half
 * written.
 * @param[in] path the pid file; kept (not copied) for pidfile_remove().
 * @param[out] err on failure, one line saying why.
 * @param[in] errsize size of @p err.
 * @return 0, or -1.
 */
int pidfile_create(const char *path, char *err, size_t errsize);

/** @brief Remove the pid file pidfile_create() made, if it is still ours,
 *  and drop its lock. Does nothing if there is none. */
void pidfile_remove(void);

/** @brief Say whether a live server holds the pid file at @p path.
 *  @param[in] path the pid file.
 *  @param[out] pid the live holder's pid (PIDFILE_LIVE only).
 *  @return PIDFILE_NONE, PIDFILE_STALE or PIDFILE_LIVE, or -1 if the file
 *  exists but cannot be read (errno says why). */
int pidfile_read(const char *path, long *pid);

/**
 * @brief Write @p path as an absolute path into @p out (relative paths
 *        are taken from the current directory), so it still names the
 *        same file after the daemon's chdir("/").
 * @return 0, or -1 if it does not fit in @p size.
 */
int daemon_abspath(const char *path, char *out, size_t size);

/**
 * @brief Go to the background: fork, setsid, fork again, chdir("/"),
 *        stdin from /dev/null.
 *
 * Returns only in the daemon (the grandchild). The process that called
 * it waits until the daemon calls daemon_ready() or exits: it copies the
 * daemon's standard output (the "listening" lines) to its own and exits
 * 0, or copies the daemon's error messages to its standard error and
 * exits 1, so a daemon that cannot start says why on the terminal that
 * started it.
 * @param[in] log_path the log file for daemon_ready() to open, or NULL
 *            to send everything to /dev/null; kept, not copied.
 * @return 0 in the daemon, or -1 if fork() or pipe() failed (in the
 *         caller, with the reason on standard error).
 */
int daemon_detach(const char *log_path);

/**
 * @brief The daemon is serving: tell the process that started it, and
 *        point standard output at /dev/null and standard error at the
 *        log file (or /dev/null). A server_config::on_ready hook.
 * @return 0, or -1 if the log file cannot be opened (the reason goes to
 *         the starting terminal, which exits 1).
 */
int daemon_ready(void);

/**
 * @brief Run a process command against the server holding @p pid_path:
 *        "stop", "status" or "reload".
 *
 * - stop: SIGTERM, then wait up to @p timeout_ms for the server to exit.
 *   0 once it has, 1 if it is still running.
 * - status: "running pid=N" followed by the counters of the inner port's
 *   stats reply (asked at @p inner_addr, giving the inner secret of
 *   @p auth first if it has one) on one line; 0. Without the
 *   counters (inner port unreachable) it prints "running pid=N
 *   uptime=S", the uptime from the pid file's time, the reason goes to
 *   standard error, and the status is still 0: the server runs.
 * - reload: SIGHUP (reopen the log, re-read the settings that can be
 *   re-read); 0 once sent.
 *
 * Each prints "not running" and returns DAEMON_NOT_RUNNING when no live
 * server holds the pid file (status says "not running (stale pid file)"
 * and returns 1 if a dead one left its file behind, as LSB init scripts
 * do).
 * @return the exit status; -2 if @p cmd is none of these.
 */
int daemon_command(const char *cmd, const char *pid_path,
                   const char *inner_addr, const auth_config *auth,
                   long timeout_ms);

/** @} */
#endif
