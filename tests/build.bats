#!/usr/bin/env bats
# The build: warning-free under gcc and clang, nothing Linux-only, libc only.

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

@test "no Linux-only calls in src/" {
    # select() and fcntl() everywhere; these would tie us to Linux.
    # Comment lines may name them (to say why they are not used).
    local pattern='\b(epoll_[a-z]+|accept4|SOCK_NONBLOCK|SOCK_CLOEXEC|MSG_NOSIGNAL|signalfd|eventfd|timerfd_[a-z]+|inotify_[a-z]+|splice|sendfile|TCP_CORK|SO_REUSEPORT)\b'
    run bash -c "grep -nE '$pattern' '$TOP'/src/*.[ch] | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)'"
    echo "$output"
    [ -z "$output" ]
    # And the check itself works: it finds a call planted in a scratch file.
    printf 'int f(void) { return accept4(0, 0, 0, SOCK_NONBLOCK); }\n' > "$BATS_TEST_TMPDIR/x.c"
    run grep -cE "$pattern" "$BATS_TEST_TMPDIR/x.c"
    [ "$output" = 1 ]
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
