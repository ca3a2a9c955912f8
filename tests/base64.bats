#!/usr/bin/env bats
# Base64 (src/base64.c): the unit test groups of build/test_base64, and
# the strict decoder against what base64 -d lets through. The comparison
# with coreutils base64(1) on random bytes is tests/differential.bats.

load lib/helpers
T="$BUILD/test_base64"

@test "base64: RFC 4648 test vectors, both ways" {
    run $WRAP "$T" rfc4648; echo "$output"; [ "$status" -eq 0 ]
}

@test "base64: the decoder refuses everything but canonical Base64" {
    run $WRAP "$T" strict; echo "$output"; [ "$status" -eq 0 ]
}

@test "base64: random bytes survive a round trip" {
    run $WRAP "$T" roundtrip; echo "$output"; [ "$status" -eq 0 ]
}

@test "base64: the decoder refuses text base64 -d lets through" {
    # base64 -d takes a trailing newline and non-zero pad bits; we must not.
    for text in 'Zm9v\n' 'Zm9\t' 'Zh==' 'Zg='; do
        run $WRAP "$BUILD/digest" unbase64 < <(printf '%b' "$text")
        [ "$status" -eq 1 ] || { echo "accepted '$text'"; return 1; }
    done
}
