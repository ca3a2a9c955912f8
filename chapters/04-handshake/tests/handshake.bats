#!/usr/bin/env bats
# The opening handshake (RFC 6455 §4.2), from chapter 04 on: 101 with the
# right Sec-WebSocket-Accept for a valid upgrade, an HTTP error with a
# reason for anything else, and the connection closed after an error.

load ../../test_helper

# refused STATUS PYTHON_EXPR: send the request the expression builds (p is
# a wsraw Page), check the status, the reason in the body, the close.
refused() {
    py "$@" <<'EOF'
import sys
from wsraw import *
status, expr = int(sys.argv[1]), sys.argv[2]
p = Page(handshake=False)
r = p.upgrade(eval(expr, {"p": p}))
assert r.status == status, (r.status_line, r.body)
assert r.headers.get("connection", "").lower() == "close"
assert len(r.body.strip()) > 5, r.body
assert p.is_closed(), "TCP left open after %d" % status
if status == 426:
    assert r.headers["sec-websocket-version"] == "13"
print(r.status_line, r.body)
EOF
}

@test "handshake: 101 with the RFC 6455 example's accept value" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
p.key = "dGhlIHNhbXBsZSBub25jZQ=="
r = p.upgrade(p.request(extra={"Sec-WebSocket-Protocol": "chat, superchat"}))
assert r.status_line == "HTTP/1.1 101 Switching Protocols", r.status_line
assert r.headers["sec-websocket-accept"] == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
assert r.headers["upgrade"].lower() == "websocket"
assert r.headers["connection"].lower() == "upgrade"
assert "sec-websocket-protocol" not in r.headers   # none was configured
EOF
}

@test "handshake: the seed's example request, sent one byte at a time" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
p.key = "x3JJHMbDL1EzLkh9GBhXDw=="
raw = p.request(first="GET /chat HTTP/1.1",
                extra={"Origin": "http://example.com"})
r = p.upgrade(raw, chunk=1, pause=0.001)
assert r.status == 101
assert r.headers["sec-websocket-accept"] == "HSmrc0sMlYUkAGmm5OPpG2HaGWk="
EOF
}

@test "handshake: names and tokens are case-insensitive, LF alone ends lines" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
raw = ("GET / HTTP/1.1\nhost: x\nUPGRADE: WebSocket\n"
       "connection: keep-alive, Upgrade\nsec-websocket-key: %s\n"
       "SEC-WEBSOCKET-VERSION: 13\n\n" % p.key).encode()
assert p.upgrade(raw).status == 101
EOF
}

@test "handshake: 400 without a key, with a bad key, or for a POST" {
    start_prog
    refused 400 'p.request(drop=("Sec-WebSocket-Key",))'
    refused 400 'p.request(key="c2hvcnQ=")'
    refused 400 'p.request(first="POST / HTTP/1.1")'
    refused 400 'p.request(first="GET / HTTP/1.0")'
    refused 400 'p.request(drop=("Host",))'
    assert_prog_alive
}

@test "handshake: 400 for folded headers (obsolete line folding)" {
    start_prog
    refused 400 'p.request(extra={"X-Folded": "a\r\n b"})'
}

@test "handshake: 426 with Sec-WebSocket-Version: 13 for another version" {
    start_prog
    refused 426 'p.request(extra={"Sec-WebSocket-Version": "8"})'
    refused 426 'p.request(drop=("Sec-WebSocket-Version",))'
}

@test "handshake: 431 for a request head over 8 KiB" {
    start_prog
    refused 431 'p.request(extra={"X-Big": "b" * 9000})'
}

@test "handshake: a plain HTTP request (curl) gets 400 and a reason" {
    start_prog
    run curl -s -w '\n%{http_code}' "http://127.0.0.1:$PORT/"
    [ "$status" -eq 0 ]
    [ "${lines[1]}" = 400 ]
    [ -n "${lines[0]}" ]
    echo "${lines[0]}" | grep -qi 'upgrade'
}

@test "handshake: many clients at once, a slow one does not hold up others" {
    start_prog
    py <<'EOF'
from wsraw import *
slow = Page(handshake=False)
slow.send(slow.request()[:20])            # half a request line, then wait
pages = [Page() for i in range(20)]       # each asserts its 101
r = slow.upgrade(slow.request()[20:])    # the rest; checks the accept
assert r.status == 101
EOF
}

@test "handshake: a refused client that closes its side still reads why" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
p.send(p.request(drop=("Sec-WebSocket-Key",)))
p.sock.shutdown(socket.SHUT_WR)
raw = p.read_to_eof()
assert raw.startswith(b"HTTP/1.1 400 Bad Request\r\n"), raw
assert raw.endswith(b"\n") and b"\r\n\r\n" in raw, raw
EOF
}
