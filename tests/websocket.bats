#!/usr/bin/env bats
# The WebSocket side against a live server: the opening handshake (RFC 6455
# §4), framing rules and close codes (§5, §7), uid rules, heartbeats,
# deadlines and shutdown.

load lib/helpers

# refuse HTTP_STATUS PYTHON_EXPR_FOR_REQUEST: send the request, check the
# status, that the body gives a reason, and that the server closes TCP.
refused() {
    py "$@" <<'EOF'
import sys
from wsraw import *
status, expr = int(sys.argv[1]), sys.argv[2]
p = Page(handshake=False)
raw = eval(expr, {"p": p, "frame": frame})
r = p.upgrade(raw)
assert r.status == status, (r.status_line, r.body)
assert r.headers.get("connection", "").lower() == "close"
assert len(r.body.strip()) > 5, r.body
assert p.is_closed(), "TCP left open after %d" % status
if status == 426:
    assert r.headers["sec-websocket-version"] == "13"
    assert r.headers["upgrade"].lower() == "websocket"
print(r.status_line, r.body)
EOF
}

@test "handshake: 101 with the RFC's accept value and nothing unasked for" {
    start_server
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
p.key = "dGhlIHNhbXBsZSBub25jZQ=="
raw = p.request(extra={"Sec-WebSocket-Protocol": "chat, superchat",
                       "Sec-WebSocket-Extensions": "permessage-deflate"})
r = p.upgrade(raw)
assert r.status == 101
assert r.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
assert r.headers["upgrade"].lower() == "websocket"
assert r.headers["connection"].lower() == "upgrade"
assert "sec-websocket-protocol" not in r.headers   # not configured
assert "sec-websocket-extensions" not in r.headers # none negotiated
EOF
}

@test "handshake: --protocol confirms that subprotocol when offered" {
    start_server --protocol chat
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
r = p.upgrade(p.request(extra={"Sec-WebSocket-Protocol": "superchat, chat"}))
assert r.status == 101 and r.headers["sec-websocket-protocol"] == "chat"
q = Page(handshake=False)
r = q.upgrade(q.request(extra={"Sec-WebSocket-Protocol": "other"}))
assert r.status == 101 and "sec-websocket-protocol" not in r.headers
EOF
}

@test "handshake: header names and tokens match case-insensitively" {
    start_server
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
raw = ("GET /any/path?x=1 HTTP/1.1\r\nhost: h\r\nUPGRADE: WebSocket\r\n"
       "connection: keep-alive, UPGRADE\r\nsec-websocket-key: %s\r\n"
       "SEC-WEBSOCKET-VERSION: 13\r\n\r\n" % p.key).encode()
assert p.upgrade(raw).status == 101
EOF
}

@test "handshake: a request trickled one byte at a time still upgrades" {
    start_server
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
assert p.upgrade(p.request(), chunk=1).status == 101
EOF
}

@test "handshake: a plain GET without Upgrade gets 400" {
    start_server
    refused 400 '"GET / HTTP/1.1\r\nHost: x\r\n\r\n".encode()'
}

@test "handshake: POST gets 400" {
    start_server
    refused 400 'p.request(first="POST / HTTP/1.1")'
}

@test "handshake: HTTP/1.0 gets 400" {
    start_server
    refused 400 'p.request(first="GET / HTTP/1.0")'
}

@test "handshake: no Host gets 400" {
    start_server
    refused 400 'p.request(drop=("Host",))'
}

@test "handshake: Connection without upgrade gets 400" {
    start_server
    refused 400 'p.request(extra={"Connection": "keep-alive"})'
}

@test "handshake: a key that is not 16 bytes of Base64 gets 400" {
    start_server
    refused 400 'p.request(key="c2hvcnQ=")'
    refused 400 'p.request(key="not base64 at all!!!!!!=")'
    refused 400 'p.request(drop=("Sec-WebSocket-Key",))'
}

@test "handshake: version 8 or none gets 426 naming version 13" {
    start_server
    refused 426 'p.request(extra={"Sec-WebSocket-Version": "8"})'
    refused 426 'p.request(drop=("Sec-WebSocket-Version",))'
}

@test "handshake: headers over the cap get 431" {
    start_server --max-header 2048
    refused 431 'p.request(extra={"X-Big": "a" * 3000})'
}

