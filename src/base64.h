/**
 * @file base64.h
 * @brief Base64 encoding and strict decoding (RFC 4648 §4).
 *
 * The standard alphabet with '=' padding. The decoder is strict, as a
 * handshake validator should be: it rejects characters outside the alphabet,
 * white space, missing or misplaced padding, and non-zero pad bits
 * (RFC 4648 §3.5), so every input has exactly one accepted encoding.
 *
 * @defgroup base64 Base64
 * @{
 */
#ifndef WSPUSH_BASE64_H
#define WSPUSH_BASE64_H

#include <stddef.h>
#include <stdint.h>

/** Characters needed to encode @p n bytes, without a terminating NUL. */
#define BASE64_ENCODED_LEN(n) ((((n) + 2) / 3) * 4)

/** Upper bound of bytes decoded from @p n characters. */
#define BASE64_DECODED_MAX(n) (((n) / 4) * 3)

/**
 * @brief Encode bytes as Base64 text.
 * @param[in] src bytes to encode.
 * @param[in] len number of bytes.
 * @param[out] dst destination; receives the text and a terminating NUL.
 * @param[in] dstsize size of @p dst; must be at least
 *            BASE64_ENCODED_LEN(len) + 1.
 * @return the number of characters written (without the NUL), or
 *         (size_t)-1 if @p dst is too small (nothing is written then).
 */
size_t base64_encode(const uint8_t *src, size_t len, char *dst, size_t dstsize);

/**
 * @brief Decode strict, padded Base64 text.
 * @param[in] src text to decode (need not be NUL-terminated).
 * @param[in] len number of characters; must be a multiple of 4.
 * @param[out] dst destination for the bytes.
 * @param[in] dstsize size of @p dst.
 * @param[out] outlen number of bytes written, on success.
 * @return 0 on success; -1 if the text is not canonical Base64 or the
 *         result does not fit in @p dstsize (@p dst may have been
 *         written to then).
 */
int base64_decode(const char *src, size_t len, uint8_t *dst, size_t dstsize,
                  size_t *outlen);

/** @} */
#endif
