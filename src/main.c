/* main.c -- the wspush command: the server, and a small client for the
 * inner port.
 *
 *   wspush [OPTIONS]                  run the server
 *   wspush [OPTIONS] push UID [JSON]  push to UID's pages, print the reply
 *   wspush [OPTIONS] send LINE...     send raw request lines
 *   wspush [OPTIONS] broadcast MSG | online UID | stats
 *   wspush [OPTIONS] token UID [TTL]  print a signed page token
 *   wspush [OPTIONS] start [-d]       the server, as Workerman says it
 *   wspush [OPTIONS] stop | status | reload   act on a -d server
 *
 * Options are parsed by hand: POSIX getopt() has no long options, and
 * getopt_long() is an extension. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "daemon.h"
#include "forward.h"
#include "inner.h"
#include "log.h"
#include "net.h"
#include "server.h"
#include "static.h"
#include "token.h"

#define WSPUSH_VERSION "0.1.0"

static const char usage_text[] =
"usage: wspush [OPTIONS]                     run the push server\n"
"       wspush [OPTIONS] start [-d]          the same (-d: in the background)\n"
"       wspush [OPTIONS] push UID [JSON]     push to UID's pages\n"
"       wspush [OPTIONS] send LINE...        send raw inner-port lines\n"
"       wspush [OPTIONS] broadcast MESSAGE   push to every page\n"
"       wspush [OPTIONS] online UID          count UID's pages\n"
"       wspush [OPTIONS] stats               print the server's counters\n"
"       wspush [OPTIONS] token UID [TTL]     print a page token for UID,\n"
"                                            valid TTL seconds (default 86400)\n"
"       wspush [OPTIONS] stop|status|reload  act on the server in the pid file\n"
"\n"
"Ports (HOST:PORT, [IPV6]:PORT or unix:PATH; port 0 picks a free port):\n"
"  --ws ADDR             WebSocket port            (default 0.0.0.0:1234)\n"
"  --inner ADDR          inner text port           (default 127.0.0.1:5678)\n"
"Trust (secrets come from files or the environment, never from here):\n"
"  --secret-file PATH    pages must send a token signed with this secret\n"
"                        (else $WSPUSH_SECRET; neither: bare uids, as the seed)\n"
"  --inner-secret-file PATH  backends must first send 'auth SECRET'\n"
"                        (else $WSPUSH_INNER_SECRET; neither: no auth)\n"
"  --origin ORIGIN       allow this Origin only (repeatable; exact match)\n"
"  --origin-file PATH    allow the origins listed in PATH, one a line\n"
"Limits:\n"
"  --max-clients N       connections, both ports   (default FD_SETSIZE-32)\n"
"  --max-message BYTES   message from a page       (default 65536)\n"
"  --max-line BYTES      inner request line        (default 65536)\n"
"  --max-queue BYTES     output queued per client  (default 1048576)\n"
"  --max-header BYTES    handshake request head    (default 8192)\n"
"Timers (seconds, fractions allowed):\n"
"  --handshake-timeout S finish the handshake      (default 10)\n"
"  --ping-interval S     ping a page silent for S  (default 30; 0: never)\n"
"  --ping-timeout S      then close it after S     (default 30)\n"
"Running for real:\n"
"  -d, --daemon          run in the background (writes the pid file)\n"
"  --pid-file PATH       pid file                  (default ./wspush.pid)\n"
"  --log PATH            append log lines to PATH, reopened on SIGHUP\n"
"  --trusted-proxy ADDR  believe X-Forwarded-For from ADDR (repeatable)\n"
"Other:\n"
"  --echo                echo mode, for conformance suites: send each\n"
"                        message back as the same type, bind no uid;\n"
"                        raises --max-queue to --max-message + 14\n"
"  --protocol NAME       confirm this Sec-WebSocket-Protocol when offered\n"
"  --web DIR             serve DIR's page to plain HTTP GETs on the WebSocket\n"
"                        port (/ is DIR/index.html or DIR/web.html)\n"
"  --timeout S           client commands: wait for a reply, stop: for\n"
"                        the server to exit        (default 5)\n"
"  -v, --verbose         log every connection event\n"
"  -h, --help            show this help\n"
"  -V, --version         show the version\n";

/* Exit statuses (stop, status and reload add DAEMON_NOT_RUNNING, 3). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* The pid file: written by a server only with -d or --pid-file, read by
 * stop, status and reload. */
