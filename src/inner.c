/* inner.c -- classify one line of the inner port's protocol.
 *
 * A line is a command ("stats", "online UID", "broadcast MESSAGE") or a
 * seed push: a JSON object with a "uid" member. Commands are recognised by
 * their first word; anything else is validated as RFC 8259 JSON in full,
 * because the line is sent to pages as it is and a page's JSON.parse()
 * should never see what PHP's json_decode() would have refused.
 *
 * The validator is a recursive-descent parser that builds nothing: it
 * walks the text once, bounded by the nesting cap, and remembers where the
 * value of the top-level object's last "uid" member is. Only that value is
 * decoded, once the whole line is known to be valid, so the decoder can
 * trust every escape it meets. Nothing here allocates or reads past
 * line[len). */
#include "inner.h"

#include <string.h>
#include "utf8.h"

/* The reasons given with INNER_ERROR, as listed in inner.h. */
static const char E_UTF8[]     = "invalid UTF-8";
static const char E_JSON[]     = "invalid JSON";
static const char E_DEEP[]     = "JSON nested too deeply";
static const char E_NOTOBJ[]   = "not a JSON object";
static const char E_NOUID[]    = "missing uid";
static const char E_UIDTYPE[]  = "uid must be a string or an integer";
static const char E_EMPTY[]    = "empty uid";
static const char E_LONG[]     = "uid too long";
static const char E_NOMSG[]    = "missing message";
static const char E_UNKNOWN[]  = "unknown command";

/* ------------------------------------------------------------------ */
/* Characters and escapes                                              */
/* ------------------------------------------------------------------ */

/* Whether c is JSON whitespace (RFC 8259 §2: space, tab, LF, CR). */
static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether c is an ASCII lowercase letter, as every command starts with. */
static int is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}

/* The value of hex digit c, or -1. */
static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The four hex digits at p[0..4) as a number, or -1. The caller has
 * checked that four bytes are there. */
