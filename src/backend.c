/* backend.c -- the inner port: request lines in, one reply line each out.
 *
 * inner.c decides what a line asks for; here lines are cut out of the
 * byte stream, answered in order, and pushed to the pages of their uid.
 * A backend that writes without reading its replies is not read until it
 * does, so its replies stay near --max-queue. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "inner.h"

/* Queue one reply line: the formatted text, cut to fit 510 bytes, and a
 * newline. Most replies are a bare "ok" or "fail": those are copied, not
 * formatted (vsnprintf was a tenth of the server's time at 10 pages). */
void backend_reply(server *s, conn *c, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    int n;

    if (strchr(fmt, '%') == NULL) {
        size_t len = strlen(fmt);

        if (len > sizeof line - 2) len = sizeof line - 2;
        memcpy(line, fmt, len);
        n = (int)len;
    } else {
        va_start(ap, fmt);
        n = vsnprintf(line, sizeof line - 1, fmt, ap);
        va_end(ap);
    }
    if (n < 0) return;
    if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    conn_queue(s, c, line, (size_t)n);
}

/* Push one text message to every bound page of a uid (uid == NULL: to
 * every bound page). Returns how many pages queued it. */
static size_t push(server *s, const char *uid, size_t uid_len,
                   const char *msg, size_t len)
{
    size_t count = 0;

    if (uid != NULL) {
        uidmap_entry *e = uidmap_find(&s->uids, uid, uid_len);
        uidmap_link *l, *next;

        /* page_send may close a page and unlink it: keep next first. */
        for (l = e ? e->head : NULL; l != NULL; l = next) {
            next = l->next;
            if (page_send(s, l->owner, WS_OP_TEXT, msg, len) == 0) count++;
        }
    } else {
        conn *c;

        for (c = s->conns; c != NULL; c = c->next)
            if (c->state == BOUND &&
                page_send(s, c, WS_OP_TEXT, msg, len) == 0)
                count++;
    }
    s->n.delivered += count;
    return count;
}

/* The "stats" reply: every counter as KEY=VALUE (docs/PROTOCOL.md). */
static void answer_stats(server *s, conn *c)
{
    backend_reply(s, c, "ok pages=%lu uids=%lu backends=%lu accepted=%llu "
          "pushes=%llu delivered=%llu failures=%llu errors=%llu "
          "refused=%llu dropped=%llu timeouts=%llu bad=%llu uptime=%lld",
          (unsigned long)s->npages, (unsigned long)s->uids.nuids,
          (unsigned long)s->ninner, s->n.accepted, s->n.pushes,
          s->n.delivered, s->n.failures, s->n.errors, s->n.refused,
          s->n.dropped, s->n.timeouts, s->n.bad,
          (long long)((ev_now_ms() - s->started) / 1000));
}

/* With an inner secret, a backend's first request must be "auth SECRET"
 * (docs/PROTOCOL.md): "ok", or an error and the connection is closed, so
 * every wrong guess costs a new connection. */
static void authenticate(server *s, conn *c, const char *line, size_t len)
{
    const char *why = auth_inner_check(&s->cfg->auth, line, len);

    if (why == NULL) {
        c->authed = 1;
        c->deadline = NEVER;
        backend_reply(s, c, "ok");
        return;
    }
    s->n.errors++;
    log_line("info", "%s: inner port: %s", c->peer, why);
    backend_reply(s, c, "error %s", why);
    conn_closing(s, c);
}

/* Answer one request line (without its line ending). */
static void answer(server *s, conn *c, const char *line, size_t len)
{
    inner_request req;
    size_t n;
    int kind = inner_parse(line, len, &req);

    if (kind != INNER_EMPTY && !c->authed &&
        s->cfg->auth.inner_secret_len > 0) {
        authenticate(s, c, line, len);
        return;
    }
    switch (kind) {
    case INNER_EMPTY:
        return;
    case INNER_PUSH:
        s->n.pushes++;
        n = push(s, req.uid, req.uid_len, req.message, req.message_len);
        if (n == 0) s->n.failures++;
        backend_reply(s, c, n > 0 ? "ok" : "fail");
        return;
    case INNER_BROADCAST:
        s->n.pushes++;
        n = push(s, NULL, 0, req.message, req.message_len);
        if (n == 0) s->n.failures++;
        if (n > 0) backend_reply(s, c, "ok %lu", (unsigned long)n);
        else backend_reply(s, c, "fail");
        return;
    case INNER_ONLINE: {
        uidmap_entry *e = uidmap_find(&s->uids, req.uid, req.uid_len);
        if (e) backend_reply(s, c, "ok %lu", (unsigned long)e->count);
        else backend_reply(s, c, "fail");
        return;
    }
    case INNER_STATS:
        answer_stats(s, c);
        return;
    case INNER_ERROR:
        s->n.errors++;
        backend_reply(s, c, "error %s", req.error);
        return;
    }
}

/* Split received bytes into lines. A line may span reads (its start waits
 * in c->in); one longer than max_line is answered "error line too long"
 * once, and the rest of it is skipped up to its newline. */
void backend_feed(server *s, conn *c, const uint8_t *p, size_t n)
{
    const size_t max = s->cfg->max_line;

    while (n > 0 && !c->dead && c->state == SERVING) {
        const uint8_t *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;

        if (c->skip_line) {
            c->skip_line = nl == NULL;
        } else if (take > max - bytes_pending(&c->in) + 1) {
            /* +1: the line may still end in a '\r' we will strip. */
            s->n.errors++;
            backend_reply(s, c, "error line too long");
            bytes_free(&c->in);
            c->skip_line = nl == NULL;
        } else if (nl == NULL) {
            if (bytes_append(&c->in, p, take) < 0) conn_kill(s, c);
        } else {
            const char *line = (const char *)p;
            size_t len = take;

            if (bytes_pending(&c->in) > 0) {
                if (bytes_append(&c->in, p, take) < 0) {
                    conn_kill(s, c);
                    return;
                }
                line = (const char *)c->in.data;
                len = c->in.len;
            }
            if (len > 0 && line[len - 1] == '\r') len--;
            if (len > max) {
                s->n.errors++;
                backend_reply(s, c, "error line too long");
            } else {
                answer(s, c, line, len);
            }
            bytes_free(&c->in);
        }
        if (nl == NULL) break;
        n -= take + 1;
        p += take + 1;
        if (bytes_pending(&c->out) > s->cfg->max_queue && !c->dead) {
            /* Replies pile up: the backend writes without reading. Keep
             * the rest of this read (c->in is empty at a line boundary)
             * and read nothing more until the replies drain; conn_flush
             * then feeds what was kept. */
            if (n > 0 && bytes_append(&c->in, p, n) < 0) {
                conn_kill(s, c);
                return;
            }
            c->paused = 1;
            ev_del(s->loop, c->fd, EV_READABLE);
            return;
        }
    }
}
