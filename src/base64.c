/* base64.c -- Base64 with the standard alphabet and '=' padding (RFC 4648 §4).
 *
 * Every 3 bytes become 4 characters of 6 bits each. A final group of 1 or
 * 2 bytes becomes 2 or 3 characters followed by "==" or "=", and the bits
 * of the last character that no byte needs (the pad bits) are zero.
 *
 * The decoder accepts only what the encoder produces: the length is a
 * multiple of 4, '=' appears only as the last one or two characters, and
 * the pad bits are zero (§3.5). Anything else, white space included, is
 * refused, so a text that decodes has exactly one spelling. */
#include "base64.h"

#include <string.h>

/* The 64 characters in the order of their values (and a NUL, not used). */
static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* The 6-bit value of Base64 character c, or -1 if c is not in the
 * alphabet ('=' and NUL included). */
static int value(char c)
{
    const char *hit = memchr(alphabet, c, 64);

    return hit ? (int)(hit - alphabet) : -1;
}

size_t base64_encode(const uint8_t *src, size_t len, char *dst, size_t dstsize)
{
    size_t groups = len / 3 + (len % 3 != 0);
    size_t i = 0;
    uint32_t v;
    char *q = dst;

    /* Room for 4 characters per group and the NUL. Dividing instead of
     * multiplying cannot overflow, whatever len is. */
    if (dstsize == 0 || groups > (dstsize - 1) / 4)
        return (size_t)-1;

    for (; len - i >= 3; i += 3) {
        v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8 | src[i + 2];
        *q++ = alphabet[v >> 18];
        *q++ = alphabet[v >> 12 & 63];
        *q++ = alphabet[v >> 6 & 63];
        *q++ = alphabet[v & 63];
    }
    if (len - i == 1) {
        v = (uint32_t)src[i] << 16;
        *q++ = alphabet[v >> 18];
        *q++ = alphabet[v >> 12 & 63];
        *q++ = '=';
        *q++ = '=';
    } else if (len - i == 2) {
        v = (uint32_t)src[i] << 16 | (uint32_t)src[i + 1] << 8;
        *q++ = alphabet[v >> 18];
        *q++ = alphabet[v >> 12 & 63];
        *q++ = alphabet[v >> 6 & 63];
        *q++ = '=';
    }
    *q = '\0';
    return (size_t)(q - dst);
}

/* Decode the 4 characters at s into out. Only the last group of a text
 * (last != 0) may end in "=" or "==". Returns the number of bytes, 1 to 3,
 * or -1 if the group is not canonical Base64. */
static int decode_group(const char *s, int last, uint8_t out[3])
{
    int chars = 4;          /* characters before the padding */
    uint32_t bits = 0;
    int i, v;

    if (last && s[3] == '=')
        chars = s[2] == '=' ? 2 : 3;

    /* Read 24 bits, taking padding as zeros. Any other '=' is refused
     * here, since it is not in the alphabet. */
    for (i = 0; i < 4; i++) {
        v = i < chars ? value(s[i]) : 0;
        if (v < 0)
            return -1;
        bits = bits << 6 | (uint32_t)v;
    }

    /* chars - 1 whole bytes; the bits below them must be zero. */
    if (bits & (0xFFFFFFu >> 8 * (chars - 1)))
        return -1;
    out[0] = (uint8_t)(bits >> 16);
    out[1] = (uint8_t)(bits >> 8);
    out[2] = (uint8_t)bits;
    return chars - 1;
}

int base64_decode(const char *src, size_t len, uint8_t *dst, size_t dstsize,
                  size_t *outlen)
{
    uint8_t out[3];
    size_t i, n = 0;
    int got;

    if (len % 4 != 0)
        return -1;
    for (i = 0; i < len; i += 4) {
        got = decode_group(src + i, len - i == 4, out);
        if (got < 0 || (size_t)got > dstsize - n)
            return -1;
        memcpy(dst + n, out, (size_t)got);
        n += (size_t)got;
    }
    *outlen = n;
    return 0;
}
