/* hmac.c -- HMAC-SHA1 (RFC 2104) on top of sha1.c.
 *
 * The key is reduced to one block K' (hashed first if longer, RFC 2104
 * §2 step 1, then padded with zeros); the inner hash starts with
 * K' ^ 0x36..., the outer one with K' ^ 0x5C.... Key material on the stack
 * is wiped before returning, as far as C lets us: a compiler may drop a
 * memset() of a buffer it can see is dead, so the wipe goes through a
 * volatile pointer. */
#include <string.h>

#include "hmac.h"

#define IPAD 0x36
#define OPAD 0x5C

/* Overwrite n bytes with zeros in a way the compiler keeps. */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;

    while (n--) *v++ = 0;
}

void hmac_sha1_init(hmac_sha1_ctx *ctx, const void *key, size_t keylen)
{
    uint8_t k[SHA1_BLOCK_SIZE], ikey[SHA1_BLOCK_SIZE];
    size_t i;

    memset(k, 0, sizeof k);
    if (keylen > SHA1_BLOCK_SIZE)
        sha1(key, keylen, k);               /* K' = H(K), then zeros */
    else if (keylen > 0)
        memcpy(k, key, keylen);
    for (i = 0; i < SHA1_BLOCK_SIZE; i++) {
        ikey[i] = (uint8_t)(k[i] ^ IPAD);
        ctx->okey[i] = (uint8_t)(k[i] ^ OPAD);
    }
    sha1_init(&ctx->inner);
    sha1_update(&ctx->inner, ikey, sizeof ikey);
    wipe(k, sizeof k);
    wipe(ikey, sizeof ikey);
}

void hmac_sha1_update(hmac_sha1_ctx *ctx, const void *data, size_t len)
{
    sha1_update(&ctx->inner, data, len);
}

void hmac_sha1_final(hmac_sha1_ctx *ctx, uint8_t mac[SHA1_DIGEST_SIZE])
{
    uint8_t ihash[SHA1_DIGEST_SIZE];
    sha1_ctx outer;

    sha1_final(&ctx->inner, ihash);
    sha1_init(&outer);
    sha1_update(&outer, ctx->okey, sizeof ctx->okey);
    sha1_update(&outer, ihash, sizeof ihash);
    sha1_final(&outer, mac);
    wipe(ihash, sizeof ihash);
    wipe(ctx, sizeof *ctx);
}

void hmac_sha1(const void *key, size_t keylen, const void *data, size_t len,
               uint8_t mac[SHA1_DIGEST_SIZE])
{
    hmac_sha1_ctx ctx;

    hmac_sha1_init(&ctx, key, keylen);
    hmac_sha1_update(&ctx, data, len);
    hmac_sha1_final(&ctx, mac);
}

int hmac_equal(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    uint8_t diff = 0;
    size_t i;

    for (i = 0; i < n; i++)
        diff |= (uint8_t)(x[i] ^ y[i]);
    return diff == 0;
}
