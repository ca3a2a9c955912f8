/**
 * @file net.h
 * @brief Sockets: parsing "ADDR:PORT", listening, connecting, and the few
 *        descriptor flags the server sets.
 *
 * Addresses are written HOST:PORT or [IPV6]:PORT; HOST may be a name
 * ("localhost") or a numeric address, and port 0 asks the system for a
 * free port (net_local_name() tells which one it gave). unix:PATH is a
 * Unix domain socket: listening removes a stale socket file first (one
 * nothing answers on; any other file is left alone and refused) and
 * creates the new one with mode 0660.
 *
 * @defgroup net Sockets
 * @{
 */
#ifndef WSPUSH_NET_H
#define WSPUSH_NET_H

#include <stddef.h>

/** Room for any address net_*_name() writes: "[v6%scope]:65535", or
 *  "unix:" and a path of up to 107 bytes (sun_path's usual size). */
#define NET_NAME_MAX 120

/**
 * @brief Open a non-blocking, close-on-exec listening TCP socket.
 * @param[in] spec "HOST:PORT", "[HOST]:PORT" or "unix:PATH".
 * @param[in] backlog listen() backlog.
 * @param[out] err on failure, one line saying what went wrong (e.g.
 *             "cannot listen on 127.0.0.1:5678: Address already in use").
 * @param[in] errsize size of @p err.
 * @return the socket, or -1.
 */
int net_listen(const char *spec, int backlog, char *err, size_t errsize);

/**
 * @brief Connect a blocking TCP socket (for the command-line client).
 * @param[in] spec "HOST:PORT", "[HOST]:PORT" or "unix:PATH".
 * @param[in] timeout_ms longest wait to connect, and for each read and
 *            write afterwards.
 * @param[out] err on failure, one line saying what went wrong.
 * @param[in] errsize size of @p err.
 * @return the socket, or -1.
 */
int net_connect(const char *spec, long timeout_ms, char *err, size_t errsize);

/** @brief Close a listening socket; if @p spec is unix:PATH, remove the
 *  socket file too (the server does this on exit).
 *  @param[in] fd the socket from net_listen().
 *  @param[in] spec the address it was opened with. */
void net_unlisten(int fd, const char *spec);

/** @brief Write the socket's own address as "HOST:PORT" into @p buf
 *  (NET_NAME_MAX bytes). @return 0, or -1. */
int net_local_name(int fd, char *buf, size_t size);

/** @brief Write the peer's address as "HOST:PORT" into @p buf.
 *  @return 0, or -1. */
int net_peer_name(int fd, char *buf, size_t size);

/** @brief Make @p fd non-blocking and close-on-exec. @return 0, or -1. */
int net_nonblock(int fd);

/** @} */
#endif
