/**
 * @file conn.h
 * @brief What the server's parts share (internal): the server, its
 *        connections, their byte queues, and the calls that queue output,
 *        close connections and log.
 *
 * The server is split by concern: conn.c (connections and their output),
 * page.c (the WebSocket side), backend.c (the inner port) and server.c
 * (accepting, deadlines, signals, the loop), and static.c (files for
 * plain HTTP requests, --web). This header is what they share; nothing
 * outside those files (and forward.c) includes it.
 *
 * @defgroup conn Server internals
 * @{
 */
#ifndef WSPUSH_CONN_H
#define WSPUSH_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "server.h"
#include "uidmap.h"

/** A deadline that never comes. */
#define NEVER INT64_MAX

/** @cond INTERNAL */
/* REFUSED: a connection turned away at capacity, alive only until our
 * answer is out; it counts as neither a page nor a backend. */
enum conn_kind { PAGE, INNER, REFUSED };

enum conn_state {
    HANDSHAKE,  /* page: reading the HTTP request head */
    OPEN,       /* page: upgraded, waiting for its uid */
    BOUND,      /* page: has a uid, receives pushes */
    SERVING,    /* inner: reading request lines */
    CLOSING,    /* last bytes queued; flush, then LINGER */
    LINGER      /* our side shut down; wait for the peer's EOF */
};

/* A byte queue: data[off, len) is pending. Allocated only while in use. */
typedef struct bytes {
    uint8_t *data;  /* heap block, NULL when empty */
    size_t off;     /* first pending byte */
    size_t len;     /* end of pending bytes */
    size_t cap;     /* size of data */
} bytes;

typedef struct conn {
    int fd;                     /* socket, -1 once killed */
    enum conn_kind kind;        /* PAGE, INNER or REFUSED */
    enum conn_state state;      /* see server.c */
    int64_t deadline;           /* when the current state times out */
    int ping_sent;              /* page: pinged, waiting for any byte */
    int skip_line;              /* inner: dropping an over-long line */
    int paused;                 /* inner: not reading until replies drain */
    int flushing;               /* on the flush list */
    int dead;                   /* killed, waiting to be freed */
    int eof;                    /* inner: the backend closed its side */
    int holds_spare;            /* a refusal using the spare fd's slot */
    int authed;                 /* inner: gave the inner secret, or none
                                   was required when it connected */
    ws_decoder dec;             /* page: frame decoder */
    bytes in;                   /* handshake head, uid or partial line */
    bytes out;                  /* queued output */
    uidmap_link link;           /* page: place in its uid's list */
    struct conn *prev, *next;   /* all live connections */
    struct conn *flush_next;    /* flush list, or dead list once killed */
    char peer[NET_NAME_MAX];    /* "HOST:PORT" of the peer, for logs */
} conn;

/* Counters, shown by the inner port's "stats" command. */
typedef struct counters {
    unsigned long long accepted;   /* connections accepted, both ports */
    unsigned long long pushes;     /* push requests answered */
    unsigned long long delivered;  /* frames queued to pages by pushes */
    unsigned long long failures;   /* push requests answered "fail" */
    unsigned long long errors;     /* requests answered "error ..." */
    unsigned long long refused;    /* connections refused at capacity */
    unsigned long long dropped;    /* pages closed for a full queue */
    unsigned long long timeouts;   /* handshake or heartbeat timeouts */
    unsigned long long bad;        /* pages closed for a protocol error */
} counters;

typedef struct server {
    const server_config *cfg;
    ev_loop *loop;
    int ws_fd, inner_fd;        /* listening sockets */
    int spare_fd;               /* held open to be freed on EMFILE */
    int sig_pipe[2];            /* self-pipe: signal handler -> loop */
    conn *conns;                /* live connections */
    conn *flush;                /* connections with output to write */
    conn *dead;                 /* killed connections to free */
    size_t npages, ninner;      /* live connections of each kind */
    uidmap uids;                /* uid -> bound pages */
    int64_t next_deadline;      /* earliest deadline of any connection */
    int64_t started;            /* ev_now_ms() at start */
    int stopping;               /* a signal asked us to stop */
    int64_t stop_deadline;      /* when stopping ends, drained or not */
    int64_t accept_resume;      /* when to accept again after an accept()
                                   error, 0 if accepting */
    int64_t emfile_logged;      /* when "out of file descriptors" was
                                   last logged */
    counters n;
} server;
/** @endcond */

