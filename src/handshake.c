/* handshake.c -- the server side of the WebSocket opening handshake
 * (RFC 6455 §4.2).
 *
 * hs_parse() reads whatever part of the request has arrived; the caller
 * calls it again with more bytes until it gets an answer. It walks the head
 * line by line: the request line, then header fields, up to the empty line.
 * Each complete line is checked for syntax as soon as it is there, so
 * garbage is refused without waiting for the rest. What the request means
 * (the method, the HTTP version, the WebSocket headers) is judged once the
 * whole head is in, in the order handshake.h gives, so every request gets
 * one answer however its bytes were split.
 *
 * Nothing is copied or allocated while parsing: a name or a value is a span,
 * a pointer into the caller's buffer and a length. Only the characters of
 * the HTTP grammar are looked at, byte by byte, never through <ctype.h>,
 * whose answers depend on the locale. */
#include "handshake.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base64.h"
#include "sha1.h"

/* The GUID every server appends to the key (RFC 6455 §1.3). */
#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

/* A Sec-WebSocket-Key is a random 16-byte value in Base64 (§4.2.1). */
#define KEY_BYTES 16

/* A slice of the caller's buffer. */
typedef struct span {
    const char *p;
    size_t n;
} span;

/* What the parser saw that hs_request has no field for. A span's p stays
 * NULL until its header is seen. */
typedef struct seen {
    span method;
    int major, minor;           /* HTTP version */
    span host, key, version;    /* the headers that may appear only once */
    int connection_upgrade;     /* a Connection header lists "upgrade" */
} seen;

/* ---- characters and spans ---- */

/* SP or HTAB: "optional white space" around values (RFC 7230 §3.2.3). */
static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* A character of a token (RFC 7230 §3.2.6), such as a method or a header
 * name. */
static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A visible ASCII character, which is all a request target may hold. */
static int is_vchar(char c)
{
    unsigned char u = (unsigned char)c;

    return u > 0x20 && u < 0x7F;
}

/* A character a header value may hold (RFC 7230 §3.2): anything but a
 * control character, though HTAB is allowed, and so are bytes 80..FF
 * (obs-text). */
static int is_value_char(char c)
{
    unsigned char u = (unsigned char)c;

    return (u >= 0x20 || c == '\t') && u != 0x7F;
}

/* Does every character of s satisfy ok? */
static int all(span s, int (*ok)(char))
{
    size_t i;

    for (i = 0; i < s.n; i++)
        if (!ok(s.p[i]))
            return 0;
    return 1;
}

/* s without the white space around it. */
static span trim(span s)
{
    while (s.n > 0 && is_ows(s.p[0])) {
        s.p++;
        s.n--;
    }
    while (s.n > 0 && is_ows(s.p[s.n - 1]))
        s.n--;
    return s;
}

/* ASCII lower case of c. */
static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Is s the same text as word? With fold, ASCII case is ignored. */
static int span_is(span s, const char *word, int fold)
{
    size_t i;

    if (strlen(word) != s.n)
        return 0;
    for (i = 0; i < s.n; i++)
        if (fold ? lower(s.p[i]) != lower(word[i]) : s.p[i] != word[i])
            return 0;
    return 1;
}

/* Is token one of the elements of a comma-separated list (RFC 7230 §7)?
 * Elements are trimmed of white space and empty ones do not count. With
 * fold, ASCII case is ignored. */
static int list_offers(span list, const char *token, int fold)
{
    size_t i = 0, start;
    span elem;

    for (;;) {
        start = i;
        while (i < list.n && list.p[i] != ',')
            i++;
        elem.p = list.p + start;
        elem.n = i - start;
        elem = trim(elem);
        if (elem.n > 0 && span_is(elem, token, fold))
            return 1;
        if (i == list.n)
            return 0;
        i++;                                /* past the comma */
    }
}

/* ---- lines ---- */

/* Find the line that starts at p and must end before end. On success, set
 * *line to it without its LF or CR LF and return where the next line
 * starts; return NULL if the line has not ended yet. */
static const char *next_line(const char *p, const char *end, span *line)
{
    const char *lf = memchr(p, '\n', (size_t)(end - p));

    if (!lf)
        return NULL;
    line->p = p;
    line->n = (size_t)(lf - p);
    if (line->n > 0 && lf[-1] == '\r')
        line->n--;
    return lf + 1;
}

/* Split the request line "method SP target SP HTTP/d.d" (RFC 7230 §3.1.1)
 * into s and req. Only the syntax is checked. Returns NULL, or the reason
 * the line is malformed. */
