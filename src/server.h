/**
 * @file server.h
 * @brief The push server: WebSocket pages, the inner port, one select() loop.
 *
 * Pages connect to the WebSocket port, complete the opening handshake and
 * send their uid as their first text message. The backend connects to the
 * inner port and writes request lines (see inner.h); the server pushes each
 * to the pages of its uid and answers one line per request.
 *
 * Everything runs in one thread around ev_poll(). No call blocks: sockets
 * are non-blocking, output waits in per-connection queues with a cap, and
 * deadlines (handshake, heartbeat, closing) are checked between polls.
 *
 * @defgroup server Server
 * @{
 */
#ifndef WSPUSH_SERVER_H
#define WSPUSH_SERVER_H

#include <stddef.h>

#include "auth.h"

/** Settings; server_config_init() fills in the documented defaults. */
typedef struct server_config {
    const char *ws_addr;       /**< WebSocket listen address, "0.0.0.0:1234" */
    const char *inner_addr;    /**< inner port address, "127.0.0.1:5678" */
    const char *protocol;      /**< subprotocol to confirm when offered, or
                                    NULL to confirm none (default) */
    size_t max_clients;        /**< open connections on both ports, default
                                    FD_SETSIZE - 32; more get 503 */
    size_t max_message;        /**< bytes in one message from a page,
                                    default 65536; more gets close 1009 */
    size_t max_line;           /**< bytes in one inner request line, default
                                    65536; more gets "error line too long" */
    size_t max_queue;          /**< bytes queued to one connection, default
                                    1 MiB; a page past it is closed 1008 */
    size_t max_header;         /**< bytes of a handshake request head,
                                    default 8192; more gets 431 */
    long handshake_timeout_ms; /**< time to finish the handshake, 10 s */
    long ping_interval_ms;     /**< ping a page silent this long, 30 s;
                                    0 disables heartbeats */
    long ping_timeout_ms;      /**< close a page that stays silent this
                                    long after a ping, 30 s */
    long linger_ms;            /**< time a closing connection gets to
                                    drain and say goodbye, 2 s */
    const char *web_dir;       /**< answer plain HTTP GETs on the WebSocket
                                    port with this folder's files (see
                                    static.h), or NULL: 400 (default) */
    int echo;                  /**< echo mode: send each message back to
                                    its page, bind no uid (conformance
                                    testing); see main.c */
    int verbose;               /**< log every connection event */
    auth_config auth;          /**< secrets and Origin allow-list, read by
                                    auth_load() (auth.h); zero: none */
    const char *const *trusted_proxies; /**< peers whose X-Forwarded-For
                                    is believed (numeric addresses) */
    size_t ntrusted_proxies;   /**< entries in @c trusted_proxies */
    int (*on_ready)(void);     /**< called once both ports listen; -1
                                    stops the server (daemon_ready()) */
} server_config;

/** @brief Fill @p cfg with the defaults. */
void server_config_init(server_config *cfg);

/**
 * @brief Listen on both ports and serve until SIGINT or SIGTERM.
 *
 * Prints "listening ws ADDR:PORT" and "listening inner ADDR:PORT" on
 * standard output once both ports are bound (with the real port when 0
 * was asked for), then calls cfg->on_ready if set. On SIGINT or SIGTERM
 * it closes every page with 1001, gives queued output a moment to drain,
 * and returns. On SIGHUP it reloads: reopens the log file (log_reopen()),
 * reads the secrets and the Origin allow-list again into cfg->auth
 * (auth_load(); a bad edit keeps the old ones) and keeps every connection.
 *
 * @return 0 after a signal, 1 if a port could not be opened or on_ready
 *         failed (the reason is printed on standard error).
 */
int server_run(server_config *cfg);

/** @} */
#endif