@test "handshake: a client that never finishes is closed at the deadline" {
    start_server --handshake-timeout 0.5
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
p.send("GET / HTTP/1.1\r\nHost: x\r\n")
t = time.time()
assert p.is_closed(timeout=5)
took = time.time() - t
assert 0.3 < took < 3, took
stats = dict(kv.split("=") for kv in inner("stats").split()[1:])
assert stats["timeouts"] == "1", stats
EOF
}

# frame_fails CODE PYTHON_EXPR_FOR_BYTES: a bound page sends the bytes and
# must get a close frame with CODE, then the TCP close.
frame_fails() {
    py "$@" <<'EOF'
import sys
from wsraw import *
code, expr = int(sys.argv[1]), sys.argv[2]
p = Page(bind="f")
wait_online("f")
p.send(eval(expr, globals()))
got, reason = p.expect_close(code)
assert reason, "close %d without a reason" % code
print(got, reason)
EOF
}

@test "frames: unmasked client frame -> 1002" {
    start_server
    frame_fails 1002 'frame(OP_TEXT, "x", mask=False)'
}

@test "frames: RSV1, RSV2 or RSV3 set -> 1002" {
    start_server
    frame_fails 1002 'frame(OP_TEXT, "x", rsv=4)'
    frame_fails 1002 'frame(OP_TEXT, "x", rsv=2)'
    frame_fails 1002 'frame(OP_PING, "x", rsv=1)'
}

@test "frames: reserved opcodes -> 1002" {
    start_server
    for op in 3 7 11 15; do
        frame_fails 1002 "frame($op, 'x')"
    done
}

@test "frames: fragmented or over-long control frames -> 1002" {
    start_server
    frame_fails 1002 'frame(OP_PING, "x", fin=False)'
    frame_fails 1002 'frame(OP_PING, b"x" * 126)'
    frame_fails 1002 'frame(OP_CLOSE, close_payload(1000, "r" * 124))'
}

@test "frames: continuation with nothing to continue -> 1002" {
    start_server
    frame_fails 1002 'frame(OP_CONT, "x")'
}

@test "frames: a new data frame inside a fragmented message -> 1002" {
    start_server
    frame_fails 1002 'frame(OP_TEXT, "a", fin=False) + frame(OP_TEXT, "b")'
}

@test "frames: 64-bit length with the top bit set -> 1002" {
    start_server
    frame_fails 1002 'bytes([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1])'
}

@test "frames: a length not in its shortest form -> 1002" {
    start_server
    frame_fails 1002 'frame(OP_TEXT, "short", length_form=16)'
}

@test "frames: invalid UTF-8 in text -> 1007, as soon as the byte arrives" {
    start_server
    frame_fails 1007 'frame(OP_TEXT, b"ok \xc0\xaf")'
    frame_fails 1007 'frame(OP_TEXT, b"\xed\xa0\x80")'
    # The message is not finished (FIN clear): the close must not wait.
    frame_fails 1007 'frame(OP_TEXT, b"abc\xff", fin=False)'
    # A code point cut short at the end of the message.
    frame_fails 1007 'frame(OP_TEXT, b"\xe6\xbc", fin=False) + frame(OP_CONT, b"")'
}

@test "frames: a message over --max-message -> 1009" {
    start_server --max-message 1000
    frame_fails 1009 'frame(OP_BINARY, b"x" * 1001)'
    frame_fails 1009 'frame(OP_TEXT, b"x" * 600, fin=False) + frame(OP_CONT, b"x" * 401)'
    py <<'EOF'
from wsraw import *
p = Page(bind="ok")
p.send_frame(OP_BINARY, b"x" * 1000)      # at the cap: ignored, not closed
wait_online("ok")
assert inner('{"uid":"ok"}') == "ok"
assert p.recv_text() == '{"uid":"ok"}'
EOF
}

@test "close: a close frame is echoed and the server closes TCP" {
    start_server
    py <<'EOF'
from wsraw import *
p = Page(bind="c")
p.send_frame(OP_CLOSE, close_payload(1000, "bye"))
assert p.expect_close(1000)[0] == 1000
q = Page(bind="c")
q.send_frame(OP_CLOSE, close_payload(4001, "app code"))
assert q.expect_close(4001)[0] == 4001
# No status code: the answer has none either (§5.5.1).
r = Page()
r.send_frame(OP_CLOSE, b"")
fin, op, payload = r.recv_frame()
assert (op, payload) == (OP_CLOSE, b"")
assert r.is_closed()
EOF
}

@test "close: nothing after a close frame is processed" {
    start_server
    py <<'EOF'
from wsraw import *
p = Page()
p.send(frame(OP_CLOSE, close_payload(1000)) + frame(OP_TEXT, "late-uid"))
p.expect_close(1000)
assert inner("online late-uid") == "fail"
EOF
}

