#!/usr/bin/env bats
# Differential checks: our SHA-1 and Base64 (through build/digest, from
# tests/tools/digest.c) against coreutils' sha1sum and base64 on random
# inputs: the lengths where SHA-1's padding changes (55/56, 63/64/65 and
# one block on), where Base64's padding does (0 to 6), random lengths up
# to 5 KB and up to 100 KB, and a few MiB. sha1.bats and base64.bats keep
# the unit groups; this file is the one comparison with coreutils. The
# SHA-1 input goes in randomly sized pieces.
# Under make valgrind only lengths 0 and 65 run the tool under valgrind
# (each start costs a second there); the rest compare results only.

load lib/helpers
D="$BUILD/digest"

# The wrapper (valgrind) for the lengths that get it.
wrap() {
    case "$1" in 0|65) echo "$WRAP" ;; esac
}

# The lengths to try: the boundaries, random ones, then a few MiB.
lengths() {
    echo 0 1 2 3 4 5 6 55 56 57 63 64 65 119 120 127 128 129
    for _ in $(seq 40); do
        echo $((RANDOM % 5001))
    done
    for _ in $(seq 40); do
        echo $((RANDOM * 3 % 100001))
    done
    echo $((1048576 + RANDOM)) $((3 * 1048576 + RANDOM)) 4194304
}

@test "differential: SHA-1 agrees with sha1sum on random inputs" {
    command -v sha1sum >/dev/null || { echo "sha1sum is missing (coreutils)"; false; }
    in="$BATS_TEST_TMPDIR/input"
    count=0
    for n in $(lengths); do
        head -c "$n" /dev/urandom >"$in"
        want=$(sha1sum <"$in" | cut -d' ' -f1)
        got=$($(wrap "$n") "$D" sha1 "$RANDOM" <"$in")
        if [ "$got" != "$want" ]; then
            echo "length $n: digest says $got, sha1sum says $want"
            return 1
        fi
        count=$((count + 1))
    done
    echo "# sha1: $count inputs of 0 to 4 MiB agree with sha1sum" >&3
}

@test "differential: Base64 agrees with base64 both ways on random inputs" {
    command -v base64 >/dev/null || { echo "base64 is missing (coreutils)"; false; }
    in="$BATS_TEST_TMPDIR/input"
    count=0
    for n in $(lengths); do
        head -c "$n" /dev/urandom >"$in"
        base64 -w0 <"$in" >"$in.theirs"
        $(wrap "$n") "$D" base64 <"$in" >"$in.ours"
        cmp -s "$in.ours" "$in.theirs" ||
            { echo "length $n: encodings differ"; return 1; }
        # Their text decoded by us, our text decoded by them.
        $(wrap "$n") "$D" unbase64 <"$in.theirs" >"$in.back"
        cmp -s "$in.back" "$in" ||
            { echo "length $n: we do not decode base64's text back"; return 1; }
        base64 -d <"$in.ours" | cmp -s - "$in" ||
            { echo "length $n: base64 -d does not decode ours back"; return 1; }
        count=$((count + 1))
    done
    echo "# base64: $count inputs of 0 to 4 MiB agree with base64, both ways" >&3
}
