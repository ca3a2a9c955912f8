#!/usr/bin/env bats
# The push server, from chapter 07 on: the seed's behaviour, feature for
# feature. A backend writes one JSON line per push to the inner port; the
# pages of its uid get the whole line; the backend reads "ok" or "fail".
# The extension commands (broadcast, online) and refusals are answered
# one line each, in order.

load ../../test_helper

@test "push: the seed's line reaches its page whole; the backend reads ok" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="uid1")
wait_online("uid1")
line = '{"uid":"uid1","percent":"88%"}'
assert inner(line) == "ok"
assert page.recv_text() == line
assert page.nothing_for(0.2)
EOF
}

@test "push: fail when no page has the uid" {
    start_prog
    py <<'EOF'
from wsraw import *
assert inner('{"uid":"nobody","x":1}') == "fail"
EOF
}

@test "push: the seed's PHP backend, unchanged, prints ok" {
    start_prog
    py "$TOP/tests/interop/seed_backend.php" <<'EOF'
import subprocess, sys
from wsraw import *
page = Page(bind="uid1")
wait_online("uid1")
out = subprocess.run(["php", sys.argv[1]], capture_output=True, timeout=20)
assert out.returncode == 0 and out.stdout == b"ok\n", out
assert page.recv_text() == '{"uid":"uid1","percent":"88%"}'
EOF
}

@test "push: every tab of a uid receives; one closing leaves the others" {
    start_prog
    py <<'EOF'
from wsraw import *
a, b = Page(bind="uid1"), Page(bind="uid1")
wait_online("uid1", 2)
assert inner('{"uid":"uid1","n":1}') == "ok"
assert a.recv_text() == b.recv_text() == '{"uid":"uid1","n":1}'
# The seed's flaw (the first tab's close unbinds the second) is gone.
a.send_frame(OP_CLOSE, close_payload(1000))
a.expect_close(1000)
wait_online("uid1", 1)
assert inner('{"uid":"uid1","n":2}') == "ok"
assert b.recv_text() == '{"uid":"uid1","n":2}'
EOF
}

@test "push: an integer uid reaches the page that sent its digits" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="42")
wait_online("42")
assert inner('{"uid":42,"msg":"hi"}') == "ok"
assert page.recv_text() == '{"uid":42,"msg":"hi"}'
EOF
}

@test "push: a page's later messages are ignored, as in the seed" {
    start_prog
    py <<'EOF'
from wsraw import *
page, other = Page(bind="uid1"), Page(bind="uid1")
page.send_text("anything")
page.send_text("uid2")              # does not rebind
wait_online("uid1", 2)
assert page.nothing_for(0.3) and other.nothing_for(0.1)
assert inner("online uid2") == "fail"
EOF
}

@test "push: lines in pieces, several in one write, CRLF: answered in order" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="u")
wait_online("u")
b = Inner()
b.send('{"uid":"u","n":1}\r\n{"uid":"nobody"}\n{"uid":"u",', chunk=5)
b.send('"n":2}\n')
assert [b.reply(), b.reply(), b.reply()] == ["ok", "fail", "ok"]
assert page.recv_text() == '{"uid":"u","n":1}'
assert page.recv_text() == '{"uid":"u","n":2}'
EOF
}

@test "push: bad lines get an error reply and the backend is still served" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="u")
wait_online("u")
b = Inner()
assert b.request("{not json") == "error invalid JSON"
assert b.request("frobnicate") == "error unknown command"
assert b.request('{"no":"uid"}') == "error missing uid"
assert b.request('[1,2]') == "error not a JSON object"
b.send(b'{"uid":"u","bad":"\xff"}\n')
assert b.reply() == "error invalid UTF-8"
assert b.request('{"uid":"u"}') == "ok"
assert page.recv_text() == '{"uid":"u"}'
EOF
}

@test "push: broadcast reaches every bound page; online counts a uid's pages" {
    start_prog
    py <<'EOF'
from wsraw import *
a, b, c = Page(bind="a"), Page(bind="b"), Page(bind="b")
unbound = Page()
wait_online("a"); wait_online("b", 2)
assert inner("online b") == "ok 2"
assert inner("online zzz") == "fail"
assert inner("broadcast hello all") == "ok 3"
for p in (a, b, c):
    assert p.recv_text() == "hello all"
assert unbound.nothing_for(0.2)
EOF
}

@test "push: a backend that half-closes still gets its replies" {
    start_prog
    py <<'EOF'
from wsraw import *
page = Page(bind="u")
wait_online("u")
b = Inner()
b.send('{"uid":"u"}\n{"uid":"nobody"}')     # the last line has no newline
b.sock.shutdown(socket.SHUT_WR)
got = b.read_to_eof()
assert got == b"ok\nfail\n", got
EOF
}
