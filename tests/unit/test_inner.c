/* test_inner.c -- unit tests for the inner port's line protocol
 * (src/inner.c).
 *
 * Groups: seed, uid_forms, errors, json_valid, commands, random. Every
 * line is parsed from a heap copy of exactly its length, so a read past
 * the end is caught by AddressSanitizer or valgrind. A failure prints the
 * line of this file that made the check and the input, escaped. */
#include "check.h"
#include "inner.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print s[0..len) with non-printing bytes as \xHH. */
static void print_escaped(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len && i < 160; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\') fputc(c, stderr);
        else fprintf(stderr, "\\x%02X", c);
    }
    if (i < len) fprintf(stderr, "... (%u bytes)", (unsigned)len);
}

/* Count a failure of the check at line `at` on input s[0..len). */
static void failed(int at, const char *s, size_t len, const char *what)
{
    fprintf(stderr, "%s:%d: %s for input \"", __FILE__, at, what);
    print_escaped(s, len);
    fprintf(stderr, "\"\n");
    check_failures++;
}

/* A heap copy of s[0..len) with no byte to spare. */
static char *copy_of(const char *s, size_t len)
{
    char *p = malloc(len ? len : 1);

    if (!p) {
        perror("malloc");
        exit(2);
    }
    if (len) memcpy(p, s, len);
    return p;
}

/* Expect s[0..len) to be INNER_PUSH to uid[0..uid_len), with the whole
 * line as the message. */
static void expect_push(int at, const char *s, size_t len,
                        const char *uid, size_t uid_len)
{
    char *line = copy_of(s, len);
    inner_request req;

    if (inner_parse(line, len, &req) != INNER_PUSH || req.kind != INNER_PUSH)
        failed(at, s, len, req.kind == INNER_ERROR ? req.error : "not PUSH");
    else if (req.uid_len != uid_len || memcmp(req.uid, uid, uid_len) != 0 ||
             req.uid[uid_len] != '\0')
        failed(at, s, len, "wrong uid");
    else if (req.message != line || req.message_len != len)
        failed(at, s, len, "message is not the line");
    free(line);
}

/* Expect s[0..len) to be refused with reason why, and no uid. */
static void expect_error(int at, const char *s, size_t len, const char *why)
{
    char *line = copy_of(s, len);
    inner_request req;

    if (inner_parse(line, len, &req) != INNER_ERROR)
        failed(at, s, len, "not ERROR");
    else if (!req.error || strcmp(req.error, why) != 0)
        failed(at, s, len, req.error ? req.error : "no reason");
    else if (req.uid_len != 0 || req.uid[0] != '\0')
        failed(at, s, len, "uid set on an error");
    free(line);
}

/* Expect s[0..len) to be of kind k (for EMPTY and STATS). */
static void expect_kind(int at, const char *s, size_t len, inner_kind k)
{
    char *line = copy_of(s, len);
    inner_request req;

    if (inner_parse(line, len, &req) != k || req.kind != k)
        failed(at, s, len, "wrong kind");
    free(line);
}

/* Expect s[0..len) to be INNER_ONLINE for uid[0..uid_len). */
static void expect_online(int at, const char *s, size_t len,
                          const char *uid, size_t uid_len)
{
    char *line = copy_of(s, len);
    inner_request req;

    if (inner_parse(line, len, &req) != INNER_ONLINE)
        failed(at, s, len, "not ONLINE");
    else if (req.uid_len != uid_len || memcmp(req.uid, uid, uid_len) != 0 ||
             req.uid[uid_len] != '\0')
        failed(at, s, len, "wrong uid");
    free(line);
}

