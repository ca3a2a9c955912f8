#!/usr/bin/env bats
# Process life: -d, the pid file, stop / status / reload, the log file.
#
# A daemon is not the test's child: its exit status and its stderr cannot
# reach the test. So every daemon here logs to a file (--log), where a
# sanitizer report would land (teardown checks it), and under valgrind
# (make valgrind) each process writes valgrind's report to its own file
# (--log-file), which teardown requires to be empty.

load lib/helpers

setup_file() {
    if [[ "${WSPUSH_WRAP:-}" == valgrind* ]]; then
        echo "# daemons run under valgrind with --log-file: each process's report is a file, required empty" >&3
    fi
}

setup() {
    cd "$BATS_TEST_TMPDIR"
    PIDF="$BATS_TEST_TMPDIR/wspush.pid"
    LOG="$BATS_TEST_TMPDIR/wspush.log"
    DWRAP="$WRAP"
    if [[ "$WRAP" == valgrind* ]]; then
        DWRAP="$WRAP --log-file=$BATS_TEST_TMPDIR/valgrind.%p"
    fi
}

# Start a daemon on free ports; its "listening" lines are in $output.
daemon_start() {
    run $DWRAP "$WSPUSH" -d --pid-file "$PIDF" --log "$LOG" \
        --ws 127.0.0.1:0 --inner 127.0.0.1:0 "$@"
    echo "$output"
    [ "$status" -eq 0 ]
    WS_PORT=$(sed -n 's/^listening ws .*:\([0-9]*\)$/\1/p' <<<"$output")
    INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' <<<"$output")
    export WS_PORT INNER_PORT
    [ -n "$WS_PORT" ]
    [ -n "$INNER_PORT" ]
}

# Has process $1 exited? Absent, or a zombie: a daemon is not our child,
# and the init of a container may be slow to reap it (or never does), so
# kill -0 alone would still find it there.
gone() {
    local st
    st=$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)
    [ -z "$st" ] || [ "$st" = Z ]
}

# wspush stop, status or reload against our pid file.
verb() {
    "$WSPUSH" --pid-file "$PIDF" --inner "127.0.0.1:${INNER_PORT:-1}" \
        --timeout 30 "$@"
}

teardown() {
    local rc=0 f
    if [ -n "${SERVER_PID:-}" ]; then
        # A foreground server from start_server: the usual checks.
        assert_server_alive || rc=1
        stop_server
        [ "$SERVER_STATUS" -eq 0 ] || rc=1
    fi
    if [ -s "$PIDF" ] && verb status >/dev/null 2>&1; then
        verb stop >/dev/null 2>&1 || kill -9 "$(cat "$PIDF")" 2>/dev/null
    fi
    for f in "$LOG" "$LOG.1" "${SERVER_ERR:-/dev/null}"; do
        if [ -f "$f" ] && grep -q 'Sanitizer\|runtime error' "$f"; then
            cat "$f" >&2
            rc=1
        fi
    done
    for f in "$BATS_TEST_TMPDIR"/valgrind.*; do
        if [ -s "$f" ]; then cat "$f" >&2; rc=1; fi
    done
    return $rc
}

@test "-d: prints the ports, returns, and the daemon serves" {
    daemon_start
    pid=$(cat "$PIDF")
    [[ "$pid" =~ ^[0-9]+$ ]]
    kill -0 "$pid"
    # Detached: another session than ours, not its leader (so it can
    # never get a controlling terminal), and not our child.
    sid=$(ps -o sid= -p "$pid" | tr -d ' ')
    [ -n "$sid" ]
    [ "$sid" != "$(ps -o sid= -p $$ | tr -d ' ')" ]
    [ "$sid" != "$pid" ]
    [ "$(ps -o ppid= -p "$pid" | tr -d ' ')" != "$$" ]
    py <<'EOF'
from wsraw import *
assert_served("u1")
EOF
}