static const char *pid_file = "wspush.pid";
static int pid_file_set;

static void die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "wspush: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'wspush --help'.\n");
    exit(EXIT_USAGE);
}

/* Parse a byte count: a positive decimal integer. */
static size_t parse_size(const char *opt, const char *s)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v == 0 || v > SIZE_MAX / 4)
        die_usage("bad value for %s (expected a positive number)", opt);
    return (size_t)v;
}

/* Parse seconds (fractions allowed, 1 ms to one day; 0 where zero_ok)
 * into milliseconds. A day in ms fits a 32-bit long. */
static long parse_secs(const char *opt, const char *s, int zero_ok)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0) || v > 86400 ||
        (v < 0.001 && !(v == 0 && zero_ok)))
        die_usage("bad value for %s (expected seconds, 0.001 to 86400)",
                  opt);
    return (long)(v * 1000 + 0.5);
}

/* Write a JSON string literal for s into out. Returns the length, or 0 if
 * it does not fit. */
static size_t json_string(const char *s, char *out, size_t size)
{
    size_t n = 0;

    if (size < 3) return 0;
    out[n++] = '"';
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        char esc[8];
        size_t k;

        if (ch == '"' || ch == '\\') {
            esc[0] = '\\'; esc[1] = (char)ch; k = 2;
        } else if (ch < 0x20) {
            k = (size_t)sprintf(esc, "\\u%04x", ch);
        } else {
            esc[0] = (char)ch; k = 1;
        }
        if (k > size - n - 2) return 0;
        memcpy(out + n, esc, k);
        n += k;
    }
    out[n++] = '"';
    out[n] = '\0';
    return n;
}

/* Build the seed's push line: the JSON object with "uid" put first.
 * {"percent":"88%"} for uid1 becomes {"uid":"uid1","percent":"88%"}. */
static char *push_line(const char *uid, const char *json)
{
    size_t cap = strlen(uid) * 6 + (json ? strlen(json) : 0) + 16;
    char *line = malloc(cap), *p;
    size_t n;

    if (line == NULL) return NULL;
    strcpy(line, "{\"uid\":");
    n = json_string(uid, line + 7, cap - 7);
    p = line + 7 + n;
    if (json == NULL) {
        strcpy(p, "}");
        return line;
    }
    while (*json == ' ' || *json == '\t') json++;
    if (*json != '{') {
        free(line);
        die_usage("push: %s is not a JSON object", json);
    }
    json++;
    while (*json == ' ' || *json == '\t' || *json == '\n' || *json == '\r')
        json++;
    if (*json != '}') *p++ = ',';
    /* Pretty-printed JSON spans lines; outside strings a line break is
     * white space, and inside one it is invalid JSON anyway. */
    for (; *json; json++) *p++ = *json == '\n' || *json == '\r' ? ' ' : *json;
    *p = '\0';
    return line;
}

/* Write all n bytes, retrying after interruptions. Returns 0, or -1. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The inner secret the client commands give first, if any. */
static const auth_config *client_auth;

/* Send each line to the inner port and print each reply line. Returns the
 * exit status: 0 if every reply began with "ok", 1 otherwise. */
static int client(const char *addr, long timeout_ms, char **lines, int n)
{
    char err[256], buf[4096];
    size_t have = 0;
    int fd, i, status = EXIT_OK;

    fd = net_connect(addr, timeout_ms, err, sizeof err);
    if (fd >= 0 && auth_client_hello(client_auth, fd, err, sizeof err) < 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        fprintf(stderr, "wspush: %s\n", err);
        return EXIT_FAIL;
    }
    for (i = 0; i < n; i++) {
        if (write_all(fd, lines[i], strlen(lines[i])) < 0 ||
            write_all(fd, "\n", 1) < 0) {
            int saved = errno;
            ssize_t r = read(fd, buf, sizeof buf);

            /* The server may have said why it closed, e.g. "error server
             * full": show that before the write error. */
            if (r > 0) fwrite(buf, 1, (size_t)r, stdout);
            fprintf(stderr, "wspush: write: %s\n", strerror(saved));
            close(fd);
            return EXIT_FAIL;
        }
    }
    /* One reply line per request, in order. Blank lines get no reply. */
    for (i = 0; i < n; i++) {
        char *nl;
        ssize_t r;

        if (lines[i][strspn(lines[i], " \t\r")] == '\0') continue;
        while ((nl = memchr(buf, '\n', have)) == NULL) {
            if (have == sizeof buf) break;
            r = read(fd, buf + have, sizeof buf - have);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) {
                fprintf(stderr, "wspush: no reply from %s: %s\n", addr,
                        r == 0 ? "connection closed" :
                        errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" :
                        strerror(errno));
                close(fd);
                return EXIT_FAIL;
            }
            have += (size_t)r;
        }
        if (nl == NULL) nl = buf + have - 1;
        fwrite(buf, 1, (size_t)(nl - buf) + 1, stdout);
        if (strncmp(buf, "ok", 2) != 0) status = EXIT_FAIL;
        have -= (size_t)(nl - buf) + 1;
        memmove(buf, nl + 1, have);
    }
    close(fd);
    return status;
}

