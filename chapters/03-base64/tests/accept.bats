#!/usr/bin/env bats
# Chapter 03: every line is answered with Base64(SHA-1(line + GUID)), so a
# Sec-WebSocket-Key line gets the Sec-WebSocket-Accept of RFC 6455 §4.2.2.

load ../../test_helper

ask() {
    py "$@" <<'EOF'
import sys
from wsraw import *
c = Conn(int(os.environ["PORT"]))
for line in sys.argv[1:]:
    c.send(line + "\n")
    print(c.read_until(b"\n")[:-1].decode())
EOF
}

@test "base64: the RFC 6455 example key, and the seed's" {
    start_prog
    run ask dGhlIHNhbXBsZSBub25jZQ== x3JJHMbDL1EzLkh9GBhXDw==
    [ "$status" -eq 0 ]
    # RFC 6455 §1.3 and §4.2.2.
    [ "${lines[0]}" = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" ]
    # The example of the text this project grew from.
    [ "${lines[1]}" = "HSmrc0sMlYUkAGmm5OPpG2HaGWk=" ]
}

@test "base64: agrees with sha1sum and base64 from coreutils" {
    start_prog
    local keys=() i hex want
    for i in 1 2 3 4 5 6 7 8; do
        keys+=("$(head -c 16 /dev/urandom | base64)")
    done
    run ask "${keys[@]}"
    [ "$status" -eq 0 ]
    for i in "${!keys[@]}"; do
        # sha1sum prints hex: printf turns "\xHH" escapes back into bytes.
        hex=$(printf '%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11' "${keys[$i]}" |
              sha1sum | cut -c1-40 | sed 's/../\\x&/g')
        # shellcheck disable=SC2059
        want=$(printf "$hex" | base64)
        [ "${lines[$i]}" = "$want" ] || {
            echo "key ${keys[$i]}: got ${lines[$i]}, want $want"; false; }
    done
}

@test "base64: any line, agreeing with Python's hashlib and base64" {
    start_prog
    py <<'EOF'
import base64, hashlib
from wsraw import *
c = Conn(int(os.environ["PORT"]))
for line in ["", "a", "ab", "abc", "x" * 1000, "Sec-WebSocket-Key"]:
    c.send(line + "\n", chunk=7)
    got = c.read_until(b"\n")[:-1].decode()
    assert got == accept_for(line), (line, got)
    assert len(got) == 28 and got.endswith("=") and not got.endswith("==")
EOF
}
