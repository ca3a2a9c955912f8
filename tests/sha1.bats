#!/usr/bin/env bats
# SHA-1 (src/sha1.c): the unit test groups of build/test_sha1. The
# comparison with sha1sum(1) on random inputs is tests/differential.bats.

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
