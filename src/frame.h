/**
 * @file frame.h
 * @brief RFC 6455 §5 framing: a receiving decoder that does no I/O, and the
 *        few encoders a server needs.
 *
 * The decoder takes bytes exactly as they came off the socket, in pieces of
 * any size, and turns them into events: a piece of a data message, a
 * complete ping, pong or close frame, "feed me more", or an error that
 * names the rule broken and the close code to fail the connection with
 * (§7.1.7). It unmasks payloads in place and validates text incrementally,
 * so a bad byte is reported as soon as it arrives, never buffered first.
 *
 * The server side's rules (§5.1-§5.5, §7.4) and how they fail:
 * | rule broken                                  | error                         | close |
 * |----------------------------------------------|-------------------------------|-------|
 * | frame not masked (§5.1)                      | WS_ERR_UNMASKED               | 1002  |
 * | RSV1-3 set, no extension negotiated (§5.2)   | WS_ERR_RSV                    | 1002  |
 * | reserved opcode 3-7, B-F (§5.2)              | WS_ERR_OPCODE                 | 1002  |
 * | control frame with FIN clear (§5.5)          | WS_ERR_CONTROL_FRAGMENTED     | 1002  |
 * | control frame payload over 125 (§5.5)        | WS_ERR_CONTROL_TOO_LONG       | 1002  |
 * | 64-bit length with the top bit set (§5.2)    | WS_ERR_LENGTH_TOP_BIT         | 1002  |
 * | length not in its shortest form (§5.2)       | WS_ERR_LENGTH_NOT_MINIMAL     | 1002  |
 * | continuation with no message open (§5.4)     | WS_ERR_ORPHAN_CONTINUATION    | 1002  |
 * | text/binary while a message is open (§5.4)   | WS_ERR_EXPECTED_CONTINUATION  | 1002  |
 * | close payload of 1 byte (§5.5.1)             | WS_ERR_CLOSE_LENGTH           | 1002  |
 * | close code not allowed on the wire (§7.4)    | WS_ERR_CLOSE_CODE             | 1002  |
 * | close reason not UTF-8 (§5.5.1)              | WS_ERR_CLOSE_UTF8             | 1007  |
 * | text message not UTF-8 (§8.1)                | WS_ERR_TEXT_UTF8              | 1007  |
 * | message longer than the decoder's cap        | WS_ERR_TOO_BIG                | 1009  |
 *
 * @defgroup frame Framing
 * @{
 */
#ifndef WSPUSH_FRAME_H
#define WSPUSH_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "utf8.h"

/** @name Opcodes (§5.2) */
/** @{ */
#define WS_OP_CONT   0x0  /**< continuation frame */
#define WS_OP_TEXT   0x1  /**< text frame */
#define WS_OP_BINARY 0x2  /**< binary frame */
#define WS_OP_CLOSE  0x8  /**< connection close */
#define WS_OP_PING   0x9  /**< ping */
#define WS_OP_PONG   0xA  /**< pong */
/** @} */

/** @name Close codes (§7.4.1) */
/** @{ */
#define WS_CLOSE_NORMAL      1000 /**< normal closure */
#define WS_CLOSE_GOING_AWAY  1001 /**< server shutting down, peer gone */
#define WS_CLOSE_PROTOCOL    1002 /**< protocol error */
#define WS_CLOSE_UNSUPPORTED 1003 /**< data type not accepted */
#define WS_CLOSE_NO_STATUS   1005 /**< (never sent) close frame had no code */
#define WS_CLOSE_ABNORMAL    1006 /**< (never sent) no close frame at all */
#define WS_CLOSE_BAD_DATA    1007 /**< payload inconsistent with its type */
#define WS_CLOSE_POLICY      1008 /**< policy violation */
#define WS_CLOSE_TOO_BIG     1009 /**< message too big */
#define WS_CLOSE_INTERNAL    1011 /**< unexpected condition */
#define WS_CLOSE_TRY_LATER   1013 /**< try again later */
/** @} */

/** Largest frame header: 2 bytes, 8 of extended length, 4 of mask key. */
#define WS_MAX_HEADER 14
/** Largest payload of a control frame (§5.5). */
#define WS_MAX_CONTROL 125

/** Why the decoder failed. */
typedef enum ws_error {
    WS_ERR_NONE = 0,               /**< no error */
    WS_ERR_UNMASKED,               /**< client frame without a mask */
    WS_ERR_RSV,                    /**< RSV1, RSV2 or RSV3 set */
    WS_ERR_OPCODE,                 /**< reserved opcode */
    WS_ERR_CONTROL_FRAGMENTED,     /**< control frame with FIN clear */
    WS_ERR_CONTROL_TOO_LONG,       /**< control payload over 125 bytes */
    WS_ERR_LENGTH_TOP_BIT,         /**< 64-bit length with its top bit set */
    WS_ERR_LENGTH_NOT_MINIMAL,     /**< length not in its shortest encoding */
    WS_ERR_ORPHAN_CONTINUATION,    /**< continuation with no message open */
    WS_ERR_EXPECTED_CONTINUATION,  /**< new data frame inside a message */
    WS_ERR_CLOSE_LENGTH,           /**< close payload of exactly 1 byte */
    WS_ERR_CLOSE_CODE,             /**< close code not valid on the wire */
    WS_ERR_CLOSE_UTF8,             /**< close reason is not UTF-8 */
    WS_ERR_TEXT_UTF8,              /**< text message is not UTF-8 */
    WS_ERR_TOO_BIG                 /**< message over the decoder's cap */
} ws_error;

