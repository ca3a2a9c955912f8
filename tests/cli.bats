#!/usr/bin/env bats
# The command line: options, errors at start-up, addresses, client mode.

load lib/helpers

@test "--help lists every option and exits 0" {
    run "$WSPUSH" --help
    [ "$status" -eq 0 ]
    for opt in --ws --inner --max-clients --max-message --max-line \
               --max-queue --max-header --handshake-timeout \
               --ping-interval --ping-timeout --protocol --echo --verbose; do
        [[ "$output" == *"$opt"* ]] || { echo "missing $opt"; false; }
    done
}

@test "--version prints the version" {
    run "$WSPUSH" --version
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^wspush\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "an unknown option is one clear line and exit status 2" {
    run "$WSPUSH" --frobnicate
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == "wspush: unknown option '--frobnicate'" ]]
}

@test "a bad option value is refused with exit status 2" {
    run "$WSPUSH" --max-queue lots
    [ "$status" -eq 2 ]
    [[ "$output" == *"bad value for --max-queue"* ]]
    run "$WSPUSH" --ping-interval -1
    [ "$status" -eq 2 ]
    run "$WSPUSH" --max-clients 100000
    [ "$status" -eq 2 ]
    [[ "$output" == *"FD_SETSIZE"* ]]
    run "$WSPUSH" --ws
    [ "$status" -eq 2 ]
    [[ "$output" == *"--ws needs a value"* ]]
}

@test "a busy port is one clear line and exit status 1" {
    start_server
    run "$WSPUSH" --ws "127.0.0.1:$WS_PORT" --inner 127.0.0.1:0
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == "wspush: cannot listen on 127.0.0.1:$WS_PORT: "* ]]
    run "$WSPUSH" --ws 127.0.0.1:0 --inner "127.0.0.1:$INNER_PORT"
    [ "$status" -eq 1 ]
    [[ "$output" == "wspush: cannot listen on 127.0.0.1:$INNER_PORT: "* ]]
}

@test "an unresolvable or malformed address is one clear line and exit 1" {
    run "$WSPUSH" --ws no-such-host.invalid:1234 --inner 127.0.0.1:0
    [ "$status" -eq 1 ]
    [[ "$output" == "wspush: cannot resolve 'no-such-host.invalid': "* ]]
    for bad in 1234 127.0.0.1 127.0.0.1:99999 ::1:80 '[::1]' 127.0.0.1:x; do
        run "$WSPUSH" --ws "$bad" --inner 127.0.0.1:0
        [ "$status" -eq 1 ]
        [[ "$output" == "wspush: bad address '$bad'"* ]] || { echo "$bad: $output"; false; }
    done
}

@test "port 0 binds free ports and prints them" {
    start_server
    [[ "$WS_PORT" =~ ^[0-9]+$ ]]
    [ "$WS_PORT" -gt 0 ]
    [[ "$INNER_PORT" =~ ^[0-9]+$ ]]
    [ "$INNER_PORT" -ne "$WS_PORT" ]
}

@test "IPv6: both ports on [::1]" {
    [ -e /proc/net/if_inet6 ] || [ "$(uname)" != Linux ]
    SERVER_OUT="$BATS_TEST_TMPDIR/server.out"
    SERVER_ERR="$BATS_TEST_TMPDIR/server.err"
    "$WSPUSH" --ws '[::1]:0' --inner '[::1]:0' >"$SERVER_OUT" 2>"$SERVER_ERR" &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listening inner' "$SERVER_OUT" && break; sleep 0.05; done
    grep -q '^listening ws \[::1\]:[0-9]*$' "$SERVER_OUT"
    WS_PORT=$(sed -n 's/^listening ws .*:\([0-9]*\)$/\1/p' "$SERVER_OUT")
    INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' "$SERVER_OUT")
    export WS_PORT INNER_PORT
    WS_HOST=::1 py <<'EOF'
from wsraw import *
p = Page(bind="six", host="::1")
deadline = time.time() + 5
b = Inner(host="::1")
while b.request("online six") != "ok 1":
    assert time.time() < deadline
assert b.request('{"uid":"six"}') == "ok"
assert p.recv_text() == '{"uid":"six"}'
EOF
}

@test "client: push builds the seed's line with uid first and escapes it" {
    start_server
    py <<'EOF' &
from wsraw import *
p = Page(bind='we"ird')
assert p.recv_text(timeout=10) == '{"uid":"we\\"ird","percent":"88%","n":[1]}'
assert p.recv_text(timeout=10) == '{"uid":"we\\"ird"}'
EOF
    local pypid=$!
    "$PY" -c 'from wsraw import *; wait_online("we\"ird")'
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push 'we"ird' '{"percent":"88%","n":[1]}'
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push 'we"ird' '{ }'
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    wait "$pypid"
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push u1 '[1]'
    [ "$status" -eq 2 ]
}

