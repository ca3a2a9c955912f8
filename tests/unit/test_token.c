/* test_token.c -- page tokens: the documented example, round trips,
 * tampering, and every malformed form refused.
 *
 *   test_token [GROUP]                  run the checks (see check.h)
 *   test_token mint KEY UID EXPIRY      print a token, so that tests can
 *                                       compare it with the PHP function
 *   test_token verify KEY TOKEN NOW     print "ok UID", "invalid" or
 *                                       "expired" */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "hmac.h"
#include "token.h"

/* The worked example of docs/PROTOCOL.md; the token was computed with
 * Python's hmac and base64 modules. */
#define KEY "wspush-example-secret-0123456789"
#define EXAMPLE "v1.dWlkMQ.1767225600.9dcfb9873c2d6111d21f03eddc044c20650e3a9a"
#define EXAMPLE_UTF8 \
    "v1.Y2Fmw6kg4piV.1767225600.cba6552b33ce489f234920cb6b82328100c9de70"

static int verify(const char *tok, int64_t now, char *uid, size_t *uid_len)
{
    return token_verify(tok, strlen(tok), KEY, strlen(KEY), now, uid,
                        uid_len, NULL);
}

/* body + "." + its MAC under KEY, into out: a token whose signature is
 * right whatever the body holds, to test the checks after the MAC. */
static const char *sign(const char *body, char *out, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t mac[SHA1_DIGEST_SIZE];
    size_t n = strlen(body);
    int i;

    hmac_sha1(KEY, strlen(KEY), body, n, mac);
    if (n + 42 > size) abort();
    memcpy(out, body, n);
    out[n++] = '.';
    for (i = 0; i < SHA1_DIGEST_SIZE; i++) {
        out[n++] = digits[mac[i] >> 4];
        out[n++] = digits[mac[i] & 15];
    }
    out[n] = '\0';
    return out;
}

static void test_example(void)
{
    char tok[TOKEN_MAX_LEN + 1], uid[UIDMAP_UID_MAX];
    const char *why;
    size_t n;

    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, strlen(KEY), "uid1", 4,
                            1767225600), strlen(EXAMPLE));
    CHECK(strcmp(tok, EXAMPLE) == 0);
    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, strlen(KEY),
                            "caf\xC3\xA9 \xE2\x98\x95", 9, 1767225600),
                 strlen(EXAMPLE_UTF8));
    CHECK(strcmp(tok, EXAMPLE_UTF8) == 0);

    /* Valid through its expiry second, expired one second later. */
    CHECK_EQ_INT(verify(EXAMPLE, 1767225600, uid, &n), TOKEN_OK);
    CHECK(n == 4 && memcmp(uid, "uid1", 4) == 0);
    CHECK_EQ_INT(verify(EXAMPLE, 0, uid, &n), TOKEN_OK);
    CHECK_EQ_INT(token_verify(EXAMPLE, strlen(EXAMPLE), KEY, strlen(KEY),
                              1767225601, uid, &n, &why), TOKEN_EXPIRED);
    CHECK(strcmp(why, "expired") == 0);
    CHECK_EQ_INT(verify(EXAMPLE_UTF8, 1767225600, uid, &n), TOKEN_OK);
    CHECK(n == 9 && memcmp(uid, "caf\xC3\xA9 \xE2\x98\x95", 9) == 0);
}

/* uids of every length mod 3 (each padding case), up to the longest,
 * come back out byte for byte. */
static void test_roundtrip(void)
{
    char tok[TOKEN_MAX_LEN + 1], in[UIDMAP_UID_MAX], out[UIDMAP_UID_MAX];
    size_t len, n, t;

    for (len = 1; len <= UIDMAP_UID_MAX; len++) {
        for (n = 0; n < len; n++)
            in[n] = (char)('!' + (len * 7 + n * 13) % 94);
        t = token_mint(tok, sizeof tok, KEY, strlen(KEY), in, len,
                       INT64_C(999999999999999999));
        CHECK(t > 0 && t <= TOKEN_MAX_LEN && t == strlen(tok));
        CHECK(strspn(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                          "0123456789-_.") == t);
        CHECK_EQ_INT(verify(tok, 1767225600, out, &n), TOKEN_OK);
        CHECK(n == len && memcmp(in, out, len) == 0);
    }
    /* The longest token just fits TOKEN_MAX_LEN + 1 bytes, not one less. */
    memset(in, 'x', UIDMAP_UID_MAX);
    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, strlen(KEY), in,
                            UIDMAP_UID_MAX, INT64_C(999999999999999999)),
                 TOKEN_MAX_LEN);
    CHECK_EQ_INT(token_mint(tok, TOKEN_MAX_LEN, KEY, strlen(KEY), in,
                            UIDMAP_UID_MAX, INT64_C(999999999999999999)), 0);
}

/* Any one character changed anywhere makes the token invalid (never
 * expired, never ok), and so does another key. */
