#!/usr/bin/env bats
# RFC 6455 conformance: the case table in tests/conformance/cases.py, run
# by a raw client (tests/conformance/runner.py) against `wspush --echo`.
# One test per group; each prints one line per case, ok or FAIL with what
# came back instead (shown by bats when the test fails), and keeps the
# report in $BUILD/conformance/GROUP.txt. A summary line per group and the
# total go to the TAP stream.
#
# The largest messages are 16 MiB. CONFORMANCE_MAX_MESSAGE scales them
# down (make valgrind does, where 16 MiB would take minutes); the report
# then says so on its first line.

load lib/helpers

MAX=${CONFORMANCE_MAX_MESSAGE:-16777216}
export CONFORMANCE_MAX_MESSAGE=$MAX
# Under valgrind the server is 20 to 50 times slower: give each read more.
[[ "$WRAP" != *valgrind* ]] || export WSRAW_TIMEOUT=${WSRAW_TIMEOUT:-30}

# Run one group against a fresh echo server; keep its report.
group() {
    start_server --echo --max-message "$MAX" --ping-interval 0
    run "$PY" "$TOP/tests/conformance/runner.py" "$1"
    echo "$output"
    mkdir -p "$BUILD/conformance"
    printf '%s\n' "$output" >"$BUILD/conformance/$1.txt"
    printf '%s\n' "${lines[-1]}" >>"$BATS_RUN_TMPDIR/conformance.sum"
    if [ "${lines[0]}" != "${lines[0]#*SCALED}" ]; then
        echo "# ${lines[0]}" >&3
    fi
    echo "# ${lines[-1]}" >&3
    [ "$status" -eq 0 ]
}

@test "conformance: framing at every length boundary, whole and in 1-byte writes (§5.2)" {
    group framing
}

@test "conformance: ping and pong (§5.5.2, §5.5.3)" {
    group ping
}

@test "conformance: reserved bits and opcodes (§5.2)" {
    group reserved
}

@test "conformance: fragmentation (§5.4)" {
    group fragments
}

@test "conformance: UTF-8, valid split anywhere, invalid closed at the bad byte (§8.1)" {
    group utf8
}

@test "conformance: close codes, reasons and the closing handshake (§5.5.1, §7)" {
    group closing
}

@test "conformance: limits, 16 MiB messages, 64-byte fragments, round trips (§10.4)" {
    group limits
}

@test "conformance: every case of the table ran and passed" {
    run "$PY" "$TOP/tests/conformance/runner.py" --list
    [ "$status" -eq 0 ]
    table=$(echo "${lines[-1]}" | cut -d' ' -f1)
    [ -f "$BATS_RUN_TMPDIR/conformance.sum" ] ||
        { echo "no group ran in this bats run"; false; }
    cat "$BATS_RUN_TMPDIR/conformance.sum"
    passed=$(awk '{ n += $4 } END { print n + 0 }' "$BATS_RUN_TMPDIR/conformance.sum")
    echo "# total: $passed of the table's $table cases passed" >&3
    [ "$passed" -eq "$table" ]
}

@test "echo mode: the inner port still answers, and echo pages get no pushes" {
    start_server --echo
    py <<'EOF'
from wsraw import *
p = Page()
p.send_text("uid1")                 # in echo mode this binds nothing
assert p.recv_text() == "uid1"
assert inner("online uid1") == "fail"
assert inner('{"uid":"uid1","x":1}') == "fail"
assert inner("broadcast hello") == "fail"
assert inner("stats").startswith("ok ")
assert p.nothing_for(0.3), "an echo page received a push"
p.send_frame(OP_BINARY, b"\x00\x01")
assert p.recv_data() == (OP_BINARY, b"\x00\x01")
EOF
}

@test "echo mode: --max-queue is raised so the largest message can be echoed" {
    # 2 MB messages with the default 1 MiB queue cap: echo mode raises the
    # cap to --max-message + 14.
    start_server --echo --max-message 2000000
    py <<'EOF'
import os
from wsraw import *
p = Page()
data = os.urandom(2000000)
p.send_frame(OP_BINARY, data)
assert p.recv_data() == (OP_BINARY, data)
p.send_frame(OP_BINARY, data + b"!")
p.expect_close(1009)
EOF
}
