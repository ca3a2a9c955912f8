#!/usr/bin/env bats
# 64-bit frame lengths against the machine's size_t (tests/unit/test_size.c):
# refused as too big, never truncated. `make portable` runs it 32-bit too.

load lib/helpers
T="$BUILD/test_size"

@test "size: a 64-bit length past SIZE_MAX is refused (1009), one within it is carried whole" {
    run $WRAP "$T" decode; echo "$output"; [ "$status" -eq 0 ]
    [[ "$output" == *"size_t is "* ]]
}

@test "size: at the largest --max-message the server takes, longer frames are refused" {
    run $WRAP "$T" server_cap; echo "$output"; [ "$status" -eq 0 ]
}

@test "size: the encoder writes all 64 bits of a length" {
    run $WRAP "$T" encode; echo "$output"; [ "$status" -eq 0 ]
}
