#!/usr/bin/env bats
# inner.bats -- the inner port protocol's unit tests
# (tests/unit/test_inner.c), one group per test.
# Build first: make build/test_inner

load lib/helpers

@test "inner: the seed's push lines, as PHP's json_encode writes them" {
    run $WRAP "$BUILD/test_inner" seed
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "inner: uid forms: escapes, integers, duplicate and escaped keys" {
    run $WRAP "$BUILD/test_inner" uid_forms
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "inner: every error reason, lengths and nesting limits" {
    run $WRAP "$BUILD/test_inner" errors
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "inner: RFC 8259 validity of a table of JSON documents" {
    run $WRAP "$BUILD/test_inner" json_valid
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "inner: stats, online and broadcast commands" {
    run $WRAP "$BUILD/test_inner" commands
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "inner: random and mutated lines never upset the parser" {
    run $WRAP "$BUILD/test_inner" random
    echo "$output"
    [ "$status" -eq 0 ]
}
