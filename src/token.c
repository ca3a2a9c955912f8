/* token.c -- minting and checking signed page tokens (see token.h).
 *
 * A token is "v1.UID.EXPIRY.MAC". Checking it never copies the token: the
 * fields are spans of the caller's buffer, the MAC is recomputed over the
 * signed part as it arrived, and only the uid is decoded, once the MAC has
 * proved the backend wrote it. */
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "hmac.h"
#include "token.h"
#include "utf8.h"

#define VERSION "v1."
#define MAC_HEX (2 * SHA1_DIGEST_SIZE)

/* Write the MAC of signed[0..n) under key as lowercase hex, with a NUL. */
static void mac_hex(const void *key, size_t keylen, const char *signed_part,
                    size_t n, char out[MAC_HEX + 1])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t mac[SHA1_DIGEST_SIZE];
    int i;

    hmac_sha1(key, keylen, signed_part, n, mac);
    for (i = 0; i < SHA1_DIGEST_SIZE; i++) {
        out[2 * i] = digits[mac[i] >> 4];
        out[2 * i + 1] = digits[mac[i] & 15];
    }
    out[MAC_HEX] = '\0';
}

/* Encode n bytes as unpadded Base64url (RFC 4648 §5) into dst of size
 * bytes, with a NUL. Returns the length, or 0 if it does not fit. */
static size_t b64url_encode(const char *p, size_t n, char *dst, size_t size)
{
    size_t len = base64_encode((const uint8_t *)p, n, dst, size), i;

    if (len == (size_t)-1) return 0;
    while (len > 0 && dst[len - 1] == '=') len--;
    dst[len] = '\0';
    for (i = 0; i < len; i++) {
        if (dst[i] == '+') dst[i] = '-';
        else if (dst[i] == '/') dst[i] = '_';
    }
    return len;
}

/* Decode unpadded Base64url into out (UIDMAP_UID_MAX bytes). Strict: only
 * the URL alphabet, no '=' padding, zero pad bits, so each uid has exactly
 * one encoding. Returns 0 and sets *outlen, or -1. */
static int b64url_decode(const char *p, size_t n, char *out, size_t *outlen)
{
    char std[BASE64_ENCODED_LEN(UIDMAP_UID_MAX)];
    size_t i;

    if (n % 4 == 1 || n > sizeof std - 2) return -1;
    for (i = 0; i < n; i++) {
        char c = p[i];

        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '+' || c == '/' || c == '=') return -1;
        std[i] = c;
    }
    while (i % 4) std[i++] = '=';
    return base64_decode(std, i, (uint8_t *)out, UIDMAP_UID_MAX, outlen);
}

/* Parse an expiry: 1 to TOKEN_EXPIRY_DIGITS decimal digits, no leading
 * zero (but "0" itself). Returns 0 and sets *v, or -1. */
static int parse_expiry(const char *p, size_t n, int64_t *v)
{
    size_t i;

    if (n == 0 || n > TOKEN_EXPIRY_DIGITS || (p[0] == '0' && n > 1))
        return -1;
    *v = 0;
    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        *v = *v * 10 + (p[i] - '0');
    }
    return 0;
}

size_t token_mint(char *dst, size_t size, const void *key, size_t keylen,
                  const char *uid, size_t uid_len, int64_t expiry)
{
    char enc[BASE64_ENCODED_LEN(UIDMAP_UID_MAX) + 1], mac[MAC_HEX + 1];
    size_t n;
    int w;

    if (uid_len == 0 || uid_len > UIDMAP_UID_MAX || expiry < 0 ||
        !utf8_valid(uid, uid_len))
        return 0;
    b64url_encode(uid, uid_len, enc, sizeof enc);
    w = snprintf(dst, size, VERSION "%s.%lld", enc, (long long)expiry);
    if (w < 0 || (size_t)w >= size) return 0;
    n = (size_t)w;
    mac_hex(key, keylen, dst, n, mac);
    if (size - n < 1 + MAC_HEX + 1) return 0;
    dst[n++] = '.';
    memcpy(dst + n, mac, MAC_HEX + 1);
    return n + MAC_HEX;
}

/* Set *why (if wanted) and return rc. */
static int verdict(int rc, const char **why, const char *what)
{
    if (why) *why = what;
    return rc;
}

int token_verify(const char *tok, size_t len, const void *key, size_t keylen,
                 int64_t now, char uid[UIDMAP_UID_MAX], size_t *uid_len,
                 const char **why)
{
    const char *dot1, *dot2, *end = tok + len;
    char want[MAC_HEX + 1];
    size_t signed_len;
    int64_t expiry;

    if (len > TOKEN_MAX_LEN)
        return verdict(TOKEN_INVALID, why, "too long");
    if (len < sizeof VERSION - 1 || memcmp(tok, VERSION, sizeof VERSION - 1))
        return verdict(TOKEN_INVALID, why, "not a v1 token");
    /* v1.UID.EXPIRY.MAC: UID and EXPIRY hold no dots, MAC is the rest. */
    dot1 = memchr(tok + 3, '.', (size_t)(end - tok - 3));
    dot2 = dot1 ? memchr(dot1 + 1, '.', (size_t)(end - dot1 - 1)) : NULL;
    if (dot2 == NULL || end - dot2 - 1 != MAC_HEX)
        return verdict(TOKEN_INVALID, why, "malformed");

    signed_len = (size_t)(dot2 - tok);
    mac_hex(key, keylen, tok, signed_len, want);
    if (!hmac_equal(want, dot2 + 1, MAC_HEX))
        return verdict(TOKEN_INVALID, why, "bad signature");

    /* Authentic from here on: what follows catches a backend's mistakes. */
    if (parse_expiry(dot1 + 1, (size_t)(dot2 - dot1 - 1), &expiry) < 0)
        return verdict(TOKEN_INVALID, why, "malformed expiry");
    if (b64url_decode(tok + 3, (size_t)(dot1 - tok - 3), uid, uid_len) < 0 ||
        *uid_len == 0)
        return verdict(TOKEN_INVALID, why, "malformed uid");
    if (!utf8_valid(uid, *uid_len))
        return verdict(TOKEN_INVALID, why, "uid not UTF-8");
    if (now > expiry)
        return verdict(TOKEN_EXPIRED, why, "expired");
    return verdict(TOKEN_OK, why, "ok");
}
