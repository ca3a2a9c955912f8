#!/usr/bin/env bats
# The README's demo, exactly as written: `make run` on the default ports,
# the page at the address the README gives, then each push command the
# README shows, copied out of README.md itself so that the text and the
# test cannot drift apart.

load lib/helpers

# block N MARKER: the Nth fenced code block after the first line of
# README.md that contains MARKER, without its fences or indentation.
block() {
    awk -v marker="$1" '
        index($0, marker) && !found { found = 1; next }
        found && /^ *```/ { if (inside) exit; inside = 1; next }
        found && inside { sub(/^   /, ""); print }
    ' "$TOP/README.md"
}

setup() {
    # make run uses the README's ports; a busy port is a clear failure.
    RUN_OUT="$BATS_TEST_TMPDIR/run.out"
    setsid make -C "$TOP" --no-print-directory run >"$RUN_OUT" 2>&1 &
    RUN_PGID=$!
    for _ in $(seq 200); do
        grep -q '^listening inner' "$RUN_OUT" && break
        sleep 0.05
    done
    cat "$RUN_OUT"
    grep -qx 'listening ws 0.0.0.0:1234' "$RUN_OUT"
    grep -qx 'listening inner 127.0.0.1:5678' "$RUN_OUT"
    export WS_PORT=1234 INNER_PORT=5678
}

teardown() {
    kill -TERM -- "-$RUN_PGID" 2>/dev/null || true
    wait "$RUN_PGID" 2>/dev/null || true
}

# A page bound to uid1 in the background; it records what it receives.
page_uid1() {
    py "$BATS_TEST_TMPDIR/got" <<'EOF' &
import sys
from wsraw import *
p = Page(bind="uid1")
with open(sys.argv[1], "w") as f:
    f.write(p.recv_text(timeout=20))
EOF
    PAGE_PID=$!
    "$PY" -c 'from wsraw import *; wait_online("uid1")'
}

@test "README: make run serves web/web.html at the address step 2 opens" {
    url=$(sed -n 's/^2\. Open \(http:[^ ]*\) in a browser\..*/\1/p' "$TOP/README.md")
    [ "$url" = "http://localhost:1234/" ]
    run curl -sS --max-time 10 -o "$BATS_TEST_TMPDIR/page" \
        -w '%{http_code} %{content_type}' "$url"
    echo "$output"
    [ "$output" = "200 text/html; charset=utf-8" ]
    cmp "$TOP/web/web.html" "$BATS_TEST_TMPDIR/page"
}

@test "README: the page opened in Chromium shows what step 3 pushes" {
    url=$(sed -n 's/^2\. Open \(http:[^ ]*\) in a browser\..*/\1/p' "$TOP/README.md")
    SYNC_DIR="$BATS_TEST_TMPDIR" PAGE_URL="$url" \
        node "$TOP/tests/browser/web.js" readme >"$BATS_TEST_TMPDIR/node.out" 2>&1 &
    node_pid=$!
    for _ in $(seq 600); do
        [ -e "$BATS_TEST_TMPDIR/bound" ] || ! kill -0 "$node_pid" 2>/dev/null && break
        sleep 0.1
    done
    cmd=$(block "3. Push from a shell" | sed -n 's/^\$ //p')
    cd "$TOP"
    run bash -c "$cmd"
    touch "$BATS_TEST_TMPDIR/pushed"
    rc=0
    wait "$node_pid" || rc=$?
    cat "$BATS_TEST_TMPDIR/node.out"
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    [ "$rc" -eq 0 ]
}

@test "README: make run serves; wspush push answers ok and the page gets the line" {
    page_uid1
    cmd=$(block "3. Push from a shell" | sed -n 's/^\$ //p')
    [ "$cmd" = "build/wspush push uid1 '{\"percent\":\"88%\"}'" ]
    cd "$TOP"
    run bash -c "$cmd"
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    wait "$PAGE_PID"
    [ "$(cat "$BATS_TEST_TMPDIR/got")" = '{"uid":"uid1","percent":"88%"}' ]
}

@test "README: the bash /dev/tcp lines push and read ok" {
    page_uid1
    script=$(block "bash alone does it")
    [[ "$script" == *"/dev/tcp/127.0.0.1/5678"* ]]
    run bash -c "$script"
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    wait "$PAGE_PID"
    [ "$(cat "$BATS_TEST_TMPDIR/got")" = '{"uid":"uid1","percent":"88%"}' ]
}

@test "README: the seed's PHP snippet pushes and prints ok" {
    page_uid1
    block "with the seed's own code" > "$BATS_TEST_TMPDIR/snippet.php"
    [[ "$(cat "$BATS_TEST_TMPDIR/snippet.php")" == *"stream_socket_client('tcp://127.0.0.1:5678'"* ]]
    run php -r "$(cat "$BATS_TEST_TMPDIR/snippet.php")"
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    wait "$PAGE_PID"
    [ "$(cat "$BATS_TEST_TMPDIR/got")" = '{"uid":"uid1","percent":"88%"}' ]
}
