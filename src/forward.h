/**
 * @file forward.h
 * @brief X-Forwarded-For: the address of the client behind a trusted
 *        proxy, for the logs.
 *
 * Behind a proxy (nginx terminating TLS), every page's TCP peer is the
 * proxy. The proxy appends the address it accepted the connection from
 * to the request's X-Forwarded-For list, so the rightmost element is the
 * one the nearest proxy vouches for; the elements to its left were
 * written by the client or by proxies further out, and anyone can write
 * anything there. The usual rule follows: only a peer listed with
 * --trusted-proxy is believed at all; its list is read from the right,
 * skipping addresses that are trusted proxies themselves, and the first
 * other address is the client. Every element read must be a numeric
 * IPv4 or IPv6 address, or the header is ignored. The address is used
 * for logging only: it grants nothing.
 *
 * @defgroup forward X-Forwarded-For
 * @{
 */
#ifndef WSPUSH_FORWARD_H
#define WSPUSH_FORWARD_H

#include <stddef.h>

/** Room for an address forward_client() writes, NUL included. */
#define FORWARD_ADDR_MAX 46

/** @brief Say whether @p s is a numeric IPv4 or IPv6 address
 *  (inet_pton()), as --trusted-proxy takes. @return 1 or 0. */
int forward_valid_addr(const char *s);

/** @brief Say whether the peer of socket @p fd is one of @p trusted (an
 *  IPv4 peer seen as \::ffff:a.b.c.d on an IPv6 socket counts as a.b.c.d).
 *  @return 1 or 0. */
int forward_peer_trusted(int fd, const char *const *trusted, size_t n);

/**
 * @brief Find the client in an X-Forwarded-For value sent by a trusted
 *        proxy.
 *
 * Elements are separated by commas and trimmed of spaces and tabs; they
 * are read from the right, and those equal to one of @p trusted are
 * skipped unless it is the leftmost one.
 * @param[in] value the header's value (need not be NUL-terminated).
 * @param[in] len its length.
 * @param[in] trusted the trusted proxies' addresses.
 * @param[in] n how many there are.
 * @param[out] out the client's address, as written in the header
 *             (FORWARD_ADDR_MAX bytes).
 * @return 1 with @p out set; 0 if the value lists no element; -1 if an
 *         element read is not an address.
 */
int forward_client(const char *value, size_t len, const char *const *trusted,
                   size_t n, char out[FORWARD_ADDR_MAX]);

/** @} */
#endif
