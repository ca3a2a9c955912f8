#!/usr/bin/env bats
# The build: warning-free under gcc and clang, libc only. Nothing Linux-only:
# tests/portable.bats; other compilers and 32 bits: make portable.

load lib/helpers

# build_with CC: build the server and every unit test into a scratch
# directory with -Werror, so a single warning fails the test.
build_with() {
    command -v "$1" >/dev/null || { echo "$1 is not installed (tests/deps.sh installs it)"; return 1; }
    run make -C "$TOP" --no-print-directory CC="$1" B="$BATS_TEST_TMPDIR/b-$1" \
        WERROR=-Werror CFLAGS="-O2 -g" all unit
    echo "$output"
    [ "$status" -eq 0 ]
    # "warning:" can only appear if -Werror were somehow off.
    [[ "$output" != *"warning:"* ]]
    [ -x "$BATS_TEST_TMPDIR/b-$1/wspush" ]
}

@test "gcc builds everything with -std=c99 -Wall -Wextra -Wpedantic -Werror" {
    build_with gcc
}

@test "clang builds everything with -std=c99 -Wall -Wextra -Wpedantic -Werror" {
    build_with clang
}

@test "the server links against libc alone" {
    run make -C "$TOP" --no-print-directory all
    [ "$status" -eq 0 ]
    if command -v ldd >/dev/null; then
        run ldd "$TOP/build/wspush"   # the plain build, not a sanitizer one
        echo "$output"
        # Only the C library, the dynamic loader and the vDSO.
        while read -r lib _; do
            case "$lib" in
                linux-vdso*|libc.so*|/lib*/ld-linux*|/lib64/ld-linux*) ;;
                *) echo "unexpected library: $lib"; false ;;
            esac
        done <<< "$output"
    fi
}
