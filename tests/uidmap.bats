#!/usr/bin/env bats
# uidmap.bats -- the uid map's unit tests (tests/unit/test_uidmap.c), one
# group per test. Build first: make build/test_uidmap

load lib/helpers

@test "uidmap: add, find and remove; counts" {
    run $WRAP "$BUILD/test_uidmap" basic
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: a uid keeps its other tabs when one closes (the seed's flaw)" {
    run $WRAP "$BUILD/test_uidmap" many_tabs
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: 10000 uids survive the table doubling" {
    run $WRAP "$BUILD/test_uidmap" growth
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: uids are bytes, 1 to 256 of them; equal hashes told apart" {
    run $WRAP "$BUILD/test_uidmap" bytes
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: random adds and removes agree with a simple model" {
    run $WRAP "$BUILD/test_uidmap" random
    echo "$output"
    [ "$status" -eq 0 ]
}