/** @name Byte queues */
/** @{ */
/** @brief Bytes waiting in @p b. */
size_t bytes_pending(const bytes *b);
/** @brief Free @p b's block and empty it. */
void bytes_free(bytes *b);
/** @brief Append @p n bytes. @return 0, or -1 if memory ran out (then
 *  @p b is unchanged). */
int bytes_append(bytes *b, const void *p, size_t n);
/** @brief Drop @p n bytes from the front; the block is freed once empty. */
void bytes_consume(bytes *b, size_t n);
/** @} */

/** @name Connections (conn.c) */
/** @{ */
/** @brief A new connection of @p kind on @p fd, watched for reading.
 *  @return it, or NULL (nothing was changed then). */
conn *conn_new(server *s, int fd, enum conn_kind kind);
/** @brief Make @p t the connection's deadline, keeping the server's
 *  earliest deadline current. */
void conn_set_deadline(server *s, conn *c, int64_t t);
/** @brief Put @p c on the flush list, once (not if it is dead). */
void conn_want_flush(server *s, conn *c);
/** @brief Queue bytes for @p c and schedule a flush. @return 0, or -1 if
 *  @p c is dead or memory ran out (then it is killed). */
int conn_queue(server *s, conn *c, const void *p, size_t n);
/** @brief Stop reading data from @p c; close it once its queue is out. */
void conn_closing(server *s, conn *c);
/** @brief Close @p c now; the struct is freed after the wake-up. */
void conn_kill(server *s, conn *c);
/** @brief Write what the socket takes of @p c's queue; see conn.c. */
void conn_flush(server *s, conn *c);
/** @} */

/** @name The WebSocket side (page.c) */
/** @{ */
/** @brief Answer the HTTP request with @p status and @p reason; close. */
void page_refuse(server *s, conn *c, int status, const char *reason);
/** @brief Bytes of the request head; answers 101 once it is valid. */
void page_handshake(server *s, conn *c, const uint8_t *p, size_t n);
/** @brief Received bytes of an upgraded page. */
void page_feed(server *s, conn *c, uint8_t *p, size_t n);
/** @brief Queue one frame for a page within its queue cap; a page past
 *  its cap is closed with 1008. @return 0 if queued, else -1. */
int page_send(server *s, conn *c, int opcode, const void *p, size_t n);
/** @brief Send a close frame (@p code 0: one with no code) and close. */
void page_close(server *s, conn *c, unsigned code, const char *reason);
/** @} */

/** @brief After @p c's handshake: if its peer is a trusted proxy, name it
 *  in the log after the client its X-Forwarded-For @p value (@p len
 *  bytes, NULL if none) gives (forward.c). */
void page_forwarded(server *s, conn *c, const char *value, size_t len);

/** @name The inner port (backend.c) */
/** @{ */
/** @brief Received bytes of a backend: split into lines and answered. */
void backend_feed(server *s, conn *c, const uint8_t *p, size_t n);
/** @brief Queue one reply line (a newline is added). */
void backend_reply(server *s, conn *c, const char *fmt, ...);
/** @} */

/** @name The loop's handlers (server.c) */
/** @{ */
/** @brief Read handler of every connection. */
void server_readable(ev_loop *loop, int fd, void *data, int mask);
/** @brief Write handler of every connection. */
void server_writable(ev_loop *loop, int fd, void *data, int mask);
/** @brief Stop (0) or resume (1) accepting on both listening sockets. */
void server_accepting(server *s, int on);
/** @} */

/** @} */
#endif