/* wspush token UID [TTL]: print a token for UID that expires TTL seconds
 * from now, signed with the page secret. */
static int token(const auth_config *auth, int argc, char **argv)
{
    char tok[TOKEN_MAX_LEN + 1], *end;
    long long ttl = 86400;

    if (argc < 2 || argc > 3) die_usage("usage: %s UID [TTL]", "token");
    if (argc == 3) {
        errno = 0;
        ttl = strtoll(argv[2], &end, 10);
        if (errno || end == argv[2] || *end || ttl < 1 || ttl > 315360000)
            die_usage("token: bad TTL '%s' (expected seconds, 1 to "
                      "315360000)", argv[2]);
    }
    if (auth->secret_len == 0)
        die_usage("token: %s", "no secret: give --secret-file PATH or set "
                  "WSPUSH_SECRET");
    if (token_mint(tok, sizeof tok, auth->secret, auth->secret_len, argv[1],
                   strlen(argv[1]), (long long)time(NULL) + ttl) == 0)
        die_usage("token: the uid must be 1 to 256 bytes of UTF-8: %s",
                  argv[1]);
    puts(tok);
    return EXIT_OK;
}

/* Run a client command (argv[0] is its name). */
static int command(const char *addr, long timeout_ms, int argc, char **argv)
{
    const char *cmd = argv[0];
    char *line;
    int rc;

    if (strcmp(cmd, "token") == 0) return token(client_auth, argc, argv);

    if (strcmp(cmd, "stop") == 0 || strcmp(cmd, "status") == 0 ||
        strcmp(cmd, "reload") == 0) {
        if (argc != 1) die_usage("usage: %s (the pid file is --pid-file)",
                                 cmd);
        return daemon_command(cmd, pid_file, addr, client_auth, timeout_ms);
    }

    if (strcmp(cmd, "push") == 0) {
        inner_request req;

        if (argc < 2 || argc > 3) die_usage("usage: %s UID [JSON]", "push");
        line = push_line(argv[1], argc == 3 ? argv[2] : NULL);
        if (line == NULL) return EXIT_FAIL;
        /* A "uid" inside JSON would win over ours (the last one counts):
         * refuse it rather than push to someone else. Other mistakes are
         * the server's to answer. */
        if (inner_parse(line, strlen(line), &req) == INNER_PUSH &&
            (req.uid_len != strlen(argv[1]) ||
             memcmp(req.uid, argv[1], req.uid_len) != 0)) {
            free(line);
            die_usage("push: %s has a uid of its own", argv[2]);
        }
        rc = client(addr, timeout_ms, &line, 1);
        free(line);
        return rc;
    }
    if (strcmp(cmd, "send") == 0) {
        int i;

        if (argc < 2) die_usage("usage: %s LINE...", "send");
        for (i = 1; i < argc; i++)
            if (strpbrk(argv[i], "\r\n"))
                die_usage("send: a LINE may not contain a line break: %s",
                          argv[i]);
        return client(addr, timeout_ms, argv + 1, argc - 1);
    }
    if (strcmp(cmd, "broadcast") == 0 || strcmp(cmd, "online") == 0) {
        size_t len;

        if (argc != 2) die_usage("usage: %s ARGUMENT", cmd);
        if (strpbrk(argv[1], "\r\n"))
            die_usage("%s: the argument may not contain a line break", cmd);
        len = strlen(cmd) + strlen(argv[1]) + 2;
        line = malloc(len);
        if (line == NULL) return EXIT_FAIL;
        snprintf(line, len, "%s %s", cmd, argv[1]);
        rc = client(addr, timeout_ms, &line, 1);
        free(line);
        return rc;
    }
    if (strcmp(cmd, "stats") == 0) {
        char *stats = "stats";

        if (argc != 1) die_usage("usage: %s", "stats");
        return client(addr, timeout_ms, &stats, 1);
    }
    die_usage("unknown command '%s'", cmd);
    return EXIT_USAGE;
}