/* Expect s[0..len) to be INNER_BROADCAST of its last msg_len bytes. */
static void expect_broadcast(int at, const char *s, size_t len,
                             const char *msg, size_t msg_len)
{
    char *line = copy_of(s, len);
    inner_request req;

    if (inner_parse(line, len, &req) != INNER_BROADCAST)
        failed(at, s, len, "not BROADCAST");
    else if (req.message_len != msg_len || msg_len > len ||
             req.message != line + (len - msg_len) ||
             memcmp(req.message, msg, msg_len) != 0)
        failed(at, s, len, "wrong message");
    free(line);
}

/* The same, for string literals (which may hold NUL bytes). */
#define PUSH(s, uid) expect_push(__LINE__, s, sizeof s - 1, uid, sizeof uid - 1)
#define ERR(s, why) expect_error(__LINE__, s, sizeof s - 1, why)
#define KIND(s, k) expect_kind(__LINE__, s, sizeof s - 1, k)
#define ONLINE(s, uid) \
    expect_online(__LINE__, s, sizeof s - 1, uid, sizeof uid - 1)
#define BROADCAST(s, msg) \
    expect_broadcast(__LINE__, s, sizeof s - 1, msg, sizeof msg - 1)

static const char E_UTF8[]    = "invalid UTF-8";
static const char E_JSON[]    = "invalid JSON";
static const char E_DEEP[]    = "JSON nested too deeply";
static const char E_NOTOBJ[]  = "not a JSON object";
static const char E_NOUID[]   = "missing uid";
static const char E_UIDTYPE[] = "uid must be a string or an integer";
static const char E_EMPTY[]   = "empty uid";
static const char E_LONG[]    = "uid too long";
static const char E_NOMSG[]   = "missing message";
static const char E_UNKNOWN[] = "unknown command";

/* ------------------------------------------------------------------ */

/* What the seed's backend sends, byte for byte. */
static void seed(void)
{
    /* json_encode(array('uid'=>'uid1','percent'=>'88%')) */
    PUSH("{\"uid\":\"uid1\",\"percent\":\"88%\"}", "uid1");
    /* json_encode escapes slashes and, by default, non-ASCII */
    PUSH("{\"uid\":\"u\\u00e9\",\"msg\":\"a\\/b\"}", "u\xC3\xA9");
    PUSH("{\"uid\":\"task-7\",\"data\":{\"done\":true,\"n\":3,\"l\":[1,2]}}",
         "task-7");
    /* json_encode(array('uid'=>42)): PHP's array keys make "42" an int */
    PUSH("{\"uid\":42,\"percent\":\"10%\"}", "42");
    /* JSON_UNESCAPED_UNICODE: raw UTF-8 */
    PUSH("{\"uid\":\"\xC3\xA9t\xC3\xA9\",\"m\":\"\xE2\x82\xAC\"}",
         "\xC3\xA9t\xC3\xA9");
    /* a CR left over from CRLF, should the caller leave it, is whitespace */
    PUSH("{\"uid\":\"uid1\"}\r", "uid1");
}

