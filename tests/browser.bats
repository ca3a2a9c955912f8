#!/usr/bin/env bats
# web/web.html and web/seed.html in a real browser: Debian's Chromium,
# headless, driven by tests/browser/web.js (playwright-core, installed by
# tests/deps.sh into build/npm) against a live server that serves the
# pages itself (--web). Each test is one scenario of web.js; see there.

load lib/helpers

# browser SCENARIO: run it against the server started by the test.
browser() {
    SYNC_DIR="$BATS_TEST_TMPDIR" SERVER_ERR="$SERVER_ERR" \
        run node "$TOP/tests/browser/web.js" "$1"
    echo "$output"
    [ "$status" -eq 0 ]
}

# wait_file PATH: wait (up to a minute) for web.js to reach a step.
wait_file() {
    for _ in $(seq 600); do
        [ -e "$1" ] && return 0
        kill -0 "$NODE_PID" 2>/dev/null || break
        sleep 0.1
    done
    echo "web.js did not write $1" >&2
    return 1
}

# A port free right now, for the test that needs the same port twice.
free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

@test "browser: the served page binds its uid and shows a push as JSON, newest first" {
    start_server --verbose --web "$TOP/web"
    browser push
}

@test "browser: two tabs with one uid both receive a push and a broadcast" {
    start_server --verbose --web "$TOP/web"
    browser tabs
}

@test "browser: an HTML payload is shown as text, no element made, no script run" {
    start_server --verbose --web "$TOP/web"
    browser html
}

@test "browser: close 1008 (uid too long) is final: the reason shows, no reconnect" {
    start_server --verbose --web "$TOP/web"
    browser final
}

@test "browser: a timer jump (sleep and resume) makes the page reconnect" {
    start_server --verbose --web "$TOP/web"
    browser drift
}

@test "browser: a keepalive after 25 s of silence, no false alarm while awake" {
    start_server --verbose --web "$TOP/web"
    browser keepalive
}

@test "browser: an online event (network back) makes the page reconnect" {
    start_server --verbose --web "$TOP/web"
    browser online
}

@test "browser: with a secret, ?token= binds the uid inside it; a tampered token stops on 4001" {
    export WSPUSH_SECRET=browser-test-secret-0123456789
    start_server --verbose --web "$TOP/web"
    export TOKEN=$("$WSPUSH" token token-uid 600)
    browser token
}

@test "browser: seed.html, the seed's snippet, logs a push" {
    start_server --verbose --web "$TOP/web"
    browser seed
}

@test "browser: the nc and PHP commands the page shows push to it" {
    command -v nc >/dev/null || { echo "nc is missing (netcat-openbsd)"; false; }
    start_server --verbose --web "$TOP/web"
    SYNC_DIR="$BATS_TEST_TMPDIR" SERVER_ERR="$SERVER_ERR" \
        node "$TOP/tests/browser/web.js" commands >"$BATS_TEST_TMPDIR/node.out" 2>&1 &
    NODE_PID=$!
    wait_file "$BATS_TEST_TMPDIR/ready"
    # As a user would paste them, but aimed at this server's inner port.
    sed "s/ 5678\$/ $INNER_PORT/" "$BATS_TEST_TMPDIR/nc.sh" >"$BATS_TEST_TMPDIR/nc2.sh"
    sed "s/:5678'/:$INNER_PORT'/" "$BATS_TEST_TMPDIR/push.php" >"$BATS_TEST_TMPDIR/push2.php"
    cat "$BATS_TEST_TMPDIR/nc2.sh" "$BATS_TEST_TMPDIR/push2.php"
    run timeout 20 bash "$BATS_TEST_TMPDIR/nc2.sh"
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    run timeout 20 php -r "$(cat "$BATS_TEST_TMPDIR/push2.php")"
    [ "$status" -eq 0 ]
    [[ "$output" == ok* ]]
    rc=0
    wait "$NODE_PID" || rc=$?
    cat "$BATS_TEST_TMPDIR/node.out"
    [ "$rc" -eq 0 ]
}

@test "browser: after the server restarts on its port the page reconnects and receives" {
    port=$(free_port)
    start_server --verbose --web "$TOP/web" --ws "127.0.0.1:$port"
    SYNC_DIR="$BATS_TEST_TMPDIR" \
        node "$TOP/tests/browser/web.js" restart >"$BATS_TEST_TMPDIR/node.out" 2>&1 &
    NODE_PID=$!
    wait_file "$BATS_TEST_TMPDIR/bound"
    stop_server
    [ "$SERVER_STATUS" -eq 0 ]
    sleep 1     # the page's first retries find nobody there
    start_server --verbose --web "$TOP/web" --ws "127.0.0.1:$port"
    echo "$INNER_PORT" >"$BATS_TEST_TMPDIR/restarted.tmp"
    mv "$BATS_TEST_TMPDIR/restarted.tmp" "$BATS_TEST_TMPDIR/restarted"
    rc=0
    wait "$NODE_PID" || rc=$?
    cat "$BATS_TEST_TMPDIR/node.out"
    [ "$rc" -eq 0 ]
}
