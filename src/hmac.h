/**
 * @file hmac.h
 * @brief HMAC-SHA1 (RFC 2104) and a constant-time comparison.
 *
 * HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)), where K' is the key
 * padded with zeros to one block, or first hashed if it is longer than a
 * block (RFC 2104 §2). wspush uses it to sign page tokens (token.h).
 * SHA-1's broken collision resistance does not carry over to HMAC-SHA1,
 * whose security rests on the compression function being a PRF
 * (RFC 6151 §3 makes the same point for HMAC-MD5).
 *
 * @defgroup hmac HMAC-SHA1
 * @{
 */
#ifndef WSPUSH_HMAC_H
#define WSPUSH_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include "sha1.h"

/** Running state of an HMAC-SHA1 computation. Treat the fields as private. */
typedef struct hmac_sha1_ctx {
    sha1_ctx inner;                  /**< H((K' ^ ipad) || m ...) */
    uint8_t okey[SHA1_BLOCK_SIZE];   /**< K' ^ opad, for the outer hash */
} hmac_sha1_ctx;

/**
 * @brief Start an HMAC with @p key.
 * @param[out] ctx state to initialise.
 * @param[in] key the key, any length (may be NULL when @p keylen is 0).
 * @param[in] keylen bytes of @p key.
 */
void hmac_sha1_init(hmac_sha1_ctx *ctx, const void *key, size_t keylen);

/**
 * @brief Add @p len more bytes of the message.
 * @param[in,out] ctx state from hmac_sha1_init().
 * @param[in] data bytes (may be NULL when @p len is 0).
 * @param[in] len number of bytes.
 */
void hmac_sha1_update(hmac_sha1_ctx *ctx, const void *data, size_t len);

/**
 * @brief Finish and write the 20-byte MAC; @p ctx holds no key afterwards.
 * @param[in,out] ctx state; re-initialise it before reuse.
 * @param[out] mac the result.
 */
void hmac_sha1_final(hmac_sha1_ctx *ctx, uint8_t mac[SHA1_DIGEST_SIZE]);

/**
 * @brief One-shot HMAC-SHA1 of a whole message.
 * @param[in] key the key, any length.
 * @param[in] keylen bytes of @p key.
 * @param[in] data the message.
 * @param[in] len bytes of @p data.
 * @param[out] mac the 20-byte result.
 */
void hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
               uint8_t mac[SHA1_DIGEST_SIZE]);

/**
 * @brief Compare two buffers in time that depends only on @p n.
 *
 * memcmp() returns at the first difference, so its running time tells an
 * attacker how many leading bytes of a forged MAC were right; this looks at
 * every byte whatever they hold.
 * @param[in] a first buffer.
 * @param[in] b second buffer.
 * @param[in] n bytes to compare.
 * @return 1 if the @p n bytes are equal, else 0.
 */
int hmac_equal(const void *a, const void *b, size_t n);

/** @} */
#endif
