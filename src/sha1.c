/* sha1.c -- SHA-1 (FIPS 180-4 §6.1), fed in pieces of any size.
 *
 * SHA-1 works on 64-byte blocks. sha1_update() keeps a partial block in the
 * context until it fills, hashes whole blocks straight from the caller's
 * buffer, and keeps what is left over for next time. sha1_final() pads the
 * message (§5.1.1): one 1 bit, zeros, then the message length in bits as a
 * 64-bit big-endian number, so the padded message is a whole number of
 * blocks.
 *
 * SHA-1 reads and writes its words big-endian. The bytes are assembled by
 * hand, so the code does not care about the host's byte order or alignment.
 * The arithmetic is on uint32_t, whose wrap-around is defined, and rotations
 * never shift by 32, which would be undefined. */
#include "sha1.h"

#include <string.h>

/* Rotate x left by n bits, for 0 < n < 32 (§3.2). */
static uint32_t rotl(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

/* Read the big-endian 32-bit word at p. */
static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
           (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Write v at p as a big-endian 32-bit word. */
static void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Hash one 64-byte block into the chaining value h (§6.1.2). */
static void compress(uint32_t h[5], const uint8_t *block)
{
    uint32_t w[80];
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    uint32_t f, k, t;
    int i;

    /* The message schedule: the block's 16 words, stretched to 80. */
    for (i = 0; i < 16; i++)
        w[i] = load_be32(block + 4 * i);
    for (; i < 80; i++)
        w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

    /* 80 rounds in four stages of 20, each with its own function (§4.1.1)
     * and constant (§4.2.1). */
    for (i = 0; i < 80; i++) {
        if (i < 20) {
            f = (b & c) | (~b & d);             /* Ch */
            k = 0x5A827999;
        } else if (i < 40) {
            f = b ^ c ^ d;                      /* Parity */
            k = 0x6ED9EBA1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);    /* Maj */
            k = 0x8F1BBCDC;
        } else {
            f = b ^ c ^ d;                      /* Parity */
            k = 0xCA62C1D6;
        }
        t = rotl(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rotl(b, 30);
        b = a;
        a = t;
    }

    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
}

void sha1_init(sha1_ctx *ctx)
{
    /* The initial hash value (§5.3.1). */
    ctx->h[0] = 0x67452301;
    ctx->h[1] = 0xEFCDAB89;
    ctx->h[2] = 0x98BADCFE;
    ctx->h[3] = 0x10325476;
    ctx->h[4] = 0xC3D2E1F0;
    ctx->nbytes = 0;
    ctx->used = 0;
}

void sha1_update(sha1_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t take;

    if (len == 0)                   /* data may be NULL then */
        return;
    ctx->nbytes += len;

    /* Top up a partial block first; hash it once it is full. */
    if (ctx->used > 0) {
        take = SHA1_BLOCK_SIZE - ctx->used;
        if (take > len)
            take = len;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take;
        p += take;
        len -= take;
        if (ctx->used < SHA1_BLOCK_SIZE)
            return;
        compress(ctx->h, ctx->block);
        ctx->used = 0;
    }

    /* Whole blocks need no copy. */
    while (len >= SHA1_BLOCK_SIZE) {
        compress(ctx->h, p);
        p += SHA1_BLOCK_SIZE;
        len -= SHA1_BLOCK_SIZE;
    }

    /* Keep the tail for the next call. */
    if (len > 0) {
        memcpy(ctx->block, p, len);
        ctx->used = len;
    }
}

void sha1_final(sha1_ctx *ctx, uint8_t digest[SHA1_DIGEST_SIZE])
{
    /* Message lengths are counted modulo 2^64 bits, as §5.1.1 allows for
     * nothing longer. */
    uint64_t bits = ctx->nbytes * 8;
    int i;

    /* The 1 bit; there is always room, since a full block is never kept. */
    ctx->block[ctx->used++] = 0x80;

    /* The length takes the last 8 bytes of a block. If they are not free,
     * pad this block with zeros and start another. */
    if (ctx->used > SHA1_BLOCK_SIZE - 8) {
        memset(ctx->block + ctx->used, 0, SHA1_BLOCK_SIZE - ctx->used);
        compress(ctx->h, ctx->block);
        ctx->used = 0;
    }
    memset(ctx->block + ctx->used, 0, SHA1_BLOCK_SIZE - 8 - ctx->used);
    store_be32(ctx->block + SHA1_BLOCK_SIZE - 8, (uint32_t)(bits >> 32));
    store_be32(ctx->block + SHA1_BLOCK_SIZE - 4, (uint32_t)bits);
    compress(ctx->h, ctx->block);

    for (i = 0; i < 5; i++)
        store_be32(digest + 4 * i, ctx->h[i]);
}

void sha1(const void *data, size_t len, uint8_t digest[SHA1_DIGEST_SIZE])
{
    sha1_ctx ctx;

    sha1_init(&ctx);
    sha1_update(&ctx, data, len);
    sha1_final(&ctx, digest);
}
