#!/usr/bin/env bats
# Chapter 06: after its uid, every message a page sends goes to every page
# (tab) of that uid, the sender included, and to no other uid.

load ../../test_helper

# Python: a page bound to uid. Its pong proves the server has read the
# uid, which was sent before the ping on the same connection.
BIND='
def bind(uid):
    p = Page(bind=uid)
    p.send_frame(OP_PING, b"bound?")
    assert p.recv_frame() == (True, OP_PONG, b"bound?")
    return p
'

@test "tabs: a message reaches every tab of its uid and no other uid" {
    start_prog
    py "$BIND" <<'EOF'
import sys
from wsraw import *
exec(sys.argv[1])
a, b, other = bind("uid1"), bind("uid1"), bind("uid2")
b.send_text('{"percent":"88%"}')
assert a.recv_text() == '{"percent":"88%"}'
assert b.recv_text() == '{"percent":"88%"}'
assert other.nothing_for(0.5)
EOF
}

@test "tabs: closing one tab leaves the others of its uid bound" {
    start_prog
    py "$BIND" <<'EOF'
import sys
from wsraw import *
exec(sys.argv[1])
a, b = bind("uid1"), bind("uid1")
# The seed's flaw: there, closing the first tab unbinds the uid of the
# second. Here each tab has its own link in the map.
a.send_frame(OP_CLOSE, close_payload(1000))
a.expect_close(1000)
c = bind("uid1")
c.send_text("after a left")
assert b.recv_text() == "after a left"
assert c.recv_text() == "after a left"
EOF
}

@test "tabs: a message sent in fragments arrives whole and in one frame" {
    start_prog
    py "$BIND" <<'EOF'
import sys
from wsraw import *
exec(sys.argv[1])
a, b = bind("u"), bind("u")
b.send_frame(OP_TEXT, "one ", fin=False)
b.send_frame(OP_CONT, "message", fin=True)
assert a.recv_frame() == (True, OP_TEXT, b"one message")
EOF
}