/* If argv[*i] is option name (as "--name VALUE" or "--name=VALUE"), return
 * its value and advance *i; else NULL. */
static const char *value_of(const char *name, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    size_t n = strlen(name);

    if (strncmp(a, name, n) != 0) return NULL;
    if (a[n] == '=') return a + n + 1;
    if (a[n] != '\0') return NULL;
    if (*i + 1 >= argc) die_usage("option %s needs a value", name);
    return argv[++*i];
}

/* The --log file, absolute (for the daemon's chdir("/") and reopens). */
static char log_abs[4096];

/* The foreground server is serving: log to the --log file from now on.
 * Until then, start-up errors went to the terminal. */
static int log_ready(void)
{
    char err[512];

    if (log_open(log_abs, err, sizeof err) < 0) {
        fprintf(stderr, "wspush: %s\n", err);
        return -1;
    }
    return 0;
}

/* Run the server: in the background with -d, with its pid file and log
 * file if asked for. Returns the exit status. */
static int serve(server_config *cfg, int daemonize, const char *log_file)
{
    char err[512];
    int rc;

    if (log_file != NULL) {
        if (daemon_abspath(log_file, log_abs, sizeof log_abs) < 0) {
            fprintf(stderr, "wspush: log file path too long\n");
            return EXIT_FAIL;
        }
        if (log_try(log_abs, err, sizeof err) < 0) {
            fprintf(stderr, "wspush: %s\n", err);
            return EXIT_FAIL;
        }
        log_file = log_abs;
        cfg->on_ready = log_ready;
    }
    if (daemonize) {
        if (daemon_detach(log_file) < 0) return EXIT_FAIL;
        cfg->on_ready = daemon_ready;
    }
    if (pid_file_set && pidfile_create(pid_file, err, sizeof err) < 0) {
        fprintf(stderr, "wspush: %s\n", err);
        return EXIT_FAIL;
    }
    rc = server_run(cfg);
    pidfile_remove();
    return rc;
}

