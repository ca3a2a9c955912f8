#!/usr/bin/env bats
# Running out of file descriptors: refused cleanly, no busy loop.

load lib/helpers

# CPU seconds (user + system) the server has used, from /proc.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"
}

@test "out of file descriptors (EMFILE): 503, no spinning, recovery" {
    [ -r /proc/self/stat ] || { echo "needs /proc to read CPU time"; false; }
    # 24 descriptors: stdio, two listeners, the signal pipe and the spare
    # leave 16 for connections, well below --max-clients.
    SERVER_OUT="$BATS_TEST_TMPDIR/server.out"
    SERVER_ERR="$BATS_TEST_TMPDIR/server.err"
    bash -c 'ulimit -n 24 && exec "$0" --ws 127.0.0.1:0 --inner 127.0.0.1:0' \
        "$WSPUSH" >"$SERVER_OUT" 2>"$SERVER_ERR" &
    SERVER_PID=$!
    for _ in $(seq 100); do grep -q '^listening inner' "$SERVER_OUT" && break; sleep 0.05; done
    WS_PORT=$(sed -n 's/^listening ws .*:\([0-9]*\)$/\1/p' "$SERVER_OUT")
    INNER_PORT=$(sed -n 's/^listening inner .*:\([0-9]*\)$/\1/p' "$SERVER_OUT")
    export WS_PORT INNER_PORT
    local before
    before=$(cpu_ticks)
    py <<'EOF'
from wsraw import *
backend = Inner()                       # one descriptor for the backend
pages, refused = [], 0
for i in range(24):
    p = Page(handshake=False)
    r = p.upgrade()
    if r.status == 101:
        p.send_text("fd%d" % i)
        pages.append(p)
    else:
        assert r.status == 503, r.status_line
        assert p.is_closed()
        refused += 1
print("# accepted %d, refused %d" % (len(pages), refused))
assert len(pages) >= 10 and refused >= 5, (len(pages), refused)
# The pages it kept are served while it is full.
time.sleep(1)                           # idle while full: must not spin
for i in range(len(pages)):
    assert backend.request('{"uid":"fd%d"}' % i) == "ok"
    assert pages[i].recv_text() == '{"uid":"fd%d"}' % i
stats = dict(kv.split("=") for kv in backend.request("stats").split()[1:])
assert int(stats["refused"]) == refused, stats
# Recovery: free two descriptors, and new pages are taken again.
pages.pop().close(); pages.pop().close()
time.sleep(0.2)
again = [Page(bind="again%d" % i) for i in range(2)]
deadline = time.time() + 5
while backend.request("online again1") != "ok 1":
    assert time.time() < deadline, "no recovery"
    time.sleep(0.01)
EOF
    local after
    after=$(cpu_ticks)
    echo "# CPU ticks used during the test: $((after - before))"
    # A loop spinning on an unacceptable connection burns a core for the
    # whole second of idling (~100 ticks); serving this takes a few.
    [ $((after - before)) -lt 50 ]
    grep -q "out of file descriptors" "$SERVER_ERR"
}