/* Every way a uid can be written, and which "uid" member counts. */
static void uid_forms(void)
{
    PUSH("{\"uid\":\"u\\u0031\"}", "u1");
    PUSH("{\"uid\":\"\\u00e9\\u00E9\"}", "\xC3\xA9\xC3\xA9");
    PUSH("{\"uid\":\"\\u20ac\"}", "\xE2\x82\xAC");
    PUSH("{\"uid\":\"\\ud83d\\ude00\"}", "\xF0\x9F\x98\x80");
    PUSH("{\"uid\":\"\\uDBFF\\uDFFF\"}", "\xF4\x8F\xBF\xBF");
    PUSH("{\"uid\":\"\\u0000\"}", "\0");
    PUSH("{\"uid\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}", "\"\\/\b\f\n\r\t");
    PUSH("{\"uid\":\"\xF0\x9F\x98\x80\"}", "\xF0\x9F\x98\x80");

    PUSH("{\"uid\":42}", "42");
    PUSH("{\"uid\":-7}", "-7");
    PUSH("{\"uid\":-0}", "0");
    PUSH("{\"uid\":0}", "0");
    PUSH("{\"uid\":123456789012345678901234567890}",
         "123456789012345678901234567890");
    PUSH("{\"uid\" : 7 }", "7");

    PUSH("{\"uid\":\"a\",\"uid\":\"b\"}", "b");
    PUSH("{\"uid\":\"a\",\"uid\":1}", "1");
    PUSH("{\"uid\":[1],\"uid\":\"ok\"}", "ok");
    ERR("{\"uid\":\"ok\",\"uid\":null}", E_UIDTYPE);

    PUSH("{\"\\u0075id\":\"k\"}", "k");
    PUSH("{\"ui\\u0064\":\"k\"}", "k");
    PUSH("{\"\\u0075\\u0069\\u0064\":\"k\"}", "k");
    ERR("{\"uid\\u0000\":\"k\"}", E_NOUID);
    ERR("{\"UID\":\"k\"}", E_NOUID);
    ERR("{\"ui\":\"k\",\"uidd\":\"k\"}", E_NOUID);

    /* only the top-level object's members count */
    ERR("{\"x\":{\"uid\":\"a\"}}", E_NOUID);
    ERR("{\"x\":[{\"uid\":\"a\"}]}", E_NOUID);
    PUSH("{\"x\":{\"uid\":\"a\"},\"uid\":\"b\"}", "b");
    PUSH("{\"uid\":\"b\",\"x\":{\"uid\":\"a\"}}", "b");
    PUSH("{\"uid\":\"b\",\"x\":{\"y\":{\"uid\":1}}}", "b");

    PUSH(" { \"uid\" : \"a\" } ", "a");
    PUSH("\t\r\n{\"uid\":\"a\"}\n", "a");
}

/* Build "{\"uid\":\"" + n bytes of unit (repeated) + "\"}" into buf. */
static size_t uid_line(char *buf, const char *unit, size_t n)
{
    size_t len = 0, u = strlen(unit), i;

    memcpy(buf, "{\"uid\":\"", 8);
    len = 8;
    for (i = 0; i < n; i++, len += u) memcpy(buf + len, unit, u);
    memcpy(buf + len, "\"}", 2);
    return len + 2;
}

/* Build `pre` + n x open + n x close + `post` into buf. */
static size_t nested(char *buf, const char *pre, size_t n, char open,
                     char close, const char *post)
{
    size_t len = strlen(pre), i;

    memcpy(buf, pre, len);
    for (i = 0; i < n; i++) buf[len++] = open;
    for (i = 0; i < n; i++) buf[len++] = close;
    memcpy(buf + len, post, strlen(post));
    return len + strlen(post);
}

/* The long-uid cases: 256 bytes, decoded, is the most accepted. */
static void uid_lengths(void)
{
    static char buf[8 * 1024], want[UIDMAP_UID_MAX];
    size_t len, i;

    len = uid_line(buf, "x", UIDMAP_UID_MAX);
    memset(want, 'x', UIDMAP_UID_MAX);
    expect_push(__LINE__, buf, len, want, UIDMAP_UID_MAX);
    len = uid_line(buf, "x", UIDMAP_UID_MAX + 1);
    expect_error(__LINE__, buf, len, E_LONG);
    len = uid_line(buf, "x", 5000);
    expect_error(__LINE__, buf, len, E_LONG);

    /* 128 x "\u00e9" is 768 bytes written but 256 decoded */
    for (i = 0; i < UIDMAP_UID_MAX; i += 2) memcpy(want + i, "\xC3\xA9", 2);
    len = uid_line(buf, "\\u00e9", UIDMAP_UID_MAX / 2);
    expect_push(__LINE__, buf, len, want, UIDMAP_UID_MAX);
    len = uid_line(buf, "\\u00e9", UIDMAP_UID_MAX / 2 + 1);
    expect_error(__LINE__, buf, len, E_LONG);
    /* 86 x U+20AC is 258 bytes: the cap falls inside a character */
    len = uid_line(buf, "\\u20ac", 86);
    expect_error(__LINE__, buf, len, E_LONG);
    len = uid_line(buf, "\\ud83d\\ude00", 65);
    expect_error(__LINE__, buf, len, E_LONG);

    /* integers: the digits as written */
    memcpy(buf, "{\"uid\":", 7);
    memset(buf + 7, '9', UIDMAP_UID_MAX);
    memcpy(buf + 7 + UIDMAP_UID_MAX, "}", 1);
    memset(want, '9', UIDMAP_UID_MAX);
    expect_push(__LINE__, buf, 8 + UIDMAP_UID_MAX, want, UIDMAP_UID_MAX);
    buf[7] = '-';
    want[0] = '-';
    expect_push(__LINE__, buf, 8 + UIDMAP_UID_MAX, want, UIDMAP_UID_MAX);
    memset(buf + 7, '9', UIDMAP_UID_MAX + 1);
    memcpy(buf + 8 + UIDMAP_UID_MAX, "}", 1);
    expect_error(__LINE__, buf, 9 + UIDMAP_UID_MAX, E_LONG);
}