static const char *request_line(span line, seen *s, hs_request *req)
{
    const char *end = line.p + line.n;
    const char *p = line.p, *sp;
    span target;

    sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp)
        return "malformed request line";
    s->method.p = p;
    s->method.n = (size_t)(sp - p);
    if (s->method.n == 0 || !all(s->method, is_tchar))
        return "malformed request method";

    p = sp + 1;
    sp = memchr(p, ' ', (size_t)(end - p));
    if (!sp)
        return "malformed request line";
    target.p = p;
    target.n = (size_t)(sp - p);
    if (target.n == 0 || !all(target, is_vchar))
        return "malformed request target";
    req->target = target.p;
    req->target_len = target.n;

    p = sp + 1;
    if (end - p != 8 || memcmp(p, "HTTP/", 5) != 0 ||
        p[5] < '0' || p[5] > '9' || p[6] != '.' || p[7] < '0' || p[7] > '9')
        return "malformed HTTP version";
    s->major = p[5] - '0';
    s->minor = p[7] - '0';
    return NULL;
}

/* Split the header line "name: value" (RFC 7230 §3.2) and trim the value.
 * Returns NULL, or the reason the line is malformed. */
static const char *split_field(span line, span *name, span *value)
{
    size_t i = 0;

    if (line.n > 0 && is_ows(line.p[0]))
        return "obsolete line folding is not allowed";
    while (i < line.n && is_tchar(line.p[i]))
        i++;
    if (i == line.n)
        return "header line without a colon";
    if (line.p[i] != ':')
        return is_ows(line.p[i]) ? "white space before a header's colon"
                                 : "invalid character in a header name";
    if (i == 0)
        return "empty header name";

    name->p = line.p;
    name->n = i;
    value->p = line.p + i + 1;
    value->n = line.n - i - 1;
    if (!all(*value, is_value_char))
        return "control character in a header value";
    *value = trim(*value);
    return NULL;
}

/* ---- what the headers say ---- */

/* Keep value in *slot, for a header that may appear only once. Returns
 * NULL, or dup if the header was seen before. */
static const char *once(span *slot, span value, const char *dup)
{
    if (slot->p)
        return dup;
    *slot = value;
    return NULL;
}

/* Keep value in *p and *n unless a value is there already: for a header
 * whose first occurrence counts. */
static void first(const char **p, size_t *n, span value)
{
    if (*p)
        return;
    *p = value.p;
    *n = value.n;
}

/* Note what the header field "name: value" says. Header names are matched
 * case-insensitively; unknown ones are ignored. Returns NULL, or the reason
 * to refuse the request. */
static const char *field(span name, span value, seen *s, hs_request *req)
{
    if (span_is(name, "Host", 1))
        return once(&s->host, value, "duplicate Host header");
    if (span_is(name, "Sec-WebSocket-Key", 1))
        return once(&s->key, value, "duplicate Sec-WebSocket-Key header");
    if (span_is(name, "Sec-WebSocket-Version", 1))
        return once(&s->version, value,
                    "duplicate Sec-WebSocket-Version header");

    if (span_is(name, "Upgrade", 1))
        req->upgrade |= list_offers(value, "websocket", 1);
    else if (span_is(name, "Connection", 1))
        s->connection_upgrade |= list_offers(value, "upgrade", 1);
    else if (span_is(name, "Sec-WebSocket-Protocol", 1))
        first(&req->protocols, &req->protocols_len, value);
    else if (span_is(name, "Origin", 1))
        first(&req->origin, &req->origin_len, value);
    else if (span_is(name, "X-Forwarded-For", 1)) {
        req->forwarded_for = value.p;
        req->forwarded_for_len = value.n;
    }
    return NULL;
}

/* Check the syntax of a header line and note what it says. Returns NULL,
 * or the reason to refuse the request. */
static const char *header_line(span line, seen *s, hs_request *req)
{
    span name, value;
    const char *why = split_field(line, &name, &value);

    return why ? why : field(name, value, s, req);
}

/* Judge a complete, well-formed head by what it asks for. Returns NULL if
 * it is a valid WebSocket upgrade (and copies the key to req), else the
 * reason to refuse it, with its status in *status. */
