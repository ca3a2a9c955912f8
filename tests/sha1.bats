#!/usr/bin/env bats
# SHA-1 (src/sha1.c): the unit test groups of build/test_sha1, and its
# digests compared with sha1sum(1) on random inputs.

load lib/helpers
T="$BUILD/test_sha1"

@test "sha1: FIPS 180-4 example vectors" {
    run $WRAP "$T" fips; echo "$output"; [ "$status" -eq 0 ]
}

@test "sha1: one million 'a's, whole and in odd-sized pieces" {
    run $WRAP "$T" million; echo "$output"; [ "$status" -eq 0 ]
}

@test "sha1: the digest does not depend on how the input is split" {
    run $WRAP "$T" chunks; echo "$output"; [ "$status" -eq 0 ]
}

@test "sha1: agrees with sha1sum on random inputs of random lengths" {
    command -v sha1sum >/dev/null || { echo "sha1sum is missing (coreutils)"; false; }
    in="$BATS_TEST_TMPDIR/input"
    # Lengths around the padding boundaries first, then random ones.
    lengths="0 1 55 56 57 63 64 65 119 120 127 128 129"
    for _ in $(seq 90); do
        lengths="$lengths $((RANDOM % 5001))"
    done
    for n in $lengths; do
        head -c "$n" /dev/urandom >"$in"
        want=$(sha1sum <"$in" | cut -d' ' -f1)
        got=$("$T" digest <"$in")
        if [ "$got" != "$want" ]; then
            echo "length $n: test_sha1 says $got, sha1sum says $want"
            return 1
        fi
    done
}
