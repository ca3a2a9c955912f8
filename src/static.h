/**
 * @file static.h
 * @brief The page itself over plain HTTP: with `--web DIR`, a GET or HEAD
 *        without an Upgrade header on the WebSocket port gets a file of
 *        DIR, so one port serves both the page and its WebSocket.
 *
 * Only what a demo page needs, and nothing a stranger could use to read
 * other files: `/` is DIR/index.html, or DIR/web.html if there is no
 * index.html; any other path must name a regular file directly inside
 * DIR, by a name that does not start with a dot, with one of the
 * extensions html, js, css, png, svg or txt. Symbolic links are not
 * followed. The query string is ignored (the page reads it itself).
 * Every answer closes the connection; a file over #STATIC_MAX_FILE bytes
 * is not served. Statuses (RFC 7231 §6): 200, 400 (bad target), 403 (file
 * too large), 404 (anything else not served), 405 (not GET or HEAD, with
 * `Allow: GET, HEAD`).
 *
 * @defgroup static Static files
 * @{
 */
#ifndef WSPUSH_STATIC_H
#define WSPUSH_STATIC_H

#include <stddef.h>

#include "handshake.h"

struct server;
struct conn;

/** Largest file served, in bytes (1 MiB). */
#define STATIC_MAX_FILE (1024 * 1024)

/** Longest file name static_resolve() returns, NUL not counted. */
#define STATIC_NAME_MAX 255

/**
 * @brief Turn a request target into the name of a file in DIR.
 *
 * Drops the query, decodes %XX escapes, maps "/" to "" (the caller picks
 * index.html or web.html), and refuses anything that is not one plain
 * name of a file type served. It does not look at the file system.
 * @param[in] target the request target, e.g. "/web.html?uid=a".
 * @param[in] len length of @p target.
 * @param[out] name the file name, NUL-terminated (STATIC_NAME_MAX + 1
 *             bytes).
 * @param[out] reason on refusal, a static one-line reason.
 * @return 0 if @p name is to be served, else the HTTP status (400 or 404).
 */
int static_resolve(const char *target, size_t len,
                   char name[STATIC_NAME_MAX + 1], const char **reason);

/** @brief The Content-Type of a file name by its extension, or NULL if
 *  that type is not served. */
const char *static_type(const char *name);

/**
 * @brief Check at start-up that @p dir is a directory we can read.
 * @param[in] dir the folder given to --web.
 * @param[out] err on failure, one line saying why.
 * @param[in] size size of @p err.
 * @return 0, or -1.
 */
int static_check_dir(const char *dir, char *err, size_t size);

/**
 * @brief Answer a complete plain HTTP request head (hs_parse() said
 *        HS_ERROR with a length and no upgrade) with a file of the
 *        server's web folder or an error status, and close.
 * @param[in] s the server (its config has web_dir set).
 * @param[in] c the connection; its input buffer holds the request head.
 * @param[in] req what hs_parse() found.
 */
void static_serve(struct server *s, struct conn *c, const hs_request *req);

/** @} */
#endif