@test "client: send, online, broadcast and stats print the replies" {
    start_server
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" send '{"uid":"a"}' 'nonsense' '{"uid":[1]}'
    [ "$status" -eq 1 ]
    [ "${lines[0]}" = fail ]
    [ "${lines[1]}" = "error unknown command" ]
    [ "${lines[2]}" = "error uid must be a string or an integer" ]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" online a
    [ "$status" -eq 1 ]
    [ "$output" = fail ]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" broadcast hi
    [ "$status" -eq 1 ]
    [ "$output" = fail ]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" stats
    [ "$status" -eq 0 ]
    [[ "$output" == "ok pages=0 "*" failures=2 errors=2 "* ]]
}

@test "client: pretty-printed JSON is pushed as one line; line breaks elsewhere are refused" {
    start_server
    py <<'EOF' &
from wsraw import *
p = Page(bind="pretty")
assert p.recv_text(timeout=10) == '{"uid":"pretty","a": 1,  "b": [2]}'
EOF
    local pypid=$!
    "$PY" -c 'from wsraw import *; wait_online("pretty")'
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push pretty $'{\n "a": 1,\n "b": [2]}'
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    wait "$pypid"
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" send $'{"uid":"a"}\n{"uid":"b"}'
    [ "$status" -eq 2 ]
    [[ "$output" == *"line break"* ]]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" broadcast $'two\nlines'
    [ "$status" -eq 2 ]
    [[ "$output" == *"line break"* ]]
}

@test "client: push refuses JSON that names a uid of its own" {
    start_server
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push alice '{"uid":"bob","msg":"for alice"}'
    [ "$status" -eq 2 ]
    [[ "$output" == *"has a uid of its own"* ]]
}

@test "client: a server that answers and hangs up does not kill the client (SIGPIPE)" {
    # A peer that says why it refuses and closes at once, as a full server
    # does; the client's next writes hit a reset. The client runs with
    # SIGPIPE's default action (bats ignores it, and children inherit
    # that), so an unprotected client would die of it.
    WSPUSH="$WSPUSH" py <<'EOF'
import os, signal, socket, subprocess, threading
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(8)
def serve():
    while True:
        c, _ = ls.accept()
        c.sendall(b"error server full\n")
        c.close()
threading.Thread(target=serve, daemon=True).start()
cmd = [os.environ["WSPUSH"], "--inner", "127.0.0.1:%d" % ls.getsockname()[1],
       "send"] + ["x" * 100000] * 20
for _ in range(3):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=20,
                       preexec_fn=lambda: signal.signal(signal.SIGPIPE,
                                                        signal.SIG_DFL))
    print(r.returncode, repr(r.stdout), repr(r.stderr))
    assert r.returncode == 1, "killed by a signal" if r.returncode < 0 else r
    assert r.stdout == "error server full\n" or r.stderr, r
EOF
}

@test "options: --protocol must be one short token; timers 1 ms to a day" {
    run "$WSPUSH" --protocol "$(printf 'p%.0s' $(seq 200))"
    [ "$status" -eq 2 ]
    [[ "$output" == *"--protocol"* ]]
    run "$WSPUSH" --protocol "chat, superchat"
    [ "$status" -eq 2 ]
    run "$WSPUSH" --ping-interval 0.0004
    [ "$status" -eq 2 ]
    [[ "$output" == *"0.001 to 86400"* ]]
    run "$WSPUSH" --handshake-timeout 100000
    [ "$status" -eq 2 ]
}

@test "started with stdin, stdout and stderr closed, it still serves" {
    # Some launchers close stdio. The server's sockets and signal pipe
    # must not take fds 0-2, or log lines would land in them. Its stdout
    # is closed, so it cannot tell us a port it picked: the inner port is
    # a Unix socket here, a name no other test can take meanwhile.
    sock="$BATS_TEST_TMPDIR/inner.sock"
    "$WSPUSH" --verbose --ws 127.0.0.1:0 --inner "unix:$sock" 0<&- 1>&- 2>&- &
    SERVER_PID=$!
    SERVER_ERR=/dev/null
    for _ in $(seq 100); do "$WSPUSH" --inner "unix:$sock" stats >/dev/null 2>&1 && break; sleep 0.05; done
    for _ in 1 2 3; do
        run "$WSPUSH" --inner "unix:$sock" stats
        [ "$status" -eq 0 ]
        [[ "$output" == "ok pages=0 "* ]]
    done
    assert_server_alive
}

@test "client: no server is one clear line and exit status 1" {
    start_server
    local port=$INNER_PORT
    stop_server
    run "$WSPUSH" --inner "127.0.0.1:$port" stats
    [ "$status" -eq 1 ]
    [[ "$output" == "wspush: cannot connect to 127.0.0.1:$port: "* ]]
}

@test "the default inner port listens on loopback only" {
    # The seed opened 5678 to the world; we do not unless told.
    SERVER_OUT="$BATS_TEST_TMPDIR/server.out"
    SERVER_ERR="$BATS_TEST_TMPDIR/server.err"
    "$WSPUSH" --ws 127.0.0.1:0 >"$SERVER_OUT" 2>"$SERVER_ERR" &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listening inner' "$SERVER_OUT" && break; sleep 0.05; done
    cat "$SERVER_OUT" "$SERVER_ERR"
    grep -qx 'listening inner 127.0.0.1:5678' "$SERVER_OUT"
}