@test "close: bad close frames -> 1002 (1-byte payload, invalid codes)" {
    start_server
    frame_fails 1002 'frame(OP_CLOSE, b"\x03")'
    for code in 0 999 1004 1005 1006 1015 2999 5000; do
        frame_fails 1002 "frame(OP_CLOSE, close_payload($code))"
    done
    frame_fails 1007 'frame(OP_CLOSE, close_payload(1000, b"\xff"))'
}

@test "ping: answered with a pong of the same payload, also mid-message" {
    start_server
    py <<'EOF'
from wsraw import *
p = Page()
p.send_frame(OP_PING, b"are you there")
assert p.recv_frame() == (True, OP_PONG, b"are you there")
p.send_frame(OP_PING, b"")
assert p.recv_frame() == (True, OP_PONG, b"")
p.send_frame(OP_PING, b"p" * 125)
assert p.recv_frame() == (True, OP_PONG, b"p" * 125)
# Between the fragments of the uid message.
p.send_frame(OP_TEXT, "mid", fin=False)
p.send_frame(OP_PING, b"between")
assert p.recv_frame() == (True, OP_PONG, b"between")
p.send_frame(OP_CONT, "dle", fin=True)
wait_online("middle")
p.send_frame(OP_PONG, b"unsolicited")     # ignored
assert p.nothing_for(0.2)
EOF
}

@test "uid: empty, over 256 bytes, binary or not UTF-8 is refused" {
    start_server
    py <<'EOF'
from wsraw import *
cases = [(frame(OP_TEXT, ""), 1008), (frame(OP_TEXT, "u" * 257), 1008),
         (frame(OP_BINARY, b"uid1"), 1003),
         (frame(OP_TEXT, b"\xff"), 1007)]
for data, code in cases:
    p = Page()
    p.send(data)
    got, reason = p.expect_close(code)
    print(code, reason)
p = Page(bind="u" * 256)
wait_online("u" * 256)
stats = dict(kv.split("=") for kv in inner("stats").split()[1:])
assert stats["bad"] == "4", stats
EOF
}

@test "uid: control characters in a uid cannot forge a log line" {
    start_server --verbose
    py <<'EOF'
from wsraw import *
import json
uid = "a\n2026-01-01T00:00:00 error forged"
p = Page(bind=uid)
line = json.dumps({"uid": uid})       # the newline travels as \n
deadline = time.time() + 5
while inner(line) != "ok":
    assert time.time() < deadline, "never bound"
assert p.recv_text() == line
EOF
    cat "$SERVER_ERR"
    grep -qF "bound to uid 'a\\x0A2026-01-01T00:00:00 error forged'" "$SERVER_ERR"
    ! grep -q '^2026-01-01T00:00:00 error forged' "$SERVER_ERR" || false
}

@test "heartbeat: silent pages are pinged, and closed if they stay silent" {
    start_server --ping-interval 0.3 --ping-timeout 0.3
    py <<'EOF'
from wsraw import *
alive, dead = Page(bind="alive"), Page(bind="dead")
# A live client answers the ping and stays.
fin, op, payload = alive.recv_frame(timeout=3)
assert op == OP_PING
alive.send_frame(OP_PONG, payload)
# A dead one (it never reads or answers) is closed within interval+timeout.
t = time.time()
assert dead.is_closed(timeout=5)
assert time.time() - t < 3
fin, op, payload = alive.recv_frame(timeout=3)   # pinged again: still open
assert op == OP_PING
alive.send_frame(OP_PONG, payload)
assert inner("online alive") == "ok 1"
assert inner("online dead") == "fail"
EOF
}

@test "SIGTERM closes every page with 1001 and exits 0" {
    start_server
    py <<'EOF' &
from wsraw import *
pages = [Page(bind="t%d" % i) for i in range(3)] + [Page()]
for i in range(3): wait_online("t%d" % i)
open(os.environ["BATS_TEST_TMPDIR"] + "/ready", "w").close()
for p in pages:
    code, reason = p.expect_close(1001, timeout=10)
    assert reason == "server shutting down", reason
EOF
    local pypid=$!
    for _ in $(seq 100); do [ -e "$BATS_TEST_TMPDIR/ready" ] && break; sleep 0.05; done
    [ -e "$BATS_TEST_TMPDIR/ready" ]
    stop_server
    [ "$SERVER_STATUS" -eq 0 ]
    wait "$pypid"
}
