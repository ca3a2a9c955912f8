#!/usr/bin/env bats
# X-Forwarded-For: behind a trusted proxy the logs name the real client;
# from anyone else the header is ignored. The unit groups are in
# tests/unit/test_forward.c; the nginx test (nginx.bats) does it for real.

load lib/helpers

@test "forward: --trusted-proxy takes numeric addresses only (unit)" {
    run $WRAP "$BUILD/test_forward" addr
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "forward: the client is the rightmost untrusted element (unit)" {
    run $WRAP "$BUILD/test_forward" client
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "--trusted-proxy refuses a host name or a port, exit status 2" {
    for bad in localhost 127.0.0.1:80 '[::1]' ''; do
        run "$WSPUSH" --trusted-proxy "$bad"
        [ "$status" -eq 2 ]
        [[ "$output" == "wspush: bad value for --trusted-proxy (expected a numeric IPv4 or IPv6 address)"* ]]
    done
}

@test "from a trusted proxy, the log names the client of X-Forwarded-For" {
    start_server --verbose --trusted-proxy 10.1.2.3 --trusted-proxy 127.0.0.1
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
r = p.upgrade(p.request({"X-Forwarded-For": "6.6.6.6, 203.0.113.7"}))
assert r.status == 101, r.status_line
p.send_text("xff1")
wait_online("xff1")
assert inner('{"uid":"xff1"}') == "ok"
assert p.recv_text() == '{"uid":"xff1"}'
EOF
    cat "$SERVER_ERR"
    grep -Eq 'info 127\.0\.0\.1:[0-9]+: forwarded for 203\.0\.113\.7$' "$SERVER_ERR"
    grep -Eq "info 203\.0\.113\.7 via :[0-9]+: bound to uid 'xff1'$" "$SERVER_ERR"
    ! grep -q '6\.6\.6\.6' "$SERVER_ERR" || false
}

@test "from an untrusted peer, X-Forwarded-For is ignored" {
    # Trusting some other proxy does not make this peer one.
    start_server --verbose --trusted-proxy 10.1.2.3
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
assert p.upgrade(p.request({"X-Forwarded-For": "203.0.113.7"})).status == 101
p.send_text("xff2")
wait_online("xff2")
EOF
    cat "$SERVER_ERR"
    grep -Eq "info 127\.0\.0\.1:[0-9]+: bound to uid 'xff2'$" "$SERVER_ERR"
    ! grep -q '203\.0\.113\.7' "$SERVER_ERR" || false
}

@test "without --trusted-proxy, X-Forwarded-For is ignored" {
    start_server --verbose
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
assert p.upgrade(p.request({"X-Forwarded-For": "203.0.113.7"})).status == 101
p.send_text("xff3")
wait_online("xff3")
EOF
    grep -Eq "info 127\.0\.0\.1:[0-9]+: bound to uid 'xff3'$" "$SERVER_ERR"
    ! grep -q '203\.0\.113\.7' "$SERVER_ERR" || false
}

@test "a malformed X-Forwarded-For from a trusted proxy is logged and ignored" {
    start_server --verbose --trusted-proxy 127.0.0.1
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
r = p.upgrade(p.request({"X-Forwarded-For": "1.2.3.4, evil\xe9host"}))
assert r.status == 101, r.status_line
p.send_text("xff4")
wait_online("xff4")
EOF
    cat "$SERVER_ERR"
    # The client's bytes are escaped in the log line.
    grep -Fq "ignoring malformed X-Forwarded-For '1.2.3.4, evil\xC3\xA9host'" "$SERVER_ERR"
    grep -Eq "info 127\.0\.0\.1:[0-9]+: bound to uid 'xff4'$" "$SERVER_ERR"
    ! grep -q 'via' "$SERVER_ERR" || false
}

@test "the last X-Forwarded-For header counts" {
    start_server --verbose --trusted-proxy 127.0.0.1
    py <<'EOF'
from wsraw import *
p = Page(handshake=False)
raw = p.request().replace(b"\r\n\r\n",
    b"\r\nX-Forwarded-For: 6.6.6.6\r\nX-Forwarded-For: 198.51.100.1\r\n\r\n")
assert p.upgrade(raw).status == 101
p.send_text("xff5")
wait_online("xff5")
EOF
    grep -Eq "info 198\.51\.100\.1 via :[0-9]+: bound to uid 'xff5'$" "$SERVER_ERR"
    ! grep -q '6\.6\.6\.6' "$SERVER_ERR" || false
}