@test "status: running, pid and counters; stop: gone, pid file removed" {
    daemon_start
    pid=$(cat "$PIDF")
    run verb status
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == "running pid=$pid pages=0 "*" uptime="* ]]
    run verb stop
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "stopped pid=$pid" ]
    # stop returns once the server has released its pid file, its last
    # act; the process itself ends just after (seconds later under
    # valgrind, which checks for leaks at exit).
    [ ! -e "$PIDF" ]
    for _ in $(seq 300); do gone "$pid" && break; sleep 0.05; done
    gone "$pid"
    grep -q ' notice started, pid '"$pid"'$' "$LOG"
    grep -q ' notice stopped$' "$LOG"
    run verb status
    [ "$status" -eq 3 ]
    [ "$output" = "not running" ]
}

@test "status gives the inner secret first: counters, and no error counted" {
    export WSPUSH_INNER_SECRET=daemon-inner-secret-0123456789
    daemon_start
    pid=$(cat "$PIDF")
    run verb status
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == "running pid=$pid pages=0 "*" errors=0 "* ]]
    # Without the secret the counters are refused, and status says why.
    run env -u WSPUSH_INNER_SECRET "$WSPUSH" --pid-file "$PIDF" \
        --inner "127.0.0.1:$INNER_PORT" status
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"running pid=$pid uptime="* ]]
    [[ "$output" == *"no counters"* ]]
}

@test "status without the counters (inner port elsewhere) still says running" {
    daemon_start
    pid=$(cat "$PIDF")
    run "$WSPUSH" --pid-file "$PIDF" --inner 127.0.0.1:1 status
    echo "$output"
    [ "$status" -eq 0 ]
    sleep 1.1
    run "$WSPUSH" --pid-file "$PIDF" --inner 127.0.0.1:1 status
    [ "$status" -eq 0 ]
    # The uptime then comes from the pid file's time.
    [[ "${lines[0]}" =~ ^running\ pid=$pid\ uptime=[1-9][0-9]*$ ]] || \
        [[ "${lines[1]}" =~ ^running\ pid=$pid\ uptime=[1-9][0-9]*$ ]]
    [[ "$output" == *"wspush: no counters: cannot connect to 127.0.0.1:1: "* ]]
}

@test "Workerman's verbs: start -d, status, reload, stop" {
    run $DWRAP "$WSPUSH" --pid-file "$PIDF" --log "$LOG" \
        --ws 127.0.0.1:0 --inner 127.0.0.1:0 start -d
    [ "$status" -eq 0 ]
    [[ "${lines[1]}" == "listening inner 127.0.0.1:"* ]]
    INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' <<<"$output")
    run verb status
    [[ "$output" == "running pid=$(cat "$PIDF") "* ]]
    run verb reload
    [ "$status" -eq 0 ]
    run verb stop
    [ "$status" -eq 0 ]
    [ ! -e "$PIDF" ]
    # Only -d may follow start.
    run "$WSPUSH" start --ws 127.0.0.1:0
    [ "$status" -eq 2 ]
    [[ "$output" == "wspush: usage: [OPTIONS] start [-d], not '--ws'"* ]]
}

@test "stop, status and reload without a server: 'not running', status 3" {
    for v in stop reload; do
        run verb "$v"
        [ "$status" -eq 3 ]
        [[ "$output" == "wspush: not running (no live server holds $PIDF)" ]]
    done
    run verb status
    [ "$status" -eq 3 ]
    [ "$output" = "not running" ]
    run verb status extra
    [ "$status" -eq 2 ]
}

@test "-d on a busy port: the error on the terminal, exit 1, no pid file" {
    start_server
    run "$WSPUSH" -d --pid-file "$PIDF" --ws "127.0.0.1:$WS_PORT" \
        --inner 127.0.0.1:0
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == "wspush: cannot listen on 127.0.0.1:$WS_PORT: "* ]]
    [ ! -e "$PIDF" ]
}

@test "-d with a log file it cannot open: the error on the terminal, exit 1" {
    run "$WSPUSH" -d --pid-file "$PIDF" --log "$BATS_TEST_TMPDIR/no/such/log" \
        --ws 127.0.0.1:0 --inner 127.0.0.1:0
    echo "$output"
    [ "$status" -eq 1 ]
    # Only the error: the ports it had opened are closed again.
    [[ "$output" == "wspush: cannot open log file $BATS_TEST_TMPDIR/no/such/log: "* ]]
    [ "${#lines[@]}" -eq 1 ]
    [ ! -e "$PIDF" ]
}