/** What one call of ws_decode() produced. */
typedef enum ws_event_type {
    WS_EV_NEED_MORE = 0, /**< every byte given was consumed; feed more */
    WS_EV_DATA,          /**< a piece of a text or binary message */
    WS_EV_PING,          /**< a complete ping frame */
    WS_EV_PONG,          /**< a complete pong frame */
    WS_EV_CLOSE,         /**< a complete, valid close frame */
    WS_EV_ERROR          /**< the peer broke a rule; fail the connection */
} ws_event_type;

/** One decoder event. Pointers stay valid until the caller's buffer is
 *  reused or the decoder is called again. */
typedef struct ws_event {
    ws_event_type type;  /**< what happened */
    int opcode;          /**< WS_EV_DATA: WS_OP_TEXT or WS_OP_BINARY, the
                              message's type even on continuation frames */
    const uint8_t *data; /**< payload piece (unmasked), or control payload;
                              for WS_EV_CLOSE, the reason; never NULL
                              for these events, even when @c len is 0 */
    size_t len;          /**< bytes at @c data */
    int last;            /**< WS_EV_DATA: 1 if this piece ends the message */
    unsigned close_code; /**< WS_EV_CLOSE: the code, or 1005 if none */
    ws_error error;      /**< WS_EV_ERROR: which rule */
} ws_event;

/** Receiving state of one connection. Initialise with ws_decoder_init();
 *  all fields are private. */
typedef struct ws_decoder {
    uint64_t max_message;          /**< cap on a data message's payload */
    int state;                     /**< header, payload, closed or failed */
    uint8_t hdr[WS_MAX_HEADER];    /**< header bytes gathered so far */
    size_t hdr_len;                /**< bytes in @c hdr */
    int fin;                       /**< FIN bit of the current frame */
    int opcode;                    /**< opcode of the current frame */
    uint8_t mask[4];               /**< masking key of the current frame */
    uint64_t remaining;            /**< payload bytes left in this frame */
    uint64_t offset;               /**< payload bytes seen in this frame */
    int msg_opcode;                /**< type of the open message, 0 if none */
    uint64_t msg_len;              /**< payload bytes of the open message */
    utf8_state utf8;               /**< text validation across fragments */
    uint8_t ctrl[WS_MAX_CONTROL];  /**< control payload being gathered */
    ws_error error;                /**< sticky error once failed */
} ws_decoder;

/**
 * @brief Prepare a decoder for a new connection.
 * @param[out] d decoder.
 * @param[in] max_message largest data message accepted, summed over its
 *            fragments; a frame whose header would pass it fails the
 *            connection with WS_ERR_TOO_BIG.
 */
void ws_decoder_init(ws_decoder *d, uint64_t max_message);

/**
 * @brief Consume bytes and produce at most one event.
 *
 * Call it in a loop until it returns WS_EV_NEED_MORE or WS_EV_ERROR,
 * advancing @p buf by the returned count each time; it may return an event
 * having consumed nothing (e.g. a zero-length final frame is reported as an
 * empty WS_EV_DATA with @c last set), so call again even when @p len is 0.
 * The payload bytes in @p buf are unmasked in place.
 *
 * Once WS_EV_CLOSE has been returned, later bytes are consumed and ignored
 * (§5.5.1: nothing after a close frame is data). Once WS_EV_ERROR has been
 * returned, every later call returns it again and consumes nothing; the
 * bytes consumed by the call that fails end with the offending byte (the
 * one that broke the rule, or the last of a frame judged whole), however
 * the stream was split.
 *
 * @param[in,out] d decoder.
 * @param[in,out] buf received bytes; payload is unmasked in place. May be
 *            NULL when @p len is 0.
 * @param[in] len number of bytes in @p buf.
 * @param[out] ev the event.
 * @return the number of bytes of @p buf consumed.
 */
size_t ws_decode(ws_decoder *d, uint8_t *buf, size_t len, ws_event *ev);

/** @brief The close code (§7.4.1) to fail the connection with for @p err
 *  (1000 for WS_ERR_NONE). */
unsigned ws_error_close_code(ws_error err);

/** @brief A short English description of @p err, usable as a close reason
 *  (always under 123 bytes). */
const char *ws_error_string(ws_error err);

/**
 * @brief Say whether a close code may appear in a close frame (§7.4).
 * @return 1 for 1000-1003, 1007-1014 and 3000-4999; 0 otherwise (1004-1006
 *         and 1015 are reserved for local use, the rest unassigned).
 */
int ws_close_code_valid(unsigned code);

/**
 * @brief Write an unmasked frame header (a server's frames are never masked,
 *        §5.1), using the shortest length encoding.
 * @param[out] out at least 10 bytes.
 * @param[in] fin 1 for the final fragment.
 * @param[in] opcode WS_OP_*.
 * @param[in] len payload length.
 * @return the header length, 2 to 10.
 */
size_t ws_frame_header(uint8_t *out, int fin, int opcode, uint64_t len);

/**
 * @brief Write a close frame's payload: the code in network order and the
 *        reason, cut at a UTF-8 boundary to fit 125 bytes.
 * @param[out] out at least WS_MAX_CONTROL bytes.
 * @param[in] code a close code.
 * @param[in] reason a UTF-8 reason, or NULL.
 * @return the payload length, 2 to 125.
 */
size_t ws_close_payload(uint8_t *out, unsigned code, const char *reason);

/** @} */
#endif
