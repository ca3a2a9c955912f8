#!/usr/bin/env bats
# The UTF-8 validator (src/utf8.c): one test per group of
# tests/unit/test_utf8.c.

load lib/helpers
T="$BUILD/test_utf8"

@test "utf8: valid text, every length and boundary" {
    run $WRAP "$T" valid; echo "$output"; [ "$status" -eq 0 ]
}

@test "utf8: overlongs, surrogates, out of range, stray and cut short" {
    run $WRAP "$T" invalid; echo "$output"; [ "$status" -eq 0 ]
}

@test "utf8: the offset of the first bad byte" {
    run $WRAP "$T" offset; echo "$output"; [ "$status" -eq 0 ]
}

@test "utf8: the same verdict however the text is split" {
    run $WRAP "$T" chunks; echo "$output"; [ "$status" -eq 0 ]
}

@test "utf8: a failure is sticky until reset" {
    run $WRAP "$T" sticky; echo "$output"; [ "$status" -eq 0 ]
}

@test "utf8: every short string against a reference decoder" {
    run $WRAP "$T" exhaustive; echo "$output"; [ "$status" -eq 0 ]
}
