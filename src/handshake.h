/**
 * @file handshake.h
 * @brief The server side of the WebSocket opening handshake (RFC 6455 §4.2).
 *
 * hs_parse() reads an HTTP/1.1 request from a buffer, without doing any I/O,
 * and says one of three things: it needs more bytes, it is a valid
 * WebSocket upgrade, or it is refused with an HTTP status and a one-line
 * reason. hs_accept_key() computes Sec-WebSocket-Accept (§4.2.2 step 5.4)
 * and the hs_format_*() functions write the replies.
 *
 * Header names and the tokens of Upgrade and Connection are matched
 * case-insensitively (RFC 7230 §3.2, RFC 6455 §4.2.1). A request is
 * refused with:
 * - 400 when it is malformed or misses what §4.2.1 requires (method GET,
 *   HTTP/1.1 or later, Host, Upgrade containing "websocket", Connection
 *   containing "upgrade", a Sec-WebSocket-Key that decodes to 16 bytes);
 * - 426 with "Sec-WebSocket-Version: 13" when the version is missing or
 *   not 13 (§4.4);
 * - 431 when the request head is longer than the caller's cap.
 *
 * @defgroup handshake Opening handshake
 * @{
 */
#ifndef WSPUSH_HANDSHAKE_H
#define WSPUSH_HANDSHAKE_H

#include <stddef.h>

/** hs_parse() result: the request head has not ended yet. */
#define HS_INCOMPLETE 0
/** hs_parse() result: a valid WebSocket upgrade request. */
#define HS_OK 1
/** hs_parse() result: refused; see hs_request::status and hs_request::reason. */
#define HS_ERROR (-1)

/** Length of a Sec-WebSocket-Key value (16 bytes in Base64). */
#define HS_KEY_LEN 24
/** Length of a Sec-WebSocket-Accept value (20 bytes in Base64). */
#define HS_ACCEPT_LEN 28

/** What hs_parse() found in a request. Pointers point into the caller's
 *  buffer and stay valid as long as it does. On HS_ERROR, status and reason
 *  are set; if the whole head was read (length is not 0), length, target,
 *  protocols, origin and upgrade are set too, so a plain HTTP request
 *  (upgrade 0) can be told from a broken upgrade. key is set on HS_OK
 *  only. */
typedef struct hs_request {
    size_t length;            /**< bytes of the request head, blank line
                                   included; bytes after it are frames */
    const char *target;       /**< request target, e.g. "/" */
    size_t target_len;        /**< length of @c target */
    char key[HS_KEY_LEN + 1]; /**< Sec-WebSocket-Key, NUL-terminated */
    const char *protocols;    /**< first Sec-WebSocket-Protocol value, or NULL */
    size_t protocols_len;     /**< length of @c protocols */
    const char *origin;       /**< Origin value, or NULL */
    size_t origin_len;        /**< length of @c origin */
    const char *forwarded_for; /**< last X-Forwarded-For value, or NULL */
    size_t forwarded_for_len; /**< length of @c forwarded_for */
    int upgrade;              /**< 1 if the request asked for a WebSocket
                                   upgrade at all (an Upgrade header naming
                                   "websocket"), 0 for a plain HTTP request */
    int status;               /**< on HS_ERROR: 400, 426 or 431 */
    const char *reason;       /**< on HS_ERROR: static one-line reason */
} hs_request;

/**
 * @brief Parse the request head at the start of @p buf.
 *
 * Lines end in CRLF (a bare LF is accepted too, RFC 7230 §3.5); the head
 * ends at the first empty line. Obsolete line folding, control characters,
 * white space before a header's colon, and duplicate Host,
 * Sec-WebSocket-Key or Sec-WebSocket-Version headers are refused with 400.
 * Such syntax errors are refused as soon as the line holding them has
 * arrived, even before the head is complete.
 *
 * A complete, well-formed head is then checked in this order, and the
 * first failure is the answer: method GET; HTTP/1.1 or a later 1.x; an
 * Upgrade header listing "websocket"; a Connection header listing
 * "upgrade"; Host; Sec-WebSocket-Key; Sec-WebSocket-Version 13 (426).
 * Repeated Upgrade or Connection headers count as one list; for
 * Sec-WebSocket-Protocol and Origin the first occurrence counts, for
 * X-Forwarded-For the last (a proxy appends to the end of the list).
 *
 * Call it again on the same buffer, with @p len grown, after
 * HS_INCOMPLETE; it keeps no state between calls.
 *
 * @param[in] buf bytes received so far (need not be NUL-terminated, must
 *            not be NULL).
 * @param[in] len number of bytes in @p buf.
 * @param[in] max largest request head accepted, in bytes; a head that has
 *            not ended within @p max bytes is refused with 431.
 * @param[out] req filled in on HS_OK (and status/reason on HS_ERROR).
 * @return HS_INCOMPLETE, HS_OK or HS_ERROR.
 */
int hs_parse(const char *buf, size_t len, size_t max, hs_request *req);

/**
 * @brief Say whether a comma-separated list offers a token.
 *
 * Used for Sec-WebSocket-Protocol: the list "chat, superchat" offers
 * "chat". Elements are trimmed of spaces and tabs, and empty ones offer
 * nothing. The comparison is exact (subprotocol names are case-sensitive).
 * @p list may be NULL when @p list_len is 0.
 * @return 1 if @p token is one of the elements of @p list, else 0.
 */
int hs_list_has(const char *list, size_t list_len, const char *token);

/**
 * @brief Compute Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2).
 *
 * Base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
 * @param[in] key the client's Sec-WebSocket-Key, as sent (24 characters).
 * @param[out] accept 28 characters and a terminating NUL.
 */
void hs_accept_key(const char key[HS_KEY_LEN],
                   char accept[HS_ACCEPT_LEN + 1]);

/**
 * @brief Write the 101 Switching Protocols response.
 * @param[out] dst destination buffer.
 * @param[in] size size of @p dst (256 bytes plus the protocol's length
 *            always suffice).
 * @param[in] accept value from hs_accept_key().
 * @param[in] protocol subprotocol to confirm, or NULL for none; one of
 *            the client's (so it holds no CR or LF).
 * @return bytes written (a NUL follows them, so @p size must be larger),
 *         or 0 if @p dst is too small.
 */
size_t hs_format_accept(char *dst, size_t size, const char *accept,
                        const char *protocol);

/**
 * @brief Write an error response that closes the connection.
 *
 * The body is the reason and a newline, as text/plain; a 426 also carries
 * "Sec-WebSocket-Version: 13".
 * @param[out] dst destination buffer.
 * @param[in] size size of @p dst (256 bytes plus the reason suffice).
 * @param[in] status HTTP status code, e.g. 400.
 * @param[in] reason one line, without CR or LF.
 * @return bytes written (a NUL follows them, so @p size must be larger),
 *         or 0 if @p dst is too small.
 */
size_t hs_format_error(char *dst, size_t size, int status, const char *reason);

/** @brief The reason phrase of an HTTP status code ("Bad Request"). */
const char *hs_status_text(int status);

/** @} */
#endif
