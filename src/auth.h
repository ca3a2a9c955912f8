/**
 * @file auth.h
 * @brief Who may do what: the page secret, the inner port's secret and the
 *        Origin allow-list, read from files or the environment.
 *
 * By default wspush trusts every peer as the seed does: a page's first
 * message is its uid, any Origin may connect, and any program that reaches
 * the inner port may push. Each of these can be tightened:
 *
 * - a **secret** (`--secret-file PATH` or `WSPUSH_SECRET`): a page's first
 *   message must be a token signed with it (token.h), or the page is
 *   closed with AUTH_CLOSE_INVALID or AUTH_CLOSE_EXPIRED;
 * - an **inner secret** (`--inner-secret-file PATH` or
 *   `WSPUSH_INNER_SECRET`): a backend's first line must be
 *   `auth SECRET`;
 * - an **Origin allow-list** (`--origin ORIGIN`, repeatable, and
 *   `--origin-file PATH`): a handshake whose Origin header is not on it
 *   gets 403.
 *
 * Secrets never come from the command line, where `ps` shows them to
 * every user. A secret is one line of 16 to AUTH_SECRET_MAX bytes; a
 * secret file must be a regular file that others (neither the owner nor
 * the group) cannot read or write.
 *
 * Everything is held in fixed-size arrays inside the config, so loading
 * allocates nothing and a failed reload leaves the old values in place.
 *
 * @defgroup auth Secrets and the Origin allow-list
 * @{
 */
#ifndef WSPUSH_AUTH_H
#define WSPUSH_AUTH_H

#include <stddef.h>
#include <stdint.h>

/** Shortest secret accepted, in bytes. */
#define AUTH_SECRET_MIN 16
/** Longest secret accepted, in bytes. */
#define AUTH_SECRET_MAX 1024
/** Most origins on the allow-list, command line and file together. */
#define AUTH_MAX_ORIGINS 64
/** Bytes of all allowed origins together, one NUL each included. */
#define AUTH_ORIGINS_BYTES 4096

/** Close code: the first message is not a valid token (final: the page
 *  should not reconnect with the same token). */
#define AUTH_CLOSE_INVALID 4001
/** Close code: the token was valid but has expired (final: the page
 *  needs a fresh token). */
#define AUTH_CLOSE_EXPIRED 4002

/** Where the secrets and the allow-list come from, and what was read. */
typedef struct auth_config {
    /* Sources, set from the command line and kept across reloads. */
    const char *secret_file;       /**< --secret-file, or NULL to use
                                        $WSPUSH_SECRET if set */
    const char *inner_secret_file; /**< --inner-secret-file, or NULL to use
                                        $WSPUSH_INNER_SECRET if set */
    const char *origin_file;       /**< --origin-file, or NULL */
    const char *origin_args[AUTH_MAX_ORIGINS]; /**< --origin values */
    size_t norigin_args;           /**< how many --origin values */

    /* What auth_load() read. */
    uint8_t secret[AUTH_SECRET_MAX];       /**< the page secret */
    size_t secret_len;             /**< its length; 0: no secret, pages
                                        send bare uids (the seed's way) */
    uint8_t inner_secret[AUTH_SECRET_MAX]; /**< the inner port's secret */
    size_t inner_secret_len;       /**< its length; 0: none required */
    char origins[AUTH_ORIGINS_BYTES]; /**< allowed origins, each followed
                                           by a NUL, one after another */
    size_t norigins;               /**< how many; 0: any origin */
} auth_config;

/**
 * @brief Note one `--origin` value (checked later by auth_load()).
 * @param[in,out] a the configuration.
 * @param[in] origin the value; it must outlive @p a (an argv string).
 * @return 0, or -1 if there are AUTH_MAX_ORIGINS already.
 */
int auth_add_origin(auth_config *a, const char *origin);

/**
 * @brief Read the secrets and the Origin allow-list from their sources.
 *
 * The page secret comes from @c secret_file if set, else from
 * `WSPUSH_SECRET` if that is set, else there is none; the inner secret
 * likewise from @c inner_secret_file or `WSPUSH_INNER_SECRET`. A file
 * holds the secret as its only line (a final LF or CR LF is dropped).
 * The allow-list is the `--origin` values plus the lines of
 * @c origin_file (blank lines and lines starting with '#' are skipped);
 * each must be `scheme://host[:port]` or `null`.
 *
 * Call it once before the server starts, and again to reload (SIGHUP):
 * everything is read into a copy first, and @p a changes only if all of
 * it is valid, so a bad edit to a file keeps the server on its old
 * settings. Pages already bound stay bound; new tokens are checked with
 * the new secret.
 *
 * @param[in,out] a sources in, secrets and allow-list out.
 * @param[out] err on failure, one line saying what is wrong.
 * @param[in] errlen size of @p err.
 * @return 0, or -1 (then @p a is unchanged).
 */
int auth_load(auth_config *a, char *err, size_t errlen);

/**
 * @brief May a handshake with this Origin header connect?
 *
 * Yes if the allow-list is empty, if the request has no Origin header (a
 * non-browser client, which could send any Origin it likes anyway), or
 * if the value is on the list, byte for byte.
 * @param[in] a the loaded configuration.
 * @param[in] origin the header's value, or NULL if there was none.
 * @param[in] len its length.
 * @return 1 if allowed, else 0.
 */
int auth_origin_allowed(const auth_config *a, const char *origin, size_t len);

/**
 * @brief Check a backend's first line against the inner secret.
 * @param[in] a the loaded configuration, with an inner secret.
 * @param[in] line the line, without its line ending.
 * @param[in] len its length.
 * @return NULL if it is `auth SECRET` with the right secret; else the
 *         reply's reason: "auth required" (some other request) or
 *         "bad auth" (a wrong secret).
 */
const char *auth_inner_check(const auth_config *a, const char *line,
                             size_t len);

/**
 * @brief Client side of the inner secret: on a connected, blocking
 *        socket, send `auth SECRET` and read the reply.
 *
 * Does nothing if no inner secret is configured.
 * @param[in] a the loaded configuration.
 * @param[in] fd the connected socket (with read and write timeouts).
 * @param[out] err on failure, one line saying why.
 * @param[in] errlen size of @p err.
 * @return 0 if the server answered "ok" (or nothing was needed), -1 with
 *         @p err set otherwise.
 */
int auth_client_hello(const auth_config *a, int fd, char *err, size_t errlen);

/**
 * @brief Warn about ports open to other hosts without a secret.
 *
 * Logs a "warning" line if the WebSocket port is bound to an address that
 * is not loopback and there is no page secret (any page can claim any
 * uid), and one if the inner port is a TCP address that is not loopback
 * and there is no inner secret (anyone who reaches it can push). Unix
 * domain sockets are local and never warned about.
 * @param[in] a the loaded configuration.
 * @param[in] ws_fd the WebSocket port's listening socket.
 * @param[in] inner_fd the inner port's listening socket.
 * @param[in] log the server's logging function (log_line).
 */
void auth_warn(const auth_config *a, int ws_fd, int inner_fd,
               void (*log)(const char *level, const char *fmt, ...));

/** @} */
#endif
