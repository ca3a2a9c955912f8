#!/usr/bin/env bats
# The opening handshake (src/handshake.c): the unit test groups of
# build/test_handshake.

load lib/helpers
T="$BUILD/test_handshake"

@test "handshake: Sec-WebSocket-Accept for the RFC 6455 examples" {
    run $WRAP "$T" accept; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: accepts what real clients send, in any case and line ending" {
    run $WRAP "$T" valid; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: a request split anywhere is incomplete until its end" {
    run $WRAP "$T" incremental; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: refuses each bad request with its status and reason" {
    run $WRAP "$T" refuse; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: refuses heads over the cap with 431, bad lines early" {
    run $WRAP "$T" limits; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: the 101 and error replies, byte for byte" {
    run $WRAP "$T" format; echo "$output"; [ "$status" -eq 0 ]
}

@test "handshake: hs_list_has matches whole list elements exactly" {
    run $WRAP "$T" lists; echo "$output"; [ "$status" -eq 0 ]
}
