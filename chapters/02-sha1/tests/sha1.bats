#!/usr/bin/env bats
# Chapter 02: every line is answered with its SHA-1 digest in hex, the
# same digest sha1sum prints for the line's bytes.

load ../../test_helper

# ask LINE...: send each line, print each answer (one per line).
ask() {
    py "$@" <<'EOF'
import sys
from wsraw import *
c = Conn(int(os.environ["PORT"]))
for line in sys.argv[1:]:
    c.send(line.encode("utf-8", "surrogateescape") + b"\n")
    print(c.read_until(b"\n")[:-1].decode())
EOF
}

@test "sha1: the FIPS 180-4 examples" {
    start_prog
    run ask "abc" "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq" ""
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = a9993e364706816aba3e25717850c26c9cd0d89d ]
    [ "${lines[1]}" = 84983e441c3bd26ebaae4aa1f95129e5e54670f1 ]
    [ "${lines[2]}" = da39a3ee5e6b4b0d3255bfef95601890afd80709 ]
}

@test "sha1: agrees with sha1sum on either side of every padding boundary" {
    start_prog
    # 55 bytes is the longest message whose padding fits in one block; 56
    # to 63 need a second block for the length; 64 fills one exactly.
    local n line want args=()
    for n in 0 1 54 55 56 57 63 64 65 119 120 127 128 129 1000; do
        args+=("$(head -c "$n" /dev/zero | tr '\0' 'q')")
    done
    run ask "${args[@]}"
    [ "$status" -eq 0 ]
    for n in "${!args[@]}"; do
        want=$(printf '%s' "${args[$n]}" | sha1sum | cut -d' ' -f1)
        [ "${lines[$n]}" = "$want" ] || {
            echo "length ${#args[$n]}: got ${lines[$n]}, want $want"; false; }
    done
}

@test "sha1: UTF-8 text is hashed as its bytes" {
    start_prog
    run ask "héllo wörld ✓"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "$(printf '%s' "héllo wörld ✓" | sha1sum | cut -d' ' -f1)" ]
}

@test "sha1: lines split across reads, from several clients at once" {
    start_prog
    py <<'EOF'
import hashlib
from wsraw import *
port = int(os.environ["PORT"])
a, b = Conn(port), Conn(port)
a.send("The quick brown fox ", chunk=3, pause=0.002)
b.send("jumps over\nthe lazy dog\n", chunk=5, pause=0.002)
a.send("jumps over the lazy dog\r\n")
for c, want in ((a, "The quick brown fox jumps over the lazy dog"),
                (b, "jumps over"), (b, "the lazy dog")):
    got = c.read_until(b"\n")[:-1].decode()
    assert got == hashlib.sha1(want.encode()).hexdigest(), (want, got)
EOF
}