@test "a pid file held by a live server is refused, and that server goes on" {
    daemon_start
    pid=$(cat "$PIDF")
    run "$WSPUSH" -d --pid-file "$PIDF" --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 1 ]
    [ "$output" = "wspush: already running as pid $pid (pid file $PIDF)" ]
    # In the foreground with --pid-file: the same.
    run "$WSPUSH" --pid-file "$PIDF" --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 1 ]
    [ "$output" = "wspush: already running as pid $pid (pid file $PIDF)" ]
    [ "$(cat "$PIDF")" = "$pid" ]
    py <<'EOF'
from wsraw import *
assert_served("still")
EOF
}

@test "five servers started at once on one pid file: exactly one runs" {
    pids=()
    for i in 1 2 3 4 5; do
        $DWRAP "$WSPUSH" -d --pid-file "$PIDF" --log "$LOG" \
            --ws 127.0.0.1:0 --inner 127.0.0.1:0 >"out.$i" 2>"err.$i" &
        pids+=($!)
    done
    ok=0
    for p in "${pids[@]}"; do wait "$p" && ok=$((ok + 1)) || true; done
    cat err.*
    [ "$ok" -eq 1 ]
    [ "$(cat err.* | grep -c "^wspush: already running as pid $(cat "$PIDF") ")" -eq 4 ]
    INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' out.*)
    run verb status
    [ "$status" -eq 0 ]
    [[ "$output" == "running pid=$(cat "$PIDF") pages=0 "* ]]
}

@test "a stale pid file (the server was killed) is reported and replaced" {
    daemon_start
    old=$(cat "$PIDF")
    kill -9 "$old"
    for _ in $(seq 100); do gone "$old" && break; sleep 0.05; done
    [ -e "$PIDF" ]
    run verb status
    [ "$status" -eq 1 ]
    [ "$output" = "not running (stale pid file)" ]
    rm -f "$BATS_TEST_TMPDIR/valgrind.$old"     # killed: no report to read
    daemon_start
    new=$(cat "$PIDF")
    [ "$new" != "$old" ]
    run verb status
    [ "$status" -eq 0 ]
    [[ "$output" == "running pid=$new "* ]]
}

@test "at exit a pid file that is no longer the server's is left alone" {
    daemon_start
    pid=$(cat "$PIDF")
    # An operator moved it away and another file took its name.
    mv "$PIDF" "$PIDF.moved"
    echo 999999 >"$PIDF"
    kill -TERM "$pid"
    for _ in $(seq 600); do gone "$pid" && break; sleep 0.05; done
    gone "$pid"
    [ "$(cat "$PIDF")" = 999999 ]
    [ -e "$PIDF.moved" ]
    rm "$PIDF"
}

@test "reload keeps every page and reopens the log after a rename" {
    daemon_start --verbose
    py "$BATS_TEST_TMPDIR/page.ready" "$BATS_TEST_TMPDIR/page.got" <<'EOF' &
import sys
from wsraw import *
page = Page(bind="r1")
wait_online("r1")
open(sys.argv[1], "w").close()
open(sys.argv[2], "w").write(page.recv_text(timeout=60))
EOF
    page=$!
    for _ in $(seq 400); do [ -e "$BATS_TEST_TMPDIR/page.ready" ] && break; sleep 0.05; done
    [ -e "$BATS_TEST_TMPDIR/page.ready" ]
    mv "$LOG" "$LOG.1"
    run verb reload
    [ "$status" -eq 0 ]
    [ "$output" = "reloading pid=$(cat "$PIDF")" ]
    for _ in $(seq 400); do grep -q ' notice reloaded$' "$LOG" 2>/dev/null && break; sleep 0.05; done
    cat "$LOG.1" "$LOG"
    # The old file got the lines before the reload, the new one the rest.
    grep -q "bound to uid 'r1'" "$LOG.1"
    grep -q ' notice SIGHUP received: reloading$' "$LOG.1"
    grep -q ' notice reloaded$' "$LOG"
    ! grep -q "bound to uid" "$LOG" || false
    # The page is still there: a push reaches it.
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push r1 '{"after":"reload"}'
    [ "$output" = ok ]
    wait "$page"
    [ "$(cat "$BATS_TEST_TMPDIR/page.got")" = '{"uid":"r1","after":"reload"}' ]
    # New connections are logged in the new file.
    grep -q 'connected to the inner port' "$LOG"
}

