#!/usr/bin/env bats
# The opening handshake (src/handshake.c): the unit test groups of
# build/test_handshake.

# WSPUSH_BUILD picks another build of the same sources (make sanitize).
T="$BATS_TEST_DIRNAME/../${WSPUSH_BUILD:-build}/test_handshake"

@test "handshake: Sec-WebSocket-Accept for the RFC 6455 examples" {
    run "$T" accept; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: accepts what real clients send, in any case and line ending" {
    run "$T" valid; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: a request split anywhere is incomplete until its end" {
    run "$T" incremental; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: refuses each bad request with its status and reason" {
    run "$T" refuse; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: refuses heads over the cap with 431, bad lines early" {
    run "$T" limits; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: the 101 and error replies, byte for byte" {
    run "$T" format; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: hs_list_has matches whole list elements exactly" {
    run "$T" lists; echo "$output"; [ "$status" -eq 0 ]
}