static void test_tamper(void)
{
    static const char repl[] = "AQaq09-_.x";
    char tok[TOKEN_MAX_LEN + 1], uid[UIDMAP_UID_MAX];
    size_t i, k, n, len = strlen(EXAMPLE);

    for (i = 0; i < len; i++) {
        for (k = 0; repl[k]; k++) {
            if (EXAMPLE[i] == repl[k]) continue;
            strcpy(tok, EXAMPLE);
            tok[i] = repl[k];
            CHECK_EQ_INT(verify(tok, 0, uid, &n), TOKEN_INVALID);
        }
        /* Cut short at every length. */
        memcpy(tok, EXAMPLE, i);
        tok[i] = '\0';
        CHECK_EQ_INT(verify(tok, 0, uid, &n), TOKEN_INVALID);
    }
    /* Upper-case hex is not the token's form. */
    strcpy(tok, EXAMPLE);
    for (i = len - 40; i < len; i++)
        if (tok[i] >= 'a') tok[i] = (char)(tok[i] - 'a' + 'A');
    CHECK_EQ_INT(verify(tok, 0, uid, &n), TOKEN_INVALID);
    /* Another key, or the same key one byte shorter. */
    CHECK_EQ_INT(token_verify(EXAMPLE, len, "another secret", 14, 0, uid, &n,
                              NULL), TOKEN_INVALID);
    CHECK_EQ_INT(token_verify(EXAMPLE, len, KEY, strlen(KEY) - 1, 0, uid, &n,
                              NULL), TOKEN_INVALID);
    /* An expired token with a forged MAC is invalid, not expired. */
    strcpy(tok, EXAMPLE);
    tok[len - 1] = tok[len - 1] == '0' ? '1' : '0';
    CHECK_EQ_INT(verify(tok, INT64_C(4000000000), uid, &n), TOKEN_INVALID);
}

/* Correctly signed, but not in the token's form: each is refused, so a
 * backend's mistake shows at once instead of binding an odd uid. */
static void test_malformed(void)
{
    static const char *bodies[] = {
        "v1.dWlkMQ=.1767225600",          /* padding */
        "v1.dWlkMR.1767225600",           /* non-zero pad bits */
        "v1.dWl+MQ.1767225600",           /* standard alphabet */
        "v1.dWlkM.1767225600",            /* 5 characters: not Base64 */
        "v1..1767225600",                 /* empty uid */
        "v1.gA.1767225600",               /* uid 0x80: not UTF-8 */
        "v1.dWlkMQ.01767225600",          /* leading zero */
        "v1.dWlkMQ.",                     /* no expiry */
        "v1.dWlkMQ.-1",
        "v1.dWlkMQ.1e9",
        "v1.dWlkMQ.1234567890123456789",  /* 19 digits */
        "v1.dWlkMQ.1767225600.extra",     /* five fields */
        "v2.dWlkMQ.1767225600",
        NULL
    };
    char tok[TOKEN_MAX_LEN + 64], uid[UIDMAP_UID_MAX], body[400];
    const char **b;
    size_t n;

    for (b = bodies; *b; b++) {
        int rc = verify(sign(*b, tok, sizeof tok), 0, uid, &n);

        if (rc != TOKEN_INVALID) fprintf(stderr, "accepted: %s\n", tok);
        CHECK_EQ_INT(rc, TOKEN_INVALID);
    }
    /* The control: the same routine signs the example right. */
    CHECK(strcmp(sign("v1.dWlkMQ.1767225600", tok, sizeof tok), EXAMPLE) == 0);

    /* 257 bytes of uid: too long, even correctly signed. */
    memcpy(body, "v1.", 3);
    memset(body + 3, 'e', 343);     /* 343 characters: 257 bytes */
    memcpy(body + 346, ".1", 3);
    CHECK_EQ_INT(verify(sign(body, tok, sizeof tok), 0, uid, &n),
                 TOKEN_INVALID);
    CHECK_EQ_INT(verify("", 0, uid, &n), TOKEN_INVALID);

    /* What token_mint refuses. */
    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, 3, "", 0, 1), 0);
    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, 3, body, 257, 1), 0);
    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, 3, "\x80", 1, 1), 0);
    CHECK_EQ_INT(token_mint(tok, sizeof tok, KEY, 3, "u", 1, -1), 0);
    CHECK_EQ_INT(token_mint(tok, 20, KEY, 3, "uid1", 4, 1), 0);
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        { "example", test_example },
        { "roundtrip", test_roundtrip },
        { "tamper", test_tamper },
        { "malformed", test_malformed },
        { NULL, NULL }
    };
    char tok[TOKEN_MAX_LEN + 1], uid[UIDMAP_UID_MAX];
    size_t n;
    int rc;

    if (argc == 5 && strcmp(argv[1], "mint") == 0) {
        if (token_mint(tok, sizeof tok, argv[2], strlen(argv[2]), argv[3],
                       strlen(argv[3]), strtoll(argv[4], NULL, 10)) == 0)
            return 1;
        return printf("%s\n", tok) < 0;
    }
    if (argc == 5 && strcmp(argv[1], "verify") == 0) {
        rc = token_verify(argv[3], strlen(argv[3]), argv[2], strlen(argv[2]),
                          strtoll(argv[4], NULL, 10), uid, &n, NULL);
        if (rc == TOKEN_OK) printf("ok %.*s\n", (int)n, uid);
        else puts(rc == TOKEN_EXPIRED ? "expired" : "invalid");
        return 0;
    }
    return check_main(argc, argv, groups);
}
