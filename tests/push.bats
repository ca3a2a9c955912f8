#!/usr/bin/env bats
# The push flow: pages bind uids, the backend pushes on the inner port.

load lib/helpers

setup() {
    start_server
}

@test "seed flow: a page binds uid1, a push reaches it and answers ok" {
    py <<'EOF'
from wsraw import *
page = Page(bind="uid1")
wait_online("uid1")
line = '{"uid":"uid1","percent":"88%"}'
assert inner(line) == "ok"
assert page.recv_text() == line
EOF
}

@test "the command-line client pushes like the seed's backend" {
    py <<'EOF' &
from wsraw import *
page = Page(bind="uid1")
assert page.recv_text(timeout=10) == '{"uid":"uid1","percent":"88%"}'
EOF
    local pypid=$!
    run "$PY" -c 'from wsraw import *; wait_online("uid1")'
    [ "$status" -eq 0 ]
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push uid1 '{"percent":"88%"}'
    [ "$status" -eq 0 ]
    [ "$output" = "ok" ]
    wait "$pypid"
}

@test "a push to a uid with no page answers fail (exit status 1)" {
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" push nobody
    [ "$status" -eq 1 ]
    [ "$output" = "fail" ]
}

@test "many tabs: every page of a uid receives, closing one leaves the others" {
    py <<'EOF'
from wsraw import *
a, b, c = Page(bind="u"), Page(bind="u"), Page(bind="u")
wait_online("u", 3)
assert inner('{"uid":"u","n":1}') == "ok"
for p in (a, b, c):
    assert p.recv_text() == '{"uid":"u","n":1}'
# The seed's flaw: the first tab's close unset the uid for all of them.
a.send_frame(OP_CLOSE, close_payload(1000))
a.expect_close(1000)
wait_online("u", 2)
assert inner('{"uid":"u","n":2}') == "ok"
for p in (b, c):
    assert p.recv_text() == '{"uid":"u","n":2}'
b.close(); c.close()
deadline = time.time() + 5
while inner("online u") != "fail":
    assert time.time() < deadline, "uid outlived its pages"
    time.sleep(0.01)
assert inner('{"uid":"u","n":3}') == "fail"
EOF
}

@test "uids match after JSON decoding: escapes and integers" {
    py <<'EOF'
from wsraw import *
u1, n42, e = Page(bind="u1"), Page(bind="42"), Page(bind="é漢")
wait_online("u1"); wait_online("42"); wait_online("é漢")
assert inner('{"uid":"u\\u0031","x":1}') == "ok"
assert u1.recv_text() == '{"uid":"u\\u0031","x":1}'
assert inner('{"uid":42}') == "ok"          # PHP array keys: 42 is "42"
assert n42.recv_text() == '{"uid":42}'
assert inner('{"uid":"\\u00e9\\u6f22"}') == "ok"
assert e.recv_text() == '{"uid":"\\u00e9\\u6f22"}'
assert inner('{"uid":"U1"}') == "fail"      # uids are case-sensitive
EOF
}

@test "broadcast reaches every bound page and only bound pages" {
    py <<'EOF'
from wsraw import *
a, b = Page(bind="a"), Page(bind="b")
unbound = Page()
wait_online("a"); wait_online("b")
assert inner("broadcast hello all") == "ok 2"
assert a.recv_text() == "hello all"
assert b.recv_text() == "hello all"
assert unbound.nothing_for(0.3)
EOF
}

@test "broadcast with no page answers fail" {
    py <<'EOF'
from wsraw import *
assert inner("broadcast anyone?") == "fail"
EOF
}

@test "online counts a uid's pages and stats counts pushes" {
    py <<'EOF'
from wsraw import *
a, b = Page(bind="x"), Page(bind="x")
wait_online("x", 2)
assert inner("online x") == "ok 2"
assert inner("online y") == "fail"
assert inner('{"uid":"x"}') == "ok"
assert inner('{"uid":"y"}') == "fail"
stats = dict(kv.split("=") for kv in inner("stats").split()[1:])
assert stats["pages"] == "2", stats
assert stats["uids"] == "1", stats
assert stats["pushes"] == "2", stats
assert stats["delivered"] == "2", stats
assert stats["failures"] == "1", stats
EOF
}

@test "bad inner lines get an error reply and everyone else is still served" {
    py <<'EOF'
from wsraw import *
page = Page(bind="uid1")
wait_online("uid1")
cases = [
    ('{"uid":["x"]}', "error uid must be a string or an integer"),
    ('{"uid":1.5}', "error uid must be a string or an integer"),
    ('{"percent":"88%"}', "error missing uid"),
    ('{"uid":""}', "error empty uid"),
    ('{"uid":"' + "u" * 257 + '"}', "error uid too long"),
    ('[1,2]', "error not a JSON object"),
    ('{"uid":"uid1"', "error invalid JSON"),
    ('{"uid":"\\ud800"}', "error invalid JSON"),
    ('hello', "error unknown command"),
    ('broadcast', "error missing message"),
]
b = Inner()
for line, want in cases:
    got = b.request(line)
    assert got == want, (line, got, want)
b.send(b'{"uid":"\xff"}\n')
assert b.reply() == "error invalid UTF-8"
# The same connection, and the page, still work.
assert b.request('{"uid":"uid1","ok":true}') == "ok"
assert page.recv_text() == '{"uid":"uid1","ok":true}'
EOF
}

@test "pipelined requests get one reply each, in order, CRLF accepted" {
    py <<'EOF'
from wsraw import *
page = Page(bind="p")
wait_online("p")
b = Inner()
b.send('{"uid":"p","n":1}\r\n{"uid":"q"}\n\n{"uid":[]}\r\n{"uid":"p","n":2}\n')
assert [b.reply() for _ in range(4)] == \
    ["ok", "fail", "error uid must be a string or an integer", "ok"]
assert page.recv_text() == '{"uid":"p","n":1}'
assert page.recv_text() == '{"uid":"p","n":2}'
EOF
}

@test "a request split across many writes is one request" {
    py <<'EOF'
from wsraw import *
page = Page(bind="p")
wait_online("p")
b = Inner()
b.send('{"uid":"p","msg":"in pieces"}\n', chunk=3, pause=0.01)
assert b.reply() == "ok"
assert page.recv_text() == '{"uid":"p","msg":"in pieces"}'
EOF
}

@test "a last line without a newline is answered before the server closes" {
    py <<'EOF'
from wsraw import *
import socket
page = Page(bind="p")
wait_online("p")
b = Inner()
b.send('{"uid":"p","last":1}')
b.sock.shutdown(socket.SHUT_WR)
assert b.read_to_eof() == b"ok\n"
assert page.recv_text() == '{"uid":"p","last":1}'
EOF
}

@test "later messages from a bound page are ignored, not echoed" {
    py <<'EOF'
from wsraw import *
page = Page(bind="me")
wait_online("me")
page.send_text("hello?")
page.send_frame(OP_BINARY, b"\x00\x01")
assert page.nothing_for(0.3)
assert inner('{"uid":"me"}') == "ok"
assert page.recv_text() == '{"uid":"me"}'
assert inner("online me") == "ok 1"
EOF
}

@test "a uid may arrive fragmented and in the handshake's packet" {
    py <<'EOF'
from wsraw import *
p = Page()
p.send_frame(OP_TEXT, "fr", fin=False)
p.send_frame(OP_CONT, "ag", fin=True)
wait_online("frag")
q = Page(handshake=False)
q.send(q.request() + frame(OP_TEXT, "eager"))
assert Response(q.read_until(b"\r\n\r\n")).status == 101
wait_online("eager")
EOF
}
