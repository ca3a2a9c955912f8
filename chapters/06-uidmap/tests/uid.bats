#!/usr/bin/env bats
# Binding a uid, from chapter 06 on: a page's first message is its uid
# (a text message of 1 to 256 bytes); anything else is closed with the
# code that says why. The server keeps serving the other pages.

load ../../test_helper

# refused CODE PYTHON_STATEMENTS: a page does what the statements say
# (p is the page), and must be closed with CODE.
refused() {
    py "$@" <<'EOF'
import sys
from wsraw import *
code, stmts = int(sys.argv[1]), sys.argv[2]
p = Page()
exec(stmts)
got, reason = p.expect_close(code)
assert reason, "close %d without a reason" % got
print(got, reason)
EOF
}

@test "uid: a binary first message is closed with 1003" {
    start_prog
    refused 1003 'p.send_frame(OP_BINARY, b"uid1")'
}

@test "uid: an empty first message is closed with 1008" {
    start_prog
    refused 1008 'p.send_text("")'
}

@test "uid: 256 bytes are a uid, 257 are closed with 1008" {
    start_prog
    refused 1008 'p.send_text("u" * 257)'
    # Even in pieces: the cap holds across fragments.
    refused 1008 'p.send_frame(OP_TEXT, "u" * 200, fin=False); p.send_frame(OP_CONT, "u" * 57)'
    py <<'EOF'
from wsraw import *
p = Page(bind="u" * 256)
# Bound, not closed: it still answers pings.
p.send_frame(OP_PING, b"still open?")
assert p.recv_frame() == (True, OP_PONG, b"still open?")
EOF
}

@test "uid: a uid in fragments, with a ping between them, binds" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page()
p.send_frame(OP_TEXT, "ui", fin=False)
p.send_frame(OP_PING, b"mid-uid")
p.send_frame(OP_CONT, "d1")
assert p.recv_frame() == (True, OP_PONG, b"mid-uid")
p.send_frame(OP_PING, b"after")
assert p.recv_frame() == (True, OP_PONG, b"after")
EOF
}
