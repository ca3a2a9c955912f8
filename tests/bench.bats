#!/usr/bin/env bats
# The benchmark harness (tests/bench/, `make bench`) kept from rotting:
# tiny runs of the load generator against wspush and the floor, checked
# for correctness only (every frame exactly once, at its page, in order;
# every reply). Nothing here is timed.

load lib/helpers

WSBENCH="$BUILD/wsbench"
WSFLOOR="$BUILD/wsfloor"

# The floor is a second server: stop it too, then do the usual teardown.
eval "helpers_$(declare -f teardown)"
teardown() {
    if [ -n "${FLOOR_PID:-}" ]; then
        kill "$FLOOR_PID" 2>/dev/null || true
        wait "$FLOOR_PID" 2>/dev/null || true
    fi
    helpers_teardown
}

# start_floor [--drop K]: the floor on free ports; sets WS_PORT, INNER_PORT.
start_floor() {
    local out="$BATS_TEST_TMPDIR/floor.out" i
    "$WSFLOOR" --ws 127.0.0.1:0 --inner 127.0.0.1:0 "$@" >"$out" &
    FLOOR_PID=$!
    for i in $(seq 1 200); do
        grep -q '^listening inner ' "$out" 2>/dev/null && break
        sleep 0.05
    done
    WS_PORT=$(sed -n 's/^listening ws .*:\([0-9]*\)$/\1/p' "$out")
    INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' "$out")
    [ -n "$INNER_PORT" ]
}

bench() {
    "$WSBENCH" "$@" --ws "127.0.0.1:$WS_PORT" --inner "127.0.0.1:$INNER_PORT"
}

@test "wsbench: 5000 pipelined pushes over 50 wspush pages all arrive, in order" {
    start_server
    run bench push -n 50 -m 5000 --window 500
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == '{"scenario":"push","n":50,"m":5000,'* ]]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" stats
    [[ "$output" == *" delivered=5000 "* ]]
}

@test "wsbench: 20 broadcasts reach all 100 wspush pages, each once" {
    start_server
    run bench broadcast -n 100 -m 20
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == '{"scenario":"broadcast","n":100,"m":20,'* ]]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" stats
    [[ "$output" == *" delivered=2000 "* ]]
}

@test "wsbench: 2 waves of 300 handshakes, each answered 101 with the right accept key" {
    start_server
    run "$WSBENCH" handshake -n 300 -m 2 --ws "127.0.0.1:$WS_PORT"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == '{"scenario":"handshake","n":300,"waves":2,'* ]]
}

@test "wsbench: memory reads the server's RSS around binding and pushing" {
    start_server
    run bench memory -n 20 -m 200 --pid "$SERVER_PID"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" =~ \"idle_kb\":[1-9][0-9]*,\"bound_kb\":[1-9] ]]
}

@test "the floor serves the same generator: pushes and broadcasts arrive" {
    start_floor
    run bench push -n 30 -m 3000 --window 300
    echo "$output"
    [ "$status" -eq 0 ]
    run bench broadcast -n 30 -m 10
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "wsbench fails, naming the page, when one push frame is lost" {
    # The 7th push (page u1's second) is dropped; u1's third follows.
    start_floor --drop 7
    run bench push -n 5 -m 12
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *'page u1: expected {"uid":"u1","n":1}, got {"uid":"u1","n":2}'* ]]
}