/* Nesting up to INNER_MAX_DEPTH is fine, one more level is not. */
static void depths(void)
{
    static char buf[300 * 1000];
    const size_t max = INNER_MAX_DEPTH;
    size_t len, i;

    len = nested(buf, "", max, '[', ']', "");
    expect_error(__LINE__, buf, len, E_NOTOBJ);
    len = nested(buf, "", max + 1, '[', ']', "");
    expect_error(__LINE__, buf, len, E_DEEP);

    /* the top-level object is the first level */
    len = nested(buf, "{\"uid\":\"a\",\"x\":", max - 1, '[', ']', "}");
    expect_push(__LINE__, buf, len, "a", 1);
    len = nested(buf, "{\"uid\":\"a\",\"x\":", max, '[', ']', "}");
    expect_error(__LINE__, buf, len, E_DEEP);

    /* objects count as arrays do */
    len = 0;
    for (i = 0; i < max + 1; i++) {
        memcpy(buf + len, "{\"a\":", 5);
        len += 5;
    }
    buf[len++] = '1';
    for (i = 0; i < max + 1; i++) buf[len++] = '}';
    expect_error(__LINE__, buf, len, E_DEEP);
    expect_error(__LINE__, buf + 5, len - 6, E_NOUID);  /* one level less */

    /* far too deep and unterminated: refused at the 65th level */
    memset(buf, '[', sizeof buf);
    expect_error(__LINE__, buf, sizeof buf, E_DEEP);
    /* deep, but levels closed as they go, is fine */
    len = 0;
    memcpy(buf, "{\"uid\":1,\"x\":[", 14);
    len = 14;
    for (i = 0; i < 10000; i++) {
        memcpy(buf + len, "[[]],", 5);
        len += 5;
    }
    memcpy(buf + len, "0]}", 3);
    expect_push(__LINE__, buf, len + 3, "1", 1);
}