static const char *judge(const seen *s, hs_request *req, int *status)
{
    uint8_t raw[BASE64_DECODED_MAX(HS_KEY_LEN)];
    size_t rawlen;

    *status = 400;
    if (!span_is(s->method, "GET", 0))
        return "method must be GET";
    if (s->major < 1 || (s->major == 1 && s->minor < 1))
        return "HTTP/1.1 or later required";
    if (s->major > 1)
        return "unsupported HTTP major version";
    if (!req->upgrade)
        return "not a WebSocket handshake: no Upgrade: websocket header";
    if (!s->connection_upgrade)
        return "Connection header must list upgrade";
    if (!s->host.p)
        return "missing Host header";
    if (!s->key.p)
        return "missing Sec-WebSocket-Key header";
    if (s->key.n != HS_KEY_LEN ||
        base64_decode(s->key.p, s->key.n, raw, sizeof raw, &rawlen) != 0 ||
        rawlen != KEY_BYTES)
        return "Sec-WebSocket-Key must be 16 bytes in Base64";

    *status = 426;
    if (!s->version.p || !span_is(s->version, "13", 0))
        return "Sec-WebSocket-Version 13 required";

    memcpy(req->key, s->key.p, HS_KEY_LEN);
    req->key[HS_KEY_LEN] = '\0';
    return NULL;
}

/* Fill in a refusal and return HS_ERROR. */
static int refuse(hs_request *req, int status, const char *reason)
{
    req->status = status;
    req->reason = reason;
    return HS_ERROR;
}

int hs_parse(const char *buf, size_t len, size_t max, hs_request *req)
{
    /* Static, so their numbers are zero and their pointers null. */
    static const hs_request empty_request;
    static const seen nothing_seen;
    seen s = nothing_seen;
    const char *p = buf, *end, *next, *why;
    span line;
    int status;

    *req = empty_request;

    /* Look at max bytes at most: a head that has not ended by then is too
     * large, whatever follows. */
    end = buf + (len < max ? len : max);
    for (;;) {
        next = next_line(p, end, &line);
        if (!next) {
            if (len >= max)
                return refuse(req, 431, "request header fields too large");
            return HS_INCOMPLETE;
        }
        if (p != buf && line.n == 0)
            break;                          /* the empty line: the end */
        if (p == buf)
            why = request_line(line, &s, req);
        else
            why = header_line(line, &s, req);
        if (why)
            return refuse(req, 400, why);
        p = next;
    }

    req->length = (size_t)(next - buf);
    why = judge(&s, req, &status);
    return why ? refuse(req, status, why) : HS_OK;
}

int hs_list_has(const char *list, size_t list_len, const char *token)
{
    span s;

    if (!list)
        return 0;
    s.p = list;
    s.n = list_len;
    return list_offers(s, token, 0);
}

void hs_accept_key(const char key[HS_KEY_LEN], char accept[HS_ACCEPT_LEN + 1])
{
    uint8_t digest[SHA1_DIGEST_SIZE];
    sha1_ctx ctx;

    sha1_init(&ctx);
    sha1_update(&ctx, key, HS_KEY_LEN);
    sha1_update(&ctx, WS_GUID, sizeof WS_GUID - 1);
    sha1_final(&ctx, digest);

    /* 20 bytes are exactly HS_ACCEPT_LEN characters: this cannot fail. */
    (void)base64_encode(digest, sizeof digest, accept, HS_ACCEPT_LEN + 1);
}

/* ---- responses ---- */

/* The length snprintf() says it wrote into size bytes, or 0 if the text
 * and its NUL did not fit (or it failed). */
static size_t fitted(int n, size_t size)
{
    return n >= 0 && (size_t)n < size ? (size_t)n : 0;
}

#define ACCEPT_HEAD                                                     \
    "HTTP/1.1 101 Switching Protocols\r\n"                              \
    "Upgrade: websocket\r\n"                                            \
    "Connection: Upgrade\r\n"                                           \
    "Sec-WebSocket-Accept: %s\r\n"

size_t hs_format_accept(char *dst, size_t size, const char *accept,
                        const char *protocol)
{
    int n;

    if (protocol)
        n = snprintf(dst, size, ACCEPT_HEAD "Sec-WebSocket-Protocol: %s\r\n\r\n",
                     accept, protocol);
    else
        n = snprintf(dst, size, ACCEPT_HEAD "\r\n", accept);
    return fitted(n, size);
}

size_t hs_format_error(char *dst, size_t size, int status, const char *reason)
{
    int n = snprintf(dst, size,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: text/plain; charset=utf-8\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: close\r\n"
                     "%s"
                     "\r\n"
                     "%s\n",
                     status, hs_status_text(status), strlen(reason) + 1,
                     /* RFC 7231 §6.5.15: a 426 names the protocol to
                      * upgrade to; RFC 6455 §4.4: and the version. */
                     status == 426 ? "Upgrade: websocket\r\n"
                                     "Sec-WebSocket-Version: 13\r\n" : "",
                     reason);

    return fitted(n, size);
}

const char *hs_status_text(int status)
{
    switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default:  return "Error";
    }
}
