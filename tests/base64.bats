#!/usr/bin/env bats
# Base64 (src/base64.c): the unit test groups of build/test_base64, and
# its encoder and decoder compared with coreutils base64(1) on random bytes.

load lib/helpers
T="$BUILD/test_base64"

# Random lengths 0..2000, with the short ones that matter most first.
lengths() {
    echo 0 1 2 3 4 5 6
    for _ in $(seq 60); do
        echo $((RANDOM % 2001))
    done
}

@test "base64: RFC 4648 test vectors, both ways" {
    run $WRAP "$T" rfc4648; echo "$output"; [ "$status" -eq 0 ]
}

@test "base64: the decoder refuses everything but canonical Base64" {
    run $WRAP "$T" strict; echo "$output"; [ "$status" -eq 0 ]
}

@test "base64: random bytes survive a round trip" {
    run $WRAP "$T" roundtrip; echo "$output"; [ "$status" -eq 0 ]
}

@test "base64: encodes random bytes as base64 -w0 does" {
    command -v base64 >/dev/null || { echo "base64 is missing (coreutils)"; false; }
    in="$BATS_TEST_TMPDIR/input"
    for n in $(lengths); do
        head -c "$n" /dev/urandom >"$in"
        want=$(base64 -w0 <"$in")
        got=$("$T" encode <"$in")
        if [ "$got" != "$want" ]; then
            echo "length $n: test_base64 says '$got', base64 says '$want'"
            return 1
        fi
    done
}

@test "base64: decodes what base64 -w0 writes back to the same bytes" {
    command -v base64 >/dev/null || { echo "base64 is missing (coreutils)"; false; }
    in="$BATS_TEST_TMPDIR/input"
    text="$BATS_TEST_TMPDIR/text"
    out="$BATS_TEST_TMPDIR/output"
    for n in $(lengths); do
        head -c "$n" /dev/urandom >"$in"
        base64 -w0 <"$in" >"$text"
        if ! "$T" decode <"$text" >"$out" || ! cmp -s "$in" "$out"; then
            echo "length $n: '$(cat "$text")' did not decode to its bytes"
            return 1
        fi
    done
}

@test "base64: decode mode refuses text that is not canonical" {
    # base64 -d takes a trailing newline and non-zero pad bits; we must not.
    for text in 'Zm9v\n' 'Zm9\t' 'Zh==' 'Zg='; do
        run $WRAP "$T" decode < <(printf '%b' "$text")
        [ "$status" -eq 1 ] || { echo "accepted '$text'"; return 1; }
    done
}