/* Each reason, with examples. */
static void errors(void)
{
    ERR("{\"uid\":[\"x\"]}", E_UIDTYPE);      /* what broke the seed */
    ERR("{\"uid\":{\"x\":1}}", E_UIDTYPE);
    ERR("{\"uid\":1.5}", E_UIDTYPE);
    ERR("{\"uid\":1e3}", E_UIDTYPE);
    ERR("{\"uid\":-1E3}", E_UIDTYPE);
    ERR("{\"uid\":1.0}", E_UIDTYPE);
    ERR("{\"uid\":null}", E_UIDTYPE);
    ERR("{\"uid\":true}", E_UIDTYPE);
    ERR("{\"uid\":false}", E_UIDTYPE);

    ERR("{\"uid\":\"\"}", E_EMPTY);
    ERR("{\"uid\" : \"\" }", E_EMPTY);

    ERR("{}", E_NOUID);
    ERR("{\"a\":1}", E_NOUID);
    ERR("{\"uid \":1}", E_NOUID);

    ERR("[1,2]", E_NOTOBJ);
    ERR("[{\"uid\":\"a\"}]", E_NOTOBJ);
    ERR("\"str\"", E_NOTOBJ);
    ERR("42", E_NOTOBJ);
    ERR("-1.5e3", E_NOTOBJ);
    ERR("true", E_NOTOBJ);
    ERR("false", E_NOTOBJ);
    ERR("null", E_NOTOBJ);
    ERR(" null ", E_NOTOBJ);

    ERR("hello", E_UNKNOWN);
    ERR("nul", E_UNKNOWN);
    ERR("truex", E_UNKNOWN);

    ERR("{\"uid\":\"a\"", E_JSON);            /* unterminated */
    ERR("{\"uid\":\"a", E_JSON);
    ERR("{\"uid\":\"a\"} x", E_JSON);         /* trailing garbage */
    ERR("{\"uid\":\"a\"}{}", E_JSON);
    ERR("{\"uid\":\"\\ud800\"}", E_JSON);     /* lone surrogates */
    ERR("{\"uid\":\"\\udc00\"}", E_JSON);
    ERR("{\"uid\":\"\\ud800\\u0041\"}", E_JSON);
    ERR("{\"uid\":\"\\ud800\\ud800\"}", E_JSON);
    ERR("{\"uid\":\"\\ude00\\ud83d\"}", E_JSON);
    ERR("{\"uid\":\"\\ud83d\"", E_JSON);
    ERR("{\"uid\":\"a\x01\"}", E_JSON);       /* raw control bytes */
    ERR("{\"uid\":\"a\tb\"}", E_JSON);
    ERR("{\"uid\":\"a\0b\"}", E_JSON);
    ERR("{\"uid\":\"a\x1F\"}", E_JSON);
    ERR("Hello", E_JSON);                     /* not lowercase: no command */
    ERR("{'uid':'a'}", E_JSON);
    ERR("\0", E_JSON);

    ERR("\xFF", E_UTF8);
    ERR("{\"uid\":\"\xFF\"}", E_UTF8);
    ERR("{\"uid\":\"\xC0\xAF\"}", E_UTF8);     /* overlong "/" */
    ERR("{\"uid\":\"\xE0\x80\xAF\"}", E_UTF8);
    ERR("{\"uid\":\"\xED\xA0\x80\"}", E_UTF8); /* a surrogate, encoded */
    ERR("{\"uid\":\"\xF4\x90\x80\x80\"}", E_UTF8);  /* past U+10FFFF */
    ERR("{\"uid\":\"a\"}\xE2\x82", E_UTF8);   /* cut short */
    ERR("hello \x80", E_UTF8);

    ERR("broadcast", E_NOMSG);
    ERR("broadcast ", E_NOMSG);
    ERR("online", E_EMPTY);

    uid_lengths();
    depths();
}

/* ------------------------------------------------------------------ */

