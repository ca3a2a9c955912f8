/**
 * @file inner.h
 * @brief The inner port's line protocol: what one request line asks for.
 *
 * The backend writes one request per line (ending in LF or CRLF) and reads
 * one reply line per request, in order. inner_parse() takes a line without
 * its ending and classifies it; it does no I/O and keeps no state.
 *
 * Seed-compatible requests (what Workerman's push.php accepts):
 * - a JSON object (RFC 8259) with a "uid" member that is a string or an
 *   integer: push the whole line to that uid's pages.
 *
 * Extension commands; no JSON text can begin with these words, so they
 * cannot be mistaken for a seed line:
 * - "broadcast MESSAGE": push MESSAGE to every page that has a uid;
 * - "online UID": how many pages UID has;
 * - "stats": the server's counters.
 *
 * The JSON is validated in full, with nesting limited to
 * INNER_MAX_DEPTH, and the whole line must be UTF-8 (it goes out as a
 * text frame). The uid's escapes are decoded ("u\u0031" is "u1"). An
 * integer uid is taken as its decimal digits, as PHP's array keys do, so
 * {"uid":42} reaches the page that sent "42"; -0 is 0. If "uid" appears
 * twice the last one counts, as in PHP's json_decode().
 *
 * @defgroup inner Inner port protocol
 * @{
 */
#ifndef WSPUSH_INNER_H
#define WSPUSH_INNER_H

#include <stddef.h>
#include "uidmap.h"

/** Deepest nesting of arrays and objects accepted in a JSON line. */
#define INNER_MAX_DEPTH 64

/** What a request line asks for. */
typedef enum inner_kind {
    INNER_EMPTY = 0,   /**< blank line (empty, or only spaces, tabs, CRs
                            and LFs): ignored, no reply */
    INNER_PUSH,        /**< seed JSON line: push @c message to @c uid */
    INNER_BROADCAST,   /**< "broadcast MESSAGE" */
    INNER_ONLINE,      /**< "online UID" */
    INNER_STATS,       /**< "stats" */
    INNER_ERROR        /**< refused: reply "error " + @c error */
} inner_kind;

/** A classified request. */
typedef struct inner_request {
    inner_kind kind;               /**< what is asked */
    const char *message;           /**< PUSH: the whole line; BROADCAST:
                                        the text after "broadcast " */
    size_t message_len;            /**< length of @c message */
    char uid[UIDMAP_UID_MAX + 1];  /**< PUSH, ONLINE: the uid, decoded,
                                        NUL-terminated */
    size_t uid_len;                /**< length of @c uid */
    const char *error;             /**< ERROR: a fixed reason, see
                                        inner_parse() */
} inner_request;

/**
 * @brief Classify one request line.
 *
 * Reasons given with INNER_ERROR (the reply is "error REASON"):
 * - "invalid UTF-8": the line is not UTF-8;
 * - "invalid JSON": the line is neither a command nor RFC 8259 JSON;
 * - "JSON nested too deeply": more than INNER_MAX_DEPTH levels;
 * - "not a JSON object": valid JSON, but not an object;
 * - "missing uid": an object without a "uid" member;
 * - "uid must be a string or an integer": e.g. {"uid":["x"]} or 1.5;
 * - "empty uid": "uid" is "";
 * - "uid too long": over UIDMAP_UID_MAX bytes once decoded;
 * - "missing message": "broadcast" with nothing after it;
 * - "unknown command": a lowercase word that is no command and no JSON.
 *
 * Commands are matched exactly: "stats" alone; "online " and
 * "broadcast " with a single space, the rest of the line taken as it is
 * (so "stats x" and "online\tx" are unknown commands). A line starting
 * with whitespace is never a command. On INNER_ERROR, @c uid is empty.
 *
 * @param[in] line the line, without its LF or CRLF.
 * @param[in] len length of @p line.
 * @param[out] req the classification; @c message points into @p line.
 * @return req->kind.
 */
inner_kind inner_parse(const char *line, size_t len, inner_request *req);

/** @} */
#endif
