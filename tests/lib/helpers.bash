# helpers.bash -- start and stop a wspush server for a bats test.
#
# start_server [OPTIONS...] runs build/wspush on free ports (port 0) and
# waits until it prints the ports it bound; WS_PORT and INNER_PORT are then
# exported for the test and its Python clients. teardown stops the server
# by its PID and fails the test if the server crashed or reported a
# sanitizer error in the meantime.

TOP="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
# WSPUSH_BUILD picks another build of the same sources (make sanitize).
BUILD="$TOP/${WSPUSH_BUILD:-build}"
WSPUSH="$BUILD/wspush"
# WSPUSH_WRAP runs the server and the unit tests under a tool (make valgrind).
WRAP="${WSPUSH_WRAP:-}"
PY=/usr/bin/python3
export PYTHONPATH="$TOP/tests/lib"

start_server() {
    SERVER_OUT="$BATS_TEST_TMPDIR/server.out"
    SERVER_ERR="$BATS_TEST_TMPDIR/server.err"
    $WRAP "$WSPUSH" --ws 127.0.0.1:0 --inner 127.0.0.1:0 "$@" \
        >"$SERVER_OUT" 2>"$SERVER_ERR" &
    SERVER_PID=$!
    local i
    for i in $(seq 1 200); do
        if grep -q '^listening inner ' "$SERVER_OUT" 2>/dev/null; then
            WS_PORT=$(sed -n 's/^listening ws .*:\([0-9]*\)$/\1/p' "$SERVER_OUT")
            INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' "$SERVER_OUT")
            export WS_PORT INNER_PORT
            return 0
        fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "server did not start:" >&2
    cat "$SERVER_ERR" >&2
    return 1
}

# Stop the server with SIGTERM; its exit status is left in SERVER_STATUS.
stop_server() {
    [ -n "${SERVER_PID:-}" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    SERVER_STATUS=0
    wait "$SERVER_PID" || SERVER_STATUS=$?
    SERVER_PID=
}

# The server must still be alive here: a crash during a test is a failure
# even when the client side looked fine.
assert_server_alive() {
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "server died; its stderr:" >&2
        cat "$SERVER_ERR" >&2
        return 1
    fi
}

teardown() {
    if [ -n "${SERVER_PID:-}" ]; then
        assert_server_alive
        stop_server
        if [ "$SERVER_STATUS" -ne 0 ]; then
            echo "server exited with status $SERVER_STATUS; its stderr:" >&2
            cat "$SERVER_ERR" >&2
            return 1
        fi
        if grep -q 'Sanitizer\|runtime error' "$SERVER_ERR"; then
            cat "$SERVER_ERR" >&2
            return 1
        fi
    fi
}

# Run a Python test script given on stdin with Debian's python3.
py() {
    "$PY" - "$@"
}
