#!/usr/bin/env bats
# The frame decoder and encoders (src/frame.c): one test per group of
# tests/unit/test_frame.c.

load lib/helpers
T="$BUILD/test_frame"

@test "frame: RFC 6455 §5.7 examples, whole, byte by byte and chunked" {
    run $WRAP "$T" rfc_examples; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: payload lengths and their encodings" {
    run $WRAP "$T" lengths; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: every protocol error, with its close code" {
    run $WRAP "$T" errors; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: text validated across fragments and reads" {
    run $WRAP "$T" utf8_stream; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: control frames between fragments" {
    run $WRAP "$T" interleave; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: encoders, close codes and error strings" {
    run $WRAP "$T" encoders; echo "$output"; [ "$status" -eq 0 ]
}

@test "frame: random valid streams and random garbage" {
    run $WRAP "$T" random; echo "$output"; [ "$status" -eq 0 ]
}
