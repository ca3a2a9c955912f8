#!/usr/bin/env bats
# HMAC-SHA1 (src/hmac.c): the unit test groups of build/test_hmac, and its
# MACs compared with Python's hmac module on random keys and messages.

load lib/helpers
T="$BUILD/test_hmac"

@test "hmac: RFC 2202 HMAC-SHA1 test cases" {
    run $WRAP "$T" rfc2202; echo "$output"; [ "$status" -eq 0 ]
}

@test "hmac: keys around the block size, and a message fed in pieces" {
    run $WRAP "$T" keys; echo "$output"; [ "$status" -eq 0 ]
}

@test "hmac: the constant-time compare finds a difference in any byte" {
    run $WRAP "$T" equal; echo "$output"; [ "$status" -eq 0 ]
}

@test "hmac: agrees with Python's hmac on random keys and messages" {
    in="$BATS_TEST_TMPDIR/input"
    for _ in $(seq 60); do
        klen=$((RANDOM % 200)) mlen=$((RANDOM % 3000))
        key=$(head -c "$klen" /dev/urandom | od -An -v -tx1 | tr -d ' \n')
        head -c "$mlen" /dev/urandom >"$in"
        want=$("$PY" -c 'import hmac, hashlib, sys
print(hmac.new(bytes.fromhex(sys.argv[1]), sys.stdin.buffer.read(), hashlib.sha1).hexdigest())' "$key" <"$in")
        got=$("$T" mac "$key" <"$in")
        if [ "$got" != "$want" ]; then
            echo "key $klen, message $mlen bytes: test_hmac says $got, Python $want"
            return 1
        fi
    done
}
