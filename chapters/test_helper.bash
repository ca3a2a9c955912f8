# test_helper.bash -- start and stop a chapter's program for a bats test.
#
# A chapter's tests are run by `make check`, which sets PROG_BIN (the
# program built by the chapter being checked, not necessarily the chapter
# that wrote the test), PROG_ARGS (the addresses it listens on: port 0,
# so the system picks free ports) and TOP (the repository).
#
# start_prog [OPTIONS...] starts $PROG_BIN and waits for its "listening"
# lines: "listening ADDR" (chapters 01-03), "listening ws ADDR" and, from
# chapter 07, "listening inner ADDR". PORT and WS_PORT are then the first
# port, INNER_PORT the inner one. teardown stops the program by its PID and
# fails the test if it died meanwhile or printed a sanitizer or valgrind
# report. PROG_WRAP, if set, is a command to run the program under.

if [ -z "${PROG_BIN:-}" ] || [ -z "${TOP:-}" ]; then
    echo "run these tests with make check in a chapter's folder" >&2
    exit 1
fi
PY=/usr/bin/python3
export PYTHONPATH="$TOP/tests/lib"

start_prog() {
    local want i
    PROG_OUT="$BATS_TEST_TMPDIR/prog.out"
    PROG_ERR="$BATS_TEST_TMPDIR/prog.err"
    # One "listening" line per address given.
    # shellcheck disable=SC2086
    set -- "$@" ${PROG_ARGS:-127.0.0.1:0}
    want=$(printf '%s\n' ${PROG_ARGS:-127.0.0.1:0} | wc -l)
    ${PROG_WRAP:-} "$PROG_BIN" "$@" >"$PROG_OUT" 2>"$PROG_ERR" &
    PROG_PID=$!
    for i in $(seq 1 200); do
        if [ "$(grep -c '^listening ' "$PROG_OUT" 2>/dev/null)" -ge "$want" ]
        then
            PORT=$(sed -n '1s/.*:\([0-9]*\)$/\1/p' "$PROG_OUT")
            INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' \
                "$PROG_OUT")
            WS_PORT=$PORT
            export PORT WS_PORT INNER_PORT
            return 0
        fi
        kill -0 "$PROG_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "$PROG_BIN did not start:" >&2
    cat "$PROG_ERR" >&2
    return 1
}

# The program must still be alive: a crash is a failure even when the
# client side looked fine.
assert_prog_alive() {
    if ! kill -0 "$PROG_PID" 2>/dev/null; then
        echo "$PROG_BIN died; its stderr:" >&2
        cat "$PROG_ERR" >&2
        return 1
    fi
}

# Stop the program with SIGTERM; its exit status is left in PROG_STATUS.
stop_prog() {
    [ -n "${PROG_PID:-}" ] || return 0
    kill -TERM "$PROG_PID" 2>/dev/null || true
    PROG_STATUS=0
    wait "$PROG_PID" || PROG_STATUS=$?
    PROG_PID=
}

teardown() {
    if [ -n "${PROG_PID:-}" ]; then
        assert_prog_alive
        stop_prog
    fi
    if [ -n "${PROG_ERR:-}" ] && grep -q 'Sanitizer\|runtime error' "$PROG_ERR"
    then
        cat "$PROG_ERR" >&2
        return 1
    fi
    # Under valgrind (PROG_WRAP) with -q, any line it prints is an error.
    if [ -n "${PROG_WRAP:-}" ] && grep -q '^==[0-9]*== ' "$PROG_ERR"; then
        cat "$PROG_ERR" >&2
        return 1
    fi
}

# Run a Python script given on stdin with Debian's python3, which has the
# websockets package; tests/lib (wsraw.py) is on its path.
py() {
    "$PY" - "$@"
}
