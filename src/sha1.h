/**
 * @file sha1.h
 * @brief SHA-1 message digest (FIPS 180-4 §6.1).
 *
 * wspush needs SHA-1 for one thing: the Sec-WebSocket-Accept value of the
 * opening handshake (RFC 6455 §4.2.2). SHA-1 is broken for collision
 * resistance, which does not matter there: the handshake only proves the
 * server read the key, it protects nothing.
 *
 * @defgroup sha1 SHA-1
 * @{
 */
#ifndef WSPUSH_SHA1_H
#define WSPUSH_SHA1_H

#include <stddef.h>
#include <stdint.h>

/** Size of a SHA-1 digest in bytes. */
#define SHA1_DIGEST_SIZE 20

/** Size of one SHA-1 input block in bytes. */
#define SHA1_BLOCK_SIZE 64

/** Running state of a SHA-1 computation. Treat the fields as private. */
typedef struct sha1_ctx {
    uint32_t h[5];                 /**< chaining value H0..H4 */
    uint64_t nbytes;               /**< message bytes hashed so far */
    uint8_t block[SHA1_BLOCK_SIZE];/**< partial input block */
    size_t used;                   /**< bytes held in @c block */
} sha1_ctx;

/**
 * @brief Start a new digest.
 * @param[out] ctx state to initialise.
 */
void sha1_init(sha1_ctx *ctx);

/**
 * @brief Hash @p len more bytes of the message.
 * @param[in,out] ctx state from sha1_init().
 * @param[in] data bytes to hash (may be NULL when @p len is 0).
 * @param[in] len number of bytes.
 */
void sha1_update(sha1_ctx *ctx, const void *data, size_t len);

/**
 * @brief Finish the digest (FIPS 180-4 §5.1.1 padding) and write it.
 * @param[in,out] ctx state; it must be re-initialised before reuse.
 * @param[out] digest the 20-byte result.
 */
void sha1_final(sha1_ctx *ctx, uint8_t digest[SHA1_DIGEST_SIZE]);

/**
 * @brief One-shot digest of a whole buffer.
 * @param[in] data bytes to hash.
 * @param[in] len number of bytes.
 * @param[out] digest the 20-byte result.
 */
void sha1(const void *data, size_t len, uint8_t digest[SHA1_DIGEST_SIZE]);

/** @} */
#endif
