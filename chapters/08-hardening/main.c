/* main.c -- chapter 08: hardening. The push server of src/.
 *
 * Chapter 07's server is correct for well-behaved peers. A server on a
 * network also meets slow ones, silent ones, floods, and the end of its
 * own life. src/conn.c, page.c, backend.c and server.c are chapter 07's
 * functions (page_handshake, page_feed, page_data, backend_feed,
 * answer, push, on_readable and on_writable become server_readable and
 * server_writable), with these added:
 *
 * - every queue has a cap: a page that does not read its pushes is
 *   closed with 1008, a backend that does not read its replies is not
 *   read until it does (chapter 07's queues grow without bound);
 * - output is written once per wake-up, after every handler has run, and
 *   connections are freed only then;
 * - deadlines: a handshake must end within 10 s, a silent page is pinged
 *   and closed if it stays silent, a closing connection lingers 2 s at
 *   most (chapter 07 waits forever);
 * - limits: past max_clients, or out of file descriptors, a connection
 *   gets an answer (503, "error server full") instead of hanging;
 * - SIGINT and SIGTERM close every page with 1001 and end the program;
 * - running out of memory closes one connection, not the program;
 * - an over-long request line is skipped, and the backend kept;
 * - counters, for the inner port's "stats" command.
 *
 * This driver only sets the configuration and runs the server. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "server.h"

static void usage(const char *prog)
{
    fprintf(stderr,
            "usage: %s [-v] [-c CLIENTS] [-q BYTES] [-p MS] "
            "[WS_HOST:PORT [INNER_HOST:PORT]]\n"
            "  -v          log every connection event\n"
            "  -c CLIENTS  open connections served at once\n"
            "  -q BYTES    cap of each connection's output queue\n"
            "  -p MS       ping a page silent this long; close it if it\n"
            "              stays silent as long again (0: never)\n",
            prog);
    exit(2);
}

/* The value of a numeric option, or the usage message. */
static long number(const char *text, const char *prog)
{
    char *end;
    long n = strtol(text, &end, 10);

    if (end == text || *end != '\0' || n < 0) usage(prog);
    return n;
}

int main(int argc, char **argv)
{
    server_config cfg;
    int opt;

    server_config_init(&cfg);
    /* Every chapter listens on localhost; wspush itself takes 0.0.0.0,
     * as the seed does. */
    cfg.ws_addr = "127.0.0.1:1234";
    while ((opt = getopt(argc, argv, "vc:q:p:")) != -1) {
        switch (opt) {
        case 'v': cfg.verbose = 1; break;
        case 'c': cfg.max_clients = (size_t)number(optarg, argv[0]); break;
        case 'q': cfg.max_queue = (size_t)number(optarg, argv[0]); break;
        case 'p':
            cfg.ping_interval_ms = number(optarg, argv[0]);
            cfg.ping_timeout_ms = cfg.ping_interval_ms;
            break;
        default:  usage(argv[0]);
        }
    }
    if (argc - optind > 2) usage(argv[0]);
    if (optind < argc) cfg.ws_addr = argv[optind];
    if (optind + 1 < argc) cfg.inner_addr = argv[optind + 1];
    return server_run(&cfg);
}
