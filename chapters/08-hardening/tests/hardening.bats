#!/usr/bin/env bats
# Chapter 08: what hardening adds to chapter 07's server: capped queues,
# connection limits, heartbeats, a clean stop on SIGTERM, and a backend
# kept after an over-long line.

load ../../test_helper

@test "hardening: SIGTERM closes every page with 1001, then the program exits 0" {
    start_prog
    py > "$BATS_TEST_TMPDIR/py.out" 2>&1 <<'EOF' &
from wsraw import *
a, b = Page(bind="a"), Page()
wait_online("a")
open(os.environ["BATS_TEST_TMPDIR"] + "/ready", "w").close()
assert a.expect_close(1001)[0] == 1001
assert b.expect_close(1001)[0] == 1001
print("both closed")
EOF
    local client=$! i
    for i in $(seq 1 100); do
        [ -e "$BATS_TEST_TMPDIR/ready" ] && break
        sleep 0.05
    done
    stop_prog
    wait "$client" || { cat "$BATS_TEST_TMPDIR/py.out"; false; }
    [ "$PROG_STATUS" -eq 0 ]
    grep -q "both closed" "$BATS_TEST_TMPDIR/py.out"
}

@test "hardening: past -c clients, a page gets 503 and a backend an error" {
    start_prog -c 2
    py <<'EOF'
from wsraw import *
a = Page(bind="a")
b = Inner()
assert b.request("online a") == "ok 1"
p = Page(handshake=False)
r = p.upgrade()
assert r.status == 503, r.status_line
assert Inner().reply() == "error server full"
# The two admitted are still served.
assert b.request('{"uid":"a"}') == "ok"
assert a.recv_text() == '{"uid":"a"}'
EOF
}

@test "hardening: a silent page is pinged, then closed with 1001" {
    start_prog -p 300
    py <<'EOF'
from wsraw import *
p = Page(bind="quiet")
t = time.time()
fin, op, payload = p.recv_frame(timeout=5)
assert op == OP_PING, op
# Not answered: after as long again, the page is closed.
got, reason = p.expect_close(1001, timeout=5)
assert "ping" in reason, reason
assert time.time() - t < 5
EOF
}

@test "hardening: a page that answers pings stays open" {
    start_prog -p 200
    py <<'EOF'
from wsraw import *
p = Page(bind="alive")
end = time.time() + 1.5
while time.time() < end:
    fin, op, payload = p.recv_frame(timeout=2)
    assert op == OP_PING, op
    p.send_frame(OP_PONG, payload)
assert inner('{"uid":"alive"}') == "ok"
assert p.recv_data()[1] == b'{"uid":"alive"}'
EOF
}

@test "hardening: a page that does not read is dropped (1008); others unharmed" {
    start_prog -q 65536
    py <<'EOF'
from wsraw import *
slow, fast = Page(bind="slow"), Page(bind="fast")
wait_online("slow"); wait_online("fast")
b = Inner()
line = '{"uid":"slow","pad":"%s"}' % ("x" * 30000)
replies = []
for i in range(2000):
    replies.append(b.request(line))
    if replies[-1] == "fail":
        break
assert replies[-1] == "fail", "never dropped: %d oks" % len(replies)
assert b.request('{"uid":"fast"}') == "ok"
assert fast.recv_text() == '{"uid":"fast"}'
stats = dict(kv.split("=") for kv in b.request("stats").split()[1:])
assert stats["dropped"] == "1", stats
# Its connection ends (after what was queued, and a close frame 1008 if
# it was read within the linger time): drain it raw until EOF or reset.
slow.sock.settimeout(20)
drained = 0
try:
    while True:
        data = slow.sock.recv(1 << 20)
        if not data:
            break
        drained += len(data)
except ConnectionResetError:
    pass
assert drained > 0
print("%d pushes before the drop, %d bytes drained" % (len(replies), drained))
EOF
}

@test "hardening: an over-long line is refused and the backend kept" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="u")
wait_online("u")
b = Inner()
assert b.request('{"uid":"u","x":"%s"}' % ("y" * 70000)) == "error line too long"
assert b.request('{"uid":"u"}') == "ok"
assert page.recv_text() == '{"uid":"u"}'
EOF
}

@test "hardening: stats counts what happened" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="u")
wait_online("u")
assert inner('{"uid":"u"}') == "ok"
assert inner('{"uid":"v"}') == "fail"
stats = dict(kv.split("=") for kv in inner("stats").split()[1:])
assert stats["pages"] == "1" and stats["uids"] == "1", stats
assert int(stats["pushes"]) >= 2 and stats["failures"] == "1", stats
EOF
}
