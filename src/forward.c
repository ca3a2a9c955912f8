/* forward.c -- X-Forwarded-For from a trusted proxy (see forward.h), and
 * the page's log name that comes of it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "forward.h"
#include "handshake.h"

/* An address in binary, for comparing: family and 4 or 16 bytes. An
 * IPv4-mapped IPv6 address is stored as the IPv4 address it maps. */
typedef struct addr {
    int family;
    unsigned char b[16];
} addr;

/* Parse a numeric address. Returns 0, or -1. */
static int addr_parse(const char *s, addr *a)
{
    memset(a, 0, sizeof *a);
    if (inet_pton(AF_INET, s, a->b) == 1) {
        a->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, s, a->b) == 1) {
        static const unsigned char mapped[12] =
            { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

        a->family = AF_INET6;
        if (memcmp(a->b, mapped, 12) == 0) {
            memmove(a->b, a->b + 12, 4);
            memset(a->b + 4, 0, 12);
            a->family = AF_INET;
        }
        return 0;
    }
    return -1;
}

/* Is a one of the trusted addresses? */
static int addr_trusted(const addr *a, const char *const *trusted, size_t n)
{
    size_t i;
    addr t;

    for (i = 0; i < n; i++)
        if (addr_parse(trusted[i], &t) == 0 && t.family == a->family &&
            memcmp(t.b, a->b, sizeof t.b) == 0)
            return 1;
    return 0;
}

int forward_valid_addr(const char *s)
{
    addr a;

    return addr_parse(s, &a) == 0;
}

int forward_peer_trusted(int fd, const char *const *trusted, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char text[FORWARD_ADDR_MAX];
    const void *bytes;
    addr a;

    if (n == 0 || getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET)
        bytes = &((struct sockaddr_in *)&ss)->sin_addr;
    else if (ss.ss_family == AF_INET6)
        bytes = &((struct sockaddr_in6 *)&ss)->sin6_addr;
    else
        return 0;
    /* Through text, so the peer is compared the way the options are. */
    if (inet_ntop(ss.ss_family, bytes, text, sizeof text) == NULL ||
        addr_parse(text, &a) < 0)
        return 0;
    return addr_trusted(&a, trusted, n);
}

int forward_client(const char *value, size_t len, const char *const *trusted,
                   size_t n, char out[FORWARD_ADDR_MAX])
{
    size_t stop = len;

    if (len == 0) return 0;
    for (;;) {
        size_t start = stop, b, e;
        addr a;

        /* [start, stop) is one element; [b, e) is it trimmed. */
        while (start > 0 && value[start - 1] != ',') start--;
        b = start;
        e = stop;
        while (b < e && (value[b] == ' ' || value[b] == '\t')) b++;
        while (e > b && (value[e - 1] == ' ' || value[e - 1] == '\t')) e--;
        if (e - b >= FORWARD_ADDR_MAX) return -1;
        memcpy(out, value + b, e - b);
        out[e - b] = '\0';
        if (addr_parse(out, &a) < 0) return -1;
        if (start == 0 || !addr_trusted(&a, trusted, n)) return 1;
        stop = start - 1;                       /* before the comma */
    }
}

/* After a page's handshake: if its peer is a trusted proxy that sent
 * X-Forwarded-For, name the page after the client in the log, as
 * "CLIENT via :PROXYPORT" (the proxy's port tells connections apart). */
void page_forwarded(server *s, conn *c, const char *value, size_t len)
{
    const server_config *cfg = s->cfg;
    char client[FORWARD_ADDR_MAX], shown[64];
    char port[8] = "";
    const char *colon;

    if (value == NULL || cfg->ntrusted_proxies == 0 ||
        !forward_peer_trusted(c->fd, cfg->trusted_proxies,
                              cfg->ntrusted_proxies))
        return;
    switch (forward_client(value, len, cfg->trusted_proxies,
                           cfg->ntrusted_proxies, client)) {
    case 1:
        break;
    case -1:
        log_line("info", "%s: ignoring malformed X-Forwarded-For '%s'",
                 c->peer, log_escape((const uint8_t *)value, len, shown,
                                     sizeof shown));
        return;
    default:
        return;
    }
    log_line("info", "%s: forwarded for %s", c->peer, client);
    colon = strrchr(c->peer, ':');
    if (colon != NULL && strlen(colon) < sizeof port) strcpy(port, colon);
    snprintf(c->peer, sizeof c->peer, "%s via %s", client, port);
}
