/**
 * @file utf8.h
 * @brief Incremental UTF-8 validation (RFC 3629 §4).
 *
 * RFC 6455 §8.1 requires a text message to be valid UTF-8 and §5.6 lets an
 * endpoint fail the connection as soon as it sees a byte that cannot start
 * or continue a valid sequence, even mid-message. This validator keeps its
 * state between calls, so a message may be fed in any pieces (fragments,
 * partial reads) and the first bad byte is reported where it arrives.
 *
 * Rejected: overlong forms, UTF-16 surrogates (U+D800..U+DFFF), code points
 * above U+10FFFF, stray continuation bytes, the bytes C0, C1, F5..FF, and
 * (at utf8_finish()) a sequence cut short at the end of the message.
 *
 * @defgroup utf8 UTF-8
 * @{
 */
#ifndef WSPUSH_UTF8_H
#define WSPUSH_UTF8_H

#include <stddef.h>
#include <stdint.h>

/** Validator state between calls. Zero-initialised means "at a boundary". */
typedef struct utf8_state {
    uint32_t need;   /**< continuation bytes still expected */
    /** @{ */
    uint8_t lo, hi;  /**< allowed range of the next continuation byte */
    /** @} */
} utf8_state;

/** @brief Reset @p st to the start of a new text. */
void utf8_init(utf8_state *st);

/**
 * @brief Validate the next piece of a text.
 * @param[in,out] st state carried between pieces.
 * @param[in] p bytes of the piece.
 * @param[in] len number of bytes.
 * @param[out] bad on failure, the offset in @p p of the first invalid byte
 *             (may be NULL).
 * @return 0 when every byte so far can still be part of valid UTF-8,
 *         -1 at the first invalid byte. After a failure the state stays
 *         failed until utf8_init().
 */
int utf8_feed(utf8_state *st, const uint8_t *p, size_t len, size_t *bad);

/**
 * @brief Say whether the text may end here.
 * @param[in] st state after the last piece.
 * @return 1 if the text ended on a character boundary, 0 if it ended inside
 *         a multi-byte sequence (which makes it invalid).
 */
int utf8_complete(const utf8_state *st);

/**
 * @brief Validate a whole text at once.
 * @return 1 if @p p[0..len) is valid UTF-8, else 0.
 */
int utf8_valid(const void *p, size_t len);

/** @} */
#endif