int main(int argc, char **argv)
{
    static const char *proxies[16];
    static char pid_abs[4096];
    server_config cfg;
    char err[512];
    long timeout_ms = 5000;
    int i, fd, daemonize = 0;
    const char *v, *log_file = NULL;

    server_config_init(&cfg);
    /* Options come first; the first word that is not one starts a client
     * command, and everything from there on is its arguments. */
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];

        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(usage_text, stdout);
            return EXIT_OK;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            puts("wspush " WSPUSH_VERSION);
            return EXIT_OK;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            cfg.verbose = 1;
        } else if (!strcmp(a, "--echo")) {
            cfg.echo = 1;
        } else if (!strcmp(a, "-d") || !strcmp(a, "--daemon")) {
            daemonize = 1;
        } else if ((v = value_of("--pid-file", argc, argv, &i))) {
            pid_file = v;
            pid_file_set = 1;
        } else if ((v = value_of("--log", argc, argv, &i))) {
            log_file = v;
        } else if ((v = value_of("--trusted-proxy", argc, argv, &i))) {
            if (!forward_valid_addr(v))
                die_usage("bad value for %s (expected a numeric IPv4 or "
                          "IPv6 address)", "--trusted-proxy");
            if (cfg.ntrusted_proxies == sizeof proxies / sizeof *proxies)
                die_usage("too many %s options (at most 16)",
                          "--trusted-proxy");
            proxies[cfg.ntrusted_proxies++] = v;
            cfg.trusted_proxies = proxies;
        } else if ((v = value_of("--ws", argc, argv, &i))) {
            cfg.ws_addr = v;
        } else if ((v = value_of("--inner", argc, argv, &i))) {
            cfg.inner_addr = v;
        } else if ((v = value_of("--secret-file", argc, argv, &i))) {
            cfg.auth.secret_file = v;
        } else if ((v = value_of("--inner-secret-file", argc, argv, &i))) {
            cfg.auth.inner_secret_file = v;
        } else if ((v = value_of("--origin", argc, argv, &i))) {
            if (auth_add_origin(&cfg.auth, v) < 0)
                die_usage("too many --origin options (at most %s)", "64");
        } else if ((v = value_of("--origin-file", argc, argv, &i))) {
            cfg.auth.origin_file = v;
        } else if ((v = value_of("--protocol", argc, argv, &i))) {
            cfg.protocol = v;
        } else if ((v = value_of("--web", argc, argv, &i))) {
            cfg.web_dir = v;
        } else if ((v = value_of("--max-clients", argc, argv, &i))) {
            cfg.max_clients = parse_size("--max-clients", v);
        } else if ((v = value_of("--max-message", argc, argv, &i))) {
            cfg.max_message = parse_size("--max-message", v);
        } else if ((v = value_of("--max-line", argc, argv, &i))) {
            cfg.max_line = parse_size("--max-line", v);
        } else if ((v = value_of("--max-queue", argc, argv, &i))) {
            cfg.max_queue = parse_size("--max-queue", v);
        } else if ((v = value_of("--max-header", argc, argv, &i))) {
            cfg.max_header = parse_size("--max-header", v);
        } else if ((v = value_of("--handshake-timeout", argc, argv, &i))) {
            cfg.handshake_timeout_ms = parse_secs("--handshake-timeout", v, 0);
        } else if ((v = value_of("--ping-interval", argc, argv, &i))) {
            cfg.ping_interval_ms = parse_secs("--ping-interval", v, 1);
        } else if ((v = value_of("--ping-timeout", argc, argv, &i))) {
            cfg.ping_timeout_ms = parse_secs("--ping-timeout", v, 0);
        } else if ((v = value_of("--timeout", argc, argv, &i))) {
            timeout_ms = parse_secs("--timeout", v, 0);
        } else {
            die_usage("unknown option '%s'", a);
        }
    }
    if (cfg.max_clients > FD_SETSIZE - 8) {
        /* select() cannot watch an fd at or past FD_SETSIZE; 8 fds go to
         * stdio, the listeners, the signal pipe and the spare. */
        fprintf(stderr, "wspush: --max-clients must be at most %d "
                "(FD_SETSIZE - 8)\n", FD_SETSIZE - 8);
        return EXIT_USAGE;
    }
    /* An echo leaves as one frame, header included: the largest message
     * accepted must fit the queue, or echo mode would close a page for
     * sending what it accepts. */
    if (cfg.echo && cfg.max_queue < cfg.max_message + WS_MAX_HEADER)
        cfg.max_queue = cfg.max_message + WS_MAX_HEADER;
    if (cfg.protocol && (strlen(cfg.protocol) > 128 ||
                         strpbrk(cfg.protocol, " \t\r\n,;\"") ||
                         cfg.protocol[0] == '\0'))
        die_usage("bad value for %s (expected one token, at most 128 "
                  "characters)", "--protocol");
    if (cfg.web_dir && i == argc && static_check_dir(cfg.web_dir, err,
                                                      sizeof err) < 0) {
        fprintf(stderr, "wspush: %s\n", err);
        return EXIT_USAGE;
    }
    /* Started with stdin, stdout or stderr closed (some launchers do),
     * the next socket would take its number, and our log lines would go
     * into it. Hold those numbers with /dev/null. */
    while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2) {}
    if (fd > 2) close(fd);
    if (auth_load(&cfg.auth, err, sizeof err) < 0) {
        fprintf(stderr, "wspush: %s\n", err);
        return EXIT_USAGE;
    }
    client_auth = &cfg.auth;
    /* Workerman's verbs: "start" runs the server, "start -d" in the
     * background. */
    if (i < argc && strcmp(argv[i], "start") == 0) {
        for (i++; i < argc; i++) {
            if (strcmp(argv[i], "-d") != 0 && strcmp(argv[i], "--daemon"))
                die_usage("usage: [OPTIONS] start [-d], not '%s'", argv[i]);
            daemonize = 1;
        }
    }
    /* The pid file by its absolute path: the daemon works from "/". */
    if (daemon_abspath(pid_file, pid_abs, sizeof pid_abs) < 0)
        die_usage("bad value for %s (path too long)", "--pid-file");
    pid_file = pid_abs;
    pid_file_set |= daemonize;
    if (i < argc) {
        /* A server that closed on us must not kill the client silently:
         * a failed write is reported instead. */
        signal(SIGPIPE, SIG_IGN);
        return command(cfg.inner_addr, timeout_ms, argc - i, argv + i);
    }
    return serve(&cfg, daemonize, log_file);
}