/* JSON documents and whether RFC 8259 accepts them. */
static const struct doc {
    const char *text;
    int valid;
} docs[] = {
    /* numbers */
    {"0", 1}, {"-0", 1}, {"7", 1}, {"-12", 1}, {"1.0", 1}, {"0.5", 1},
    {"1.0e+5", 1}, {"1e5", 1}, {"1E-5", 1}, {"-0.0e-0", 1}, {"0e0", 1},
    {"123456789012345678901234567890.123e456", 1},
    {"01", 0}, {"-01", 0}, {"00", 0}, {"1.", 0}, {".5", 0}, {"-", 0},
    {"1e", 0}, {"1e+", 0}, {"1.e5", 0}, {"+1", 0}, {"--1", 0}, {"0x1", 0},
    {"1 2", 0}, {"NaN", 0}, {"Infinity", 0}, {"-Infinity", 0}, {"1_000", 0},
    /* strings */
    {"\"\"", 1}, {"\"abc\"", 1}, {"\"\\\"\"", 1}, {"\"\\\\\"", 1},
    {"\"\\/\"", 1}, {"\"\\b\\f\\n\\r\\t\"", 1}, {"\"\\u0000\"", 1},
    {"\"\\uABCD\\uabcd\"", 1}, {"\"\\ud83d\\ude00\"", 1},
    {"\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"", 1}, {"\"\x7F\"", 1},
    {"\"\\x\"", 0}, {"\"\\u12\"", 0}, {"\"\\u12G4\"", 0}, {"\"\\U0041\"", 0},
    {"\"\\\"", 0}, {"\"abc", 0}, {"'a'", 0}, {"\"\x1F\"", 0}, {"\"\\a\"", 0},
    {"\"\\ud800\"", 0}, {"\"\\udc00\"", 0}, {"\"\\ud800x\"", 0},
    {"\"\\ud800\\\"", 0}, {"\"\\ud800\\n\"", 0},
    /* literals */
    {"true", 1}, {"false", 1}, {"null", 1},
    {"tru", 0}, {"True", 0}, {"nul", 0}, {"nulll", 0}, {"falsey", 0},
    {"undefined", 0},
    /* arrays and objects */
    {"{}", 1}, {"[]", 1}, {"[[]]", 1}, {"[{}]", 1}, {"{\"a\":{}}", 1},
    {"[1,\"a\",null,true,false,{\"b\":[]}]", 1}, {"{\"\":0}", 1},
    {"{\"a\":1,\"a\":2}", 1}, {"{\"a\":[1,{\"b\":null}],\"c\":\"d\"}", 1},
    {"{", 0}, {"}", 0}, {"[", 0}, {"]", 0}, {"[1]]", 0}, {"[[1]", 0},
    {"[1,]", 0}, {"[,1]", 0}, {"[,]", 0}, {"[1 2]", 0}, {"[1;2]", 0},
    {"{\"a\" 1}", 0}, {"{\"a\":1,}", 0}, {"{,}", 0}, {"{\"a\":1 \"b\":2}", 0},
    {"{a:1}", 0}, {"{1:1}", 0}, {"{\"a\"}", 0}, {"{\"a\":}", 0},
    {"{\"a\"::1}", 0}, {"{\"a\":1}}", 0}, {"[}", 0}, {"{]", 0},
    /* whitespace: only SP, HT, CR, LF */
    {" [ 1 , { \"a\" : 2 } ] ", 1}, {"\t\r\n[\t\r\n]\t\r\n", 1},
    {"\f1", 0}, {"\v1", 0}, {"[1\f]", 0}, {"\xC2\xA0" "1", 0},
    /* nothing at all */
    {"", 0}, {" ", 0},
};

/* Check one document's verdict inside a push, and on its own. */
static void check_doc(const struct doc *d)
{
    static char buf[512];
    size_t n = strlen(d->text), len;
    char *line;
    inner_request req;

    len = (size_t)sprintf(buf, "{\"uid\":\"a\",\"x\":%s}", d->text);
    if (d->valid) expect_push(__LINE__, buf, len, "a", 1);
    else expect_error(__LINE__, buf, len, E_JSON);

    /* Alone, a valid document is refused for what it is, not as JSON. */
    line = copy_of(d->text, n);
    inner_parse(line, n, &req);
    if (req.kind == INNER_EMPTY) {
        if (d->valid) failed(__LINE__, d->text, n, "valid but EMPTY");
    } else if (req.kind != INNER_ERROR) {
        failed(__LINE__, d->text, n, "not ERROR");
    } else if (d->valid == (strcmp(req.error, E_JSON) == 0 ||
                            strcmp(req.error, E_UNKNOWN) == 0)) {
        failed(__LINE__, d->text, n, req.error);
    }
    free(line);
}

