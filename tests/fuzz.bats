#!/usr/bin/env bats
# The fuzz targets (tests/fuzz/fuzz_*.c) replayed on their committed
# corpus: the seeds and every input that once found a bug. Each target
# checks its parser's promises, often against a reference computed another
# way, so this runs those checks in make test, make sanitize and make
# valgrind. The search for new inputs is `make fuzz` (libFuzzer, clang).

load lib/helpers

replay() {
    run $WRAP "$BUILD/fuzz_$1" "$TOP/tests/fuzz/corpus/$1"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"inputs replayed, every check passed"* ]]
}

@test "fuzz corpus: frame decoder, whole and in random pieces" {
    replay frame
}

@test "fuzz corpus: handshake parser, whole and by prefixes" {
    replay handshake
}

@test "fuzz corpus: inner line parser" {
    replay inner
}

@test "fuzz corpus: UTF-8 validator against a reference decoder" {
    replay utf8
}

@test "fuzz corpus: Base64, decode-encode and encode-decode" {
    replay base64
}

@test "fuzz corpus: every target has a corpus and a replay test here" {
    for src in "$TOP"/tests/fuzz/fuzz_*.c; do
        name=$(basename "$src" .c)
        name=${name#fuzz_}
        [ -n "$(ls "$TOP/tests/fuzz/corpus/$name")" ] ||
            { echo "no corpus for $name"; false; }
        grep -q "^    replay $name\$" "$BATS_TEST_FILENAME" ||
            { echo "no replay test for $name"; false; }
    done
}
