#!/usr/bin/env bats
# The frame decoder and encoders (src/frame.c): one test per group of
# tests/unit/test_frame.c.

T="$BATS_TEST_DIRNAME/../build/test_frame"

@test "frame: RFC 6455 §5.7 examples, whole, byte by byte and chunked" {
    run "$T" rfc_examples; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: payload lengths and their encodings" {
    run "$T" lengths; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: every protocol error, with its close code" {
    run "$T" errors; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: text validated across fragments and reads" {
    run "$T" utf8_stream; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: control frames between fragments" {
    run "$T" interleave; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: encoders, close codes and error strings" {
    run "$T" encoders; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: random valid streams and random garbage" {
    run "$T" random; echo "$output"; [ "$status" -eq 0 ]
}