@test "relative --log and --pid-file name files where -d was run" {
    # The daemon works from /, but the paths were meant from here.
    run $DWRAP "$WSPUSH" -d --pid-file rel.pid --log rel.log \
        --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 0 ]
    PIDF="$BATS_TEST_TMPDIR/rel.pid" LOG="$BATS_TEST_TMPDIR/rel.log"
    [ -s "$PIDF" ]
    for _ in $(seq 100); do grep -q ' notice started' "$LOG" 2>/dev/null && break; sleep 0.05; done
    grep -q ' notice started, pid '"$(cat "$PIDF")"'$' "$LOG"
    run "$WSPUSH" --pid-file rel.pid --timeout 30 stop
    [ "$status" -eq 0 ]
    [ ! -e "$PIDF" ]
}

@test "the default pid file is ./wspush.pid, for the daemon and the verbs" {
    run $DWRAP "$WSPUSH" -d --log "$LOG" --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 0 ]
    [ -s "$BATS_TEST_TMPDIR/wspush.pid" ]
    run "$WSPUSH" --timeout 30 stop
    [ "$status" -eq 0 ]
    [ ! -e "$BATS_TEST_TMPDIR/wspush.pid" ]
}

@test "in the foreground no pid file is written unless asked for" {
    start_server
    [ ! -e "$BATS_TEST_TMPDIR/wspush.pid" ]
    stop_server
    start_server --pid-file "$PIDF"
    # Under a wrapper the server is the wrapper's child, not $SERVER_PID.
    [ -n "$WRAP" ] || [ "$(cat "$PIDF")" = "$SERVER_PID" ]
    run verb status
    [ "$status" -eq 0 ]
    stop_server
    [ "$SERVER_STATUS" -eq 0 ]
    [ ! -e "$PIDF" ]
}

@test "SIGHUP in the foreground reloads instead of ending the server" {
    start_server --log "$LOG"
    kill -HUP "$SERVER_PID"
    for _ in $(seq 100); do grep -q ' notice reloaded$' "$LOG" && break; sleep 0.05; done
    grep -q ' notice reloaded$' "$LOG"
    assert_server_alive
    py <<'EOF'
from wsraw import *
assert_served("hup")
EOF
}

@test "quiet by default: no line per connection or push; --verbose has them" {
    start_server --log "$LOG"
    py <<'EOF'
from wsraw import *
pages = [Page(bind="q%d" % i) for i in range(20)]
for i in range(20):
    wait_online("q%d" % i)
b = Inner()
for i in range(200):
    assert b.request('{"uid":"q%d"}' % (i % 20)) == "ok"
EOF
    cat "$LOG"
    # Only the start line: nothing per connection, push or close.
    [ "$(wc -l <"$LOG")" -eq 1 ]
    grep -q ' notice started, pid ' "$LOG"
    stop_server
    grep -q ' notice stopped$' "$LOG"
    : >"$LOG"
    start_server --log "$LOG" --verbose
    py <<'EOF'
from wsraw import *
assert_served("loud")
EOF
    grep -q "bound to uid 'loud'" "$LOG"
    grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2} info 127\.0\.0\.1:[0-9]+: upgraded$' "$LOG"
}

@test "foreground --log: log lines in the file, none on stderr" {
    start_server --log "$LOG" --verbose
    py <<'EOF'
from wsraw import *
assert_served("f1")
EOF
    grep -q "bound to uid 'f1'" "$LOG"
    [ ! -s "$SERVER_ERR" ]
    run "$WSPUSH" --log "$BATS_TEST_TMPDIR/nope/log" --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 1 ]
    [[ "$output" == "wspush: cannot open log file $BATS_TEST_TMPDIR/nope/log: "* ]]
    # Start-up errors reach the terminal, not the log.
    run "$WSPUSH" --log "$LOG.2" --ws "127.0.0.1:$WS_PORT" --inner 127.0.0.1:0
    [ "$status" -eq 1 ]
    [[ "$output" == "wspush: cannot listen on 127.0.0.1:$WS_PORT: "* ]]
    [ ! -s "$LOG.2" ]
}
