#!/usr/bin/env bats
# uidmap.bats -- the uid map's unit tests (tests/unit/test_uidmap.c), one
# group per test. Build first: make build/test_uidmap

@test "uidmap: add, find and remove; counts" {
    run "$BATS_TEST_DIRNAME/../build/test_uidmap" basic
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: a uid keeps its other tabs when one closes (the seed's flaw)" {
    run "$BATS_TEST_DIRNAME/../build/test_uidmap" many_tabs
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: 10000 uids survive the table doubling" {
    run "$BATS_TEST_DIRNAME/../build/test_uidmap" growth
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: uids are bytes, 1 to 256 of them; equal hashes told apart" {
    run "$BATS_TEST_DIRNAME/../build/test_uidmap" bytes
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "uidmap: random adds and removes agree with a simple model" {
    run "$BATS_TEST_DIRNAME/../build/test_uidmap" random
    echo "$output"
    [ "$status" -eq 0 ]
}
