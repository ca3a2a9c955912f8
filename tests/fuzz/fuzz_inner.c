/* fuzz_inner.c -- the inner port's line parser (inner.c).
 *
 * The input is a backend's byte stream: it is cut into lines at LF and a
 * CR before the LF is dropped, as backend.c does, and each line is
 * classified on its own, from a block of exactly its size. What
 * inner_parse() says is checked against inner.h: a push is valid UTF-8
 * and has a uid of 1 to 256 bytes, commands are matched exactly, a refusal
 * comes with a reason and no uid. A push must also stay the same push,
 * with the same uid, when JSON white space is put around it. */
#include "fuzz.h"
#include "inner.h"
#include "utf8.h"

/* Whether line[0..len) starts with the string s. */
static int starts(const char *line, size_t len, const char *s)
{
    size_t n = strlen(s);

    return len >= n && memcmp(line, s, n) == 0;
}

/* Check the classification of line[0..len). */
static void check(const char *line, size_t len, const inner_request *req)
{
    size_t i;

    switch (req->kind) {
    case INNER_EMPTY:
        for (i = 0; i < len; i++)
            FUZZ_CHECK(strchr(" \t\r\n", line[i]) != NULL && line[i]);
        break;
    case INNER_PUSH:
        FUZZ_CHECK(req->message == line && req->message_len == len);
        FUZZ_CHECK(utf8_valid(line, len));
        FUZZ_CHECK(req->uid_len >= 1 && req->uid_len <= UIDMAP_UID_MAX);
        FUZZ_CHECK(req->uid[req->uid_len] == '\0');
        for (i = 0; i < len && strchr(" \t\r\n", line[i]) && line[i]; i++) {}
        FUZZ_CHECK(i < len && line[i] == '{');
        break;
    case INNER_BROADCAST:
        FUZZ_CHECK(starts(line, len, "broadcast ") && len > 10);
        FUZZ_CHECK(req->message == line + 10 && req->message_len == len - 10);
        break;
    case INNER_ONLINE:
        FUZZ_CHECK(starts(line, len, "online "));
        FUZZ_CHECK(req->uid_len == len - 7 && req->uid_len >= 1);
        FUZZ_CHECK(memcmp(req->uid, line + 7, req->uid_len) == 0);
        FUZZ_CHECK(req->uid[req->uid_len] == '\0');
        break;
    case INNER_STATS:
        FUZZ_CHECK(len == 5 && memcmp(line, "stats", 5) == 0);
        break;
    case INNER_ERROR:
        FUZZ_CHECK(req->error != NULL && req->error[0] != '\0');
        FUZZ_CHECK(strchr(req->error, '\n') == NULL);
        FUZZ_CHECK(req->uid_len == 0 && req->uid[0] == '\0');
        break;
    default:
        FUZZ_CHECK(!"unknown kind");
    }
}

/* Classify one line; a push is classified again inside white space. */
static void one_line(const uint8_t *p, size_t len)
{
    char *line = (char *)fuzz_copy(p, len), *padded;
    inner_request req, again;

    inner_parse(line, len, &req);
    check(line, len, &req);
    if (req.kind == INNER_PUSH) {
        padded = malloc(len + 4);
        FUZZ_CHECK(padded != NULL);
        memcpy(padded, " \t", 2);
        memcpy(padded + 2, line, len);
        memcpy(padded + 2 + len, "\r ", 2);
        FUZZ_CHECK(inner_parse(padded, len + 4, &again) == INNER_PUSH);
        FUZZ_CHECK(again.uid_len == req.uid_len &&
                   memcmp(again.uid, req.uid, req.uid_len) == 0);
        free(padded);
    }
    free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl;

    while ((nl = memchr(data, '\n', size)) != NULL) {
        size_t n = (size_t)(nl - data);

        one_line(data, n > 0 && data[n - 1] == '\r' ? n - 1 : n);
        size -= n + 1;
        data = nl + 1;
    }
    one_line(data, size);
    return 0;
}
