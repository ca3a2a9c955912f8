/**
 * @file token.h
 * @brief Signed page tokens: a uid and an expiry under an HMAC-SHA1.
 *
 * With a secret configured, a page proves its uid with a token minted by
 * the backend, which shares the secret with the server. A token is four
 * fields joined by dots (docs/PROTOCOL.md gives the full rules and a
 * worked example):
 *
 *     v1.UID.EXPIRY.MAC
 *
 * - @c v1: the format version;
 * - @c UID: the uid's bytes in unpadded Base64url (RFC 4648 §5);
 * - @c EXPIRY: the last second the token is valid, in Unix time, as a
 *   decimal number without leading zeros;
 * - @c MAC: HMAC-SHA1 (RFC 2104) keyed with the secret over everything
 *   before the last dot ("v1.UID.EXPIRY"), in 40 lowercase hex digits.
 *
 * Base64url and hex keep the token within the characters a URL, a cookie
 * or a JavaScript string take as they are; the MAC covers the uid exactly
 * as encoded, so a verifier never has to re-encode anything.
 *
 * @defgroup token Page tokens
 * @{
 */
#ifndef WSPUSH_TOKEN_H
#define WSPUSH_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "uidmap.h"

/** Digits of the longest expiry accepted (keeps it within int64_t). */
#define TOKEN_EXPIRY_DIGITS 18

/** Longest token: "v1." + 342 characters of Base64url for a 256-byte
 *  uid + "." + the expiry + "." + 40 hex digits. */
#define TOKEN_MAX_LEN \
    (3 + (UIDMAP_UID_MAX * 4 + 2) / 3 + 1 + TOKEN_EXPIRY_DIGITS + 1 + 40)

/** token_verify() result: the token is authentic and current. */
#define TOKEN_OK 0
/** token_verify() result: malformed, or the MAC does not match. */
#define TOKEN_INVALID (-1)
/** token_verify() result: authentic, but its expiry has passed. */
#define TOKEN_EXPIRED (-2)

/**
 * @brief Write a token for @p uid valid through the second @p expiry.
 * @param[out] dst destination; receives the token and a NUL.
 * @param[in] size size of @p dst; TOKEN_MAX_LEN + 1 always suffices.
 * @param[in] key the shared secret.
 * @param[in] keylen bytes of @p key.
 * @param[in] uid the uid, 1 to UIDMAP_UID_MAX bytes of UTF-8.
 * @param[in] uid_len bytes of @p uid.
 * @param[in] expiry Unix time, 0 or more.
 * @return the token's length, or 0 if @p uid or @p expiry is out of range
 *         or @p dst is too small.
 */
size_t token_mint(char *dst, size_t size, const void *key, size_t keylen,
                  const char *uid, size_t uid_len, int64_t expiry);

/**
 * @brief Check a token and extract its uid.
 *
 * The form is checked first, then the MAC (compared in constant time),
 * then the uid (1 to UIDMAP_UID_MAX bytes, valid UTF-8), then the expiry:
 * TOKEN_EXPIRED is said only of a token whose MAC is right, so a forger
 * learns nothing from it. There is no allowance for clock skew: the
 * token is valid while @p now is at most its expiry.
 *
 * @param[in] tok the token (need not be NUL-terminated).
 * @param[in] len bytes of @p tok.
 * @param[in] key the shared secret.
 * @param[in] keylen bytes of @p key.
 * @param[in] now the current Unix time.
 * @param[out] uid the uid, on TOKEN_OK (not NUL-terminated).
 * @param[out] uid_len its length, on TOKEN_OK.
 * @param[out] why if not NULL, set to a static phrase saying what was
 *             wrong ("bad signature", ...), for the log; "ok" on TOKEN_OK.
 * @return TOKEN_OK, TOKEN_INVALID or TOKEN_EXPIRED.
 */
int token_verify(const char *tok, size_t len, const void *key, size_t keylen,
                 int64_t now, char uid[UIDMAP_UID_MAX], size_t *uid_len,
                 const char **why);

/** @} */
#endif
