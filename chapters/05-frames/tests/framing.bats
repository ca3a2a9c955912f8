#!/usr/bin/env bats
# Framing (RFC 6455 §5) and the closing handshake (§7), from chapter 05 on:
# pings are answered, close frames echoed, and a frame that breaks a rule
# closes the connection with the code §7.4.1 gives for it. Nothing here
# sends a data message that is valid, so the tests hold for every later
# chapter, whatever it does with messages.

load ../../test_helper

# broken CODE PYTHON_EXPR: send the frame(s) the expression builds, expect
# a close frame with CODE, then the end of the TCP connection.
broken() {
    py "$@" <<'EOF'
import sys
from wsraw import *
code, expr = int(sys.argv[1]), sys.argv[2]
p = Page()
p.send(eval(expr, globals()))
got, reason = p.expect_close(code)
assert reason, "close %d without a reason" % got
print(got, reason)
EOF
}

@test "framing: a ping is answered with a pong carrying its payload" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page()
for payload in (b"", b"are you there?", bytes(range(125))):
    p.send_frame(OP_PING, payload)
    assert p.recv_frame() == (True, OP_PONG, payload)
# Split across writes, one byte at a time.
p.send_frame(OP_PING, b"slowly", chunk=1)
assert p.recv_frame() == (True, OP_PONG, b"slowly")
EOF
}

@test "framing: a close frame is echoed with its code, then TCP closes" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page()
p.send_frame(OP_CLOSE, close_payload(1000, "bye"))
assert p.expect_close(1000)[0] == 1000
q = Page()
q.send_frame(OP_CLOSE, close_payload(4001, "app"))
assert q.expect_close(4001)[0] == 4001
# A close without a code is answered with a close without a code.
r = Page()
r.send_frame(OP_CLOSE)
assert r.recv_frame() == (True, OP_CLOSE, b"")
assert r.is_closed()
EOF
}

@test "framing: an unmasked frame closes with 1002" {
    start_prog
    broken 1002 'frame(OP_PING, b"x", mask=False)'
}

@test "framing: RSV bits or a reserved opcode close with 1002" {
    start_prog
    broken 1002 'frame(OP_PING, b"x", rsv=4)'
    broken 1002 'frame(0x3, b"x")'
    broken 1002 'frame(0xB, b"x")'
}

@test "framing: a fragmented or oversized control frame closes with 1002" {
    start_prog
    broken 1002 'frame(OP_PING, b"x", fin=False)'
    broken 1002 'frame(OP_PING, b"x" * 126)'
}

@test "framing: a non-minimal length or a continuation of nothing is 1002" {
    start_prog
    broken 1002 'frame(OP_PING, b"x", length_form=16)'
    broken 1002 'frame(OP_CONT, b"x")'
}

@test "framing: a 64-bit length with its top bit set closes with 1002" {
    start_prog
    broken 1002 'bytes([0x81, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4])'
}

@test "framing: invalid UTF-8 in a text message closes with 1007" {
    start_prog
    broken 1007 'frame(OP_TEXT, b"caf\xc3")'
    broken 1007 'frame(OP_TEXT, b"\xed\xa0\x80")'
    broken 1007 'frame(OP_CLOSE, close_payload(1000, b"\xff"))'
}

@test "framing: a message over 64 KiB closes with 1009" {
    start_prog
    broken 1009 'frame(OP_TEXT, b"x" * 65537)'
}

@test "framing: a bad close code closes with 1002" {
    start_prog
    broken 1002 'frame(OP_CLOSE, close_payload(1005))'
    broken 1002 'frame(OP_CLOSE, b"\x03")'
}