static void json_valid(void)
{
    size_t i;

    for (i = 0; i < sizeof docs / sizeof docs[0]; i++) check_doc(&docs[i]);
}

/* ------------------------------------------------------------------ */

/* The extension commands, and the lines that look like them. */
static void commands(void)
{
    static char buf[16 + UIDMAP_UID_MAX];

    KIND("", INNER_EMPTY);
    KIND(" ", INNER_EMPTY);
    KIND(" \t\r\n ", INNER_EMPTY);

    KIND("stats", INNER_STATS);
    ERR("stats ", E_UNKNOWN);
    ERR("stats x", E_UNKNOWN);
    ERR("statsx", E_UNKNOWN);
    ERR("stat", E_UNKNOWN);
    ERR("Stats", E_JSON);
    ERR(" stats", E_JSON);                  /* whitespace first: JSON */

    ONLINE("online uid1", "uid1");
    ONLINE("online a b", "a b");            /* the rest of the line, as is */
    ONLINE("online  x ", " x ");
    ONLINE("online {\"uid\":1}", "{\"uid\":1}");
    ONLINE("online a\0b", "a\0b");
    ONLINE("online \xC3\xA9", "\xC3\xA9");
    ERR("online", E_EMPTY);
    ERR("online ", E_EMPTY);
    ERR("onlinex", E_UNKNOWN);
    ERR("online\tx", E_UNKNOWN);
    ERR("online \xFF", E_UTF8);
    memcpy(buf, "online ", 7);
    memset(buf + 7, 'u', UIDMAP_UID_MAX + 1);
    expect_online(__LINE__, buf, 7 + UIDMAP_UID_MAX, buf + 7, UIDMAP_UID_MAX);
    expect_error(__LINE__, buf, 8 + UIDMAP_UID_MAX, E_LONG);

    BROADCAST("broadcast hello world", "hello world");
    BROADCAST("broadcast {\"uid\":\"a\"}", "{\"uid\":\"a\"}");
    BROADCAST("broadcast  ", " ");
    BROADCAST("broadcast \xE2\x82\xAC", "\xE2\x82\xAC");
    ERR("broadcast", E_NOMSG);
    ERR("broadcast ", E_NOMSG);
    ERR("broadcastx", E_UNKNOWN);
    ERR("broadcast \xFF", E_UTF8);

    ERR("hello", E_UNKNOWN);
    ERR("push {\"uid\":\"a\"}", E_UNKNOWN);
    ERR("uid1", E_UNKNOWN);
    ERR("null", E_NOTOBJ);                  /* JSON, not a command */

    PUSH(" {\"uid\":\"a\"}", "a");          /* whitespace first: JSON */
    PUSH("\t{\"uid\":\"a\"}", "a");
}

/* ------------------------------------------------------------------ */

/* xorshift32: the same sequence on every platform, unlike rand(). */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* A random byte, mostly one that means something to the parser. */
static char random_byte(uint32_t *s)
{
    static const char alphabet[] =
        "{}[]\":,\\/ \t-+.eE0123456789uabcdefntrlsD\xC3\xA9\xE2\x82\xAC";
    uint32_t r = next_random(s);

    if (r % 4 == 0) return (char)((r >> 8) & 0xFF);
    return alphabet[(r >> 8) % (sizeof alphabet - 1)];
}

/* Whether why is one of the reasons inner.h lists. */
static int known_reason(const char *why)
{
    static const char *const reasons[] = {
        E_UTF8, E_JSON, E_DEEP, E_NOTOBJ, E_NOUID, E_UIDTYPE, E_EMPTY,
        E_LONG, E_NOMSG, E_UNKNOWN
    };
    size_t i;

    for (i = 0; why && i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(why, reasons[i]) == 0) return 1;
    return 0;
}

