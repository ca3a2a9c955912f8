/**
 * @file log.h
 * @brief The server's log: one line per event, with a time and a level,
 *        on standard error or appended to a file that can be reopened.
 *
 * A line reads "2026-01-31T12:00:00 LEVEL message" (local time). The
 * levels are:
 * - "error": something failed (always written);
 * - "warning": a setting that works but is risky, e.g. no secret on a
 *   public address (always written);
 * - "notice": the server started, stopped or reloaded (always written);
 * - "info": one connection's events (written only with --verbose).
 * Nothing is logged per push, so a busy server writes only a few lines
 * unless it is verbose.
 *
 * Each line is formatted into a buffer and written with one write() to
 * file descriptor 2. With --log, log_open() points descriptor 2 at the
 * file (opened O_APPEND), so whatever else writes to standard error (a
 * sanitizer's report) lands there too, and a rename-and-reload rotation
 * (log_reopen()) needs no copy. The descriptor is left blocking: it is
 * the caller's standard error, shared with the shell or service manager
 * that started us, and O_NONBLOCK on it would change it for them too. A
 * file never blocks for long; a terminal or journal reader that stops
 * reading can stall the server only while it is verbose, since a quiet
 * server writes a line only at start, stop, reload and on errors (and
 * the one error that can repeat, running out of file descriptors, is
 * written at most once per 10 seconds).
 *
 * @defgroup log Logging
 * @{
 */
#ifndef WSPUSH_LOG_H
#define WSPUSH_LOG_H

#include <stddef.h>
#include <stdint.h>

/** Set by server_run(): log "info" lines too, not only errors. */
extern int log_verbose;

/** @brief Write one line: time, @p level ("error", "warning", "notice"
 *  or "info"),
 *  then the printf-style message. "info" lines are written only with
 *  log_verbose. Lines longer than 1 KiB are cut. */
void log_line(const char *level, const char *fmt, ...);

/** @brief Copy bytes a client chose into @p dst (of @p size, at least 8)
 *  for a log line: printable ASCII as is, anything else as \\xNN, cut
 *  with "..." to fit. @return dst. */
const char *log_escape(const uint8_t *p, size_t n, char *dst, size_t size);

/**
 * @brief Send the log to a file from now on: open @p path for appending
 *        (creating it with mode 0644) and make it standard error.
 * @param[in] path the file; kept (not copied) for log_reopen(), so it
 *            must stay valid. Relative paths are relative to the current
 *            directory at each call.
 * @param[out] err on failure, one line saying why.
 * @param[in] errsize size of @p err.
 * @return 0, or -1 (standard error is unchanged then).
 */
int log_open(const char *path, char *err, size_t errsize);

/** @brief Check that @p path can be opened for appending (creating it if
 *  need be), without using it yet: a bad --log path is then one clear
 *  error at start-up, on the terminal. @return 0, or -1 with @p err set. */
int log_try(const char *path, char *err, size_t errsize);

/** @brief Open the log file again by its name (after a rotation renamed
 *  it). Does nothing without a log file. @return 0, or -1 (the old file
 *  stays in use, and an error line says why). */
int log_reopen(void);

/** @} */
#endif