static long hex4(const char *p)
{
    long v = 0;
    int i, d;

    for (i = 0; i < 4; i++) {
        if ((d = hexval(p[i])) < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Write code point cp as UTF-8 to out; returns the byte count. */
static size_t utf8_put(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* The character an escape letter stands for ("\n" -> LF); 'u' is handled
 * by the caller, and validation has ruled out every other letter. */
static char escaped(char c)
{
    switch (c) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default:  return c;                     /* " \ / */
    }
}

/* Decode the body of a validated JSON string, [s, end) between its
 * quotes, into out. Returns the decoded length, or cap + 1 as soon as it
 * would pass cap bytes: nothing is written past out[cap - 1]. */
static size_t unescape(const char *s, const char *end, char *out, size_t cap)
{
    size_t n = 0, k;
    char buf[4];

    while (s < end) {
        if (*s != '\\') {
            buf[0] = *s++;
            k = 1;
        } else if (s[1] != 'u') {
            buf[0] = escaped(s[1]);
            s += 2;
            k = 1;
        } else {
            unsigned long cp = (unsigned long)hex4(s + 2);
            s += 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {   /* a pair, validated */
                cp = 0x10000 + ((cp - 0xD800) << 10) +
                     ((unsigned long)hex4(s + 2) - 0xDC00);
                s += 6;
            }
            k = utf8_put(buf, cp);
        }
        if (k > cap - n) return cap + 1;
        memcpy(out + n, buf, k);
        n += k;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

/* Where the parser is, and what it found. */
typedef struct parser {
    const char *p, *end;  /* next byte, end of the line */
    int depth;            /* arrays and objects open around p */
    const char *error;    /* E_JSON or E_DEEP once it failed, else NULL */
    char top;             /* first byte of the top-level value */
    const char *uid;      /* value of the last top-level "uid", or NULL */
    const char *uid_end;  /* end of that value */
} parser;

static int value(parser *ps);

/* Fail with reason why; returns -1 so callers can `return fail(...)`. */
static int fail(parser *ps, const char *why)
{
    ps->error = why;
    return -1;
}

/* Skip whitespace. */
static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && is_ws(*ps->p)) ps->p++;
}

/* Consume byte c if it is next; returns 1 if it was. */
static int eat(parser *ps, char c)
{
    if (ps->p < ps->end && *ps->p == c) {
        ps->p++;
        return 1;
    }
    return 0;
}

/* Consume "\uXXXX" with p just past the backslash and the 'u' next; a high
 * surrogate must be followed at once by "\uXXXX" holding a low one, and a
 * low surrogate may not stand alone (json_decode() refuses both). */
static int unicode_escape(parser *ps)
{
    long cp;

    if (ps->end - ps->p < 5 || (cp = hex4(ps->p + 1)) < 0)
        return fail(ps, E_JSON);
    ps->p += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(ps, E_JSON);
    if (cp < 0xD800 || cp > 0xDBFF) return 0;
    if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u')
        return fail(ps, E_JSON);
    cp = hex4(ps->p + 2);
    if (cp < 0xDC00 || cp > 0xDFFF) return fail(ps, E_JSON);
    ps->p += 6;
    return 0;
}

/* Consume a string (§7), opening quote next. Bytes at 0x80 and up need no
 * check here: the whole line was found to be UTF-8 before parsing. */
static int string(parser *ps)
{
    if (!eat(ps, '"')) return fail(ps, E_JSON);
    while (ps->p < ps->end) {
        unsigned char c = (unsigned char)*ps->p++;
        if (c == '"') return 0;
        if (c < 0x20) return fail(ps, E_JSON);
        if (c != '\\') continue;
        if (ps->p == ps->end) break;
        switch (*ps->p) {
        case '"': case '\\': case '/': case 'b':
        case 'f': case 'n': case 'r': case 't':
            ps->p++;
            break;
        case 'u':
            if (unicode_escape(ps) < 0) return -1;
            break;
        default:
            return fail(ps, E_JSON);
        }
    }
    return fail(ps, E_JSON);                /* no closing quote */
}

/* Consume one or more digits; returns -1 if there is none. */
static int digits(parser *ps)
{
    const char *start = ps->p;

    while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9') ps->p++;
    return ps->p > start ? 0 : -1;
}

/* Consume a number (§6): -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * A leading zero ends the integer part, so "01" leaves "1" behind for the
 * caller to reject. */
static int number(parser *ps)
{
    eat(ps, '-');
    if (!eat(ps, '0') && digits(ps) < 0) return fail(ps, E_JSON);
    if (eat(ps, '.') && digits(ps) < 0) return fail(ps, E_JSON);
    if (eat(ps, 'e') || eat(ps, 'E')) {
        if (!eat(ps, '+')) eat(ps, '-');
        if (digits(ps) < 0) return fail(ps, E_JSON);
    }
    return 0;
}

/* Consume the literal word (true, false or null). */
static int literal(parser *ps, const char *word)
{
    size_t n = strlen(word);

    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, E_JSON);
    ps->p += n;
    return 0;
}

/* Enter an array or object: one level deeper, within the cap. */
static int open_nest(parser *ps)
{
    if (++ps->depth > INNER_MAX_DEPTH) return fail(ps, E_DEEP);
    ps->p++;                                /* the [ or { */
    skip_ws(ps);
    return 0;
}

/* Consume an array (§5), '[' next. */
static int array(parser *ps)
{
    if (open_nest(ps) < 0) return -1;
    if (!eat(ps, ']')) {
        do {
            skip_ws(ps);
            if (value(ps) < 0) return -1;
            skip_ws(ps);
        } while (eat(ps, ','));
        if (!eat(ps, ']')) return fail(ps, E_JSON);
    }
    ps->depth--;
    return 0;
}

/* Whether the string token [s, end), quotes included and already
 * validated, decodes to "uid". */
static int is_uid_key(const char *s, const char *end)
{
    char key[3];

    return unescape(s + 1, end - 1, key, sizeof key) == 3 &&
           memcmp(key, "uid", 3) == 0;
}

/* Consume an object (§4), '{' next. In the top-level object, remember
 * the value of each member whose name decodes to "uid", so the last one
 * is what remains. */
static int object(parser *ps)
{
    if (open_nest(ps) < 0) return -1;
    if (!eat(ps, '}')) {
        do {
            const char *key, *key_end, *val;
            skip_ws(ps);
            key = ps->p;
            if (string(ps) < 0) return -1;
            key_end = ps->p;
            skip_ws(ps);
            if (!eat(ps, ':')) return fail(ps, E_JSON);
            skip_ws(ps);
            val = ps->p;
            if (value(ps) < 0) return -1;
            if (ps->depth == 1 && is_uid_key(key, key_end)) {
                ps->uid = val;
                ps->uid_end = ps->p;
            }
            skip_ws(ps);
        } while (eat(ps, ','));
        if (!eat(ps, '}')) return fail(ps, E_JSON);
    }
    ps->depth--;
    return 0;
}

/* Consume one value (§3), whitespace already skipped. */
static int value(parser *ps)
{
    if (ps->p == ps->end) return fail(ps, E_JSON);
    switch (*ps->p) {
    case '{': return object(ps);
    case '[': return array(ps);
    case '"': return string(ps);
    case 't': return literal(ps, "true");
    case 'f': return literal(ps, "false");
    case 'n': return literal(ps, "null");
    case '-': return number(ps);
    default:
        if (*ps->p >= '0' && *ps->p <= '9') return number(ps);
        return fail(ps, E_JSON);
    }
}

/* Validate line[0..len) as one JSON text (§2: a value with whitespace
 * around it). Returns 0, or -1 with ps->error set. */
static int json_text(parser *ps, const char *line, size_t len)
{
    ps->p = line;
    ps->end = line + len;
    ps->depth = 0;
    ps->error = NULL;
    ps->uid = ps->uid_end = NULL;
    skip_ws(ps);
    ps->top = ps->p < ps->end ? *ps->p : '\0';
    if (value(ps) < 0) return -1;
    skip_ws(ps);
    if (ps->p != ps->end) return fail(ps, E_JSON);
    return 0;
}

/* ------------------------------------------------------------------ */
/* The uid                                                             */
/* ------------------------------------------------------------------ */

/* Whether the number token [s, end) is an integer: no fraction, no
 * exponent. */
static int is_integer(const char *s, const char *end)
{
    for (; s < end; s++)
        if (*s == '.' || *s == 'e' || *s == 'E') return 0;
    return 1;
}

/* Set req->uid from the value token [s, end) of a valid object's "uid":
 * a string, decoded, or an integer, as written ("-0" is "0"). Returns
 * NULL, or the reason the value is refused. */
static const char *take_uid(inner_request *req, const char *s,
                            const char *end)
{
    size_t n;

    if (*s == '"') {
        n = unescape(s + 1, end - 1, req->uid, UIDMAP_UID_MAX);
    } else if ((*s == '-' || (*s >= '0' && *s <= '9')) &&
               is_integer(s, end)) {
        if (end - s == 2 && s[0] == '-' && s[1] == '0') s++;
        n = (size_t)(end - s);
        if (n > UIDMAP_UID_MAX) n = UIDMAP_UID_MAX + 1;
        else memcpy(req->uid, s, n);
    } else {
        return E_UIDTYPE;
    }
    if (n > UIDMAP_UID_MAX) return E_LONG;
    if (n == 0) return E_EMPTY;
    req->uid[n] = '\0';
    req->uid_len = n;
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */
/* ------------------------------------------------------------------ */

/* Whether line[0..len) is the word w followed by a space or by nothing;
 * sets *rest to what follows the space (or the end) and *restlen to its
 * length. */
static int word(const char *line, size_t len, const char *w,
                const char **rest, size_t *restlen)
{
    size_t n = strlen(w);

    if (len < n || memcmp(line, w, n) != 0) return 0;
    if (len > n && line[n] != ' ') return 0;
    if (len > n) n++;
    *rest = line + n;
    *restlen = len - n;
    return 1;
}

/* Classify a line that starts with a lowercase letter as a command.
 * Returns 1 with req filled in, or 0 if the line is no command (it may
 * still be JSON: true, false, null). */
static int command(const char *line, size_t len, inner_request *req)
{
    const char *rest;
    size_t n;

    if (len == 5 && memcmp(line, "stats", 5) == 0) {
        req->kind = INNER_STATS;
    } else if (word(line, len, "online", &rest, &n)) {
        req->kind = INNER_ERROR;
        if (n == 0) req->error = E_EMPTY;
        else if (n > UIDMAP_UID_MAX) req->error = E_LONG;
        else {
            req->kind = INNER_ONLINE;
            memcpy(req->uid, rest, n);
            req->uid[n] = '\0';
            req->uid_len = n;
        }
    } else if (word(line, len, "broadcast", &rest, &n)) {
        if (n == 0) {
            req->kind = INNER_ERROR;
            req->error = E_NOMSG;
        } else {
            req->kind = INNER_BROADCAST;
            req->message = rest;
            req->message_len = n;
        }
    } else {
        return 0;
    }
    return 1;
}

/* Whether line[0..len) is nothing but JSON whitespace. */
static int blank(const char *line, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (!is_ws(line[i])) return 0;
    return 1;
}

/* Fill req as an INNER_ERROR with reason why, and no uid; returns
 * INNER_ERROR. */
static inner_kind refuse(inner_request *req, const char *why)
{
    req->kind = INNER_ERROR;
    req->uid[0] = '\0';
    req->uid_len = 0;
    req->error = why;
    return INNER_ERROR;
}

/* Classify line[0..len): blank, command, or JSON push, in that order (see
 * inner.h for the reasons an error can give). A line that starts with a
 * lowercase letter and is neither a command nor JSON is an unknown
 * command rather than invalid JSON, since that is what it was meant to
 * be. On INNER_PUSH the message is the whole line, untrimmed. */
inner_kind inner_parse(const char *line, size_t len, inner_request *req)
{
    parser ps;
    const char *why;

    req->kind = INNER_EMPTY;
    req->message = NULL;
    req->message_len = 0;
    req->uid[0] = '\0';
    req->uid_len = 0;
    req->error = NULL;

    if (blank(line, len)) return INNER_EMPTY;
    if (!utf8_valid(line, len)) return refuse(req, E_UTF8);
    if (is_lower(line[0]) && command(line, len, req))
        return req->kind;
    if (json_text(&ps, line, len) < 0) {
        if (ps.error == E_JSON && is_lower(line[0]))
            return refuse(req, E_UNKNOWN);
        return refuse(req, ps.error);
    }
    if (ps.top != '{') return refuse(req, E_NOTOBJ);
    if (!ps.uid) return refuse(req, E_NOUID);
    if ((why = take_uid(req, ps.uid, ps.uid_end)) != NULL)
        return refuse(req, why);
    req->kind = INNER_PUSH;
    req->message = line;
    req->message_len = len;
    return INNER_PUSH;
}