/* Parse s[0..len) and check what holds for any line at all. */
static void check_any(const char *s, size_t len)
{
    char *line = copy_of(s, len);
    inner_request req;
    inner_kind k = inner_parse(line, len, &req);
    const char *bad = NULL;
    size_t i;

    if (k != req.kind) bad = "return value is not req.kind";
    else switch (k) {
    case INNER_EMPTY:
        for (i = 0; i < len; i++)
            if (!strchr(" \t\r\n", line[i]) || line[i] == '\0')
                bad = "EMPTY, not blank";
        break;
    case INNER_PUSH:
        if (req.message != line || req.message_len != len ||
            req.uid_len == 0 || req.uid_len > UIDMAP_UID_MAX ||
            req.uid[req.uid_len] != '\0')
            bad = "bad PUSH";
        break;
    case INNER_BROADCAST:
        if (len <= 10 || memcmp(line, "broadcast ", 10) != 0 ||
            req.message != line + 10 || req.message_len != len - 10)
            bad = "bad BROADCAST";
        break;
    case INNER_ONLINE:
        if (len <= 7 || memcmp(line, "online ", 7) != 0 ||
            req.uid_len != len - 7 || memcmp(req.uid, line + 7, len - 7) != 0 ||
            req.uid[req.uid_len] != '\0')
            bad = "bad ONLINE";
        break;
    case INNER_STATS:
        if (len != 5 || memcmp(line, "stats", 5) != 0) bad = "bad STATS";
        break;
    case INNER_ERROR:
        if (!known_reason(req.error) || req.uid_len != 0)
            bad = "bad ERROR";
        break;
    default:
        bad = "unknown kind";
    }
    if (bad) failed(__LINE__, s, len, bad);
    free(line);
}

/* Lines to mutate: valid ones, so that mutants are near misses. */
static const char *const bases[] = {
    "{\"uid\":\"uid1\",\"percent\":\"88%\"}",
    "{\"uid\":\"u\\u00e9\",\"msg\":\"a\\/b\"}",
    "{\"uid\":-0,\"a\":[1.5e-3,true,false,null,{\"b\":\"\\ud83d\\ude00\"}]}",
    " { \"\\u0075id\" : 42 , \"uid\" : \"x\\n\\\"\" } ",
    "broadcast {\"a\":1}",
    "online uid1",
    "stats",
};

/* Random bytes, then random mutations of valid lines: whatever comes,
 * inner_parse() answers with one of its kinds and a consistent req. */
static void random_lines(void)
{
    uint32_t seed = 0x9E3779B9u;
    char buf[128];
    size_t len, i, round;
    int m;

    for (round = 0; round < 30000; round++) {
        len = next_random(&seed) % 48;
        for (i = 0; i < len; i++) buf[i] = random_byte(&seed);
        check_any(buf, len);
    }
    for (round = 0; round < 60000; round++) {
        const char *b = bases[round % (sizeof bases / sizeof bases[0])];
        int mutations = 1 + (int)(next_random(&seed) % 3);
        len = strlen(b);
        memcpy(buf, b, len);
        for (m = 0; m < mutations && len > 0; m++) {
            size_t at = next_random(&seed) % len;
            switch (next_random(&seed) % 4) {
            case 0:                                 /* replace */
                buf[at] = random_byte(&seed);
                break;
            case 1:                                 /* insert */
                if (len == sizeof buf) break;
                memmove(buf + at + 1, buf + at, len - at);
                buf[at] = random_byte(&seed);
                len++;
                break;
            case 2:                                 /* delete */
                memmove(buf + at, buf + at + 1, len - at - 1);
                len--;
                break;
            default:                                /* cut */
                len = at;
            }
        }
        check_any(buf, len);
    }
}

int main(int argc, char **argv)
{
    static const check_group groups[] = {
        {"seed", seed},
        {"uid_forms", uid_forms},
        {"errors", errors},
        {"json_valid", json_valid},
        {"commands", commands},
        {"random", random_lines},
        {NULL, NULL}
    };
    return check_main(argc, argv, groups);
}
