#!/usr/bin/env bats
# Nothing Linux-only: tests/portable/check.sh on src/ and the objects of the
# plain build, and proof, on a scratch copy, that it catches what it is for.
# (Other compilers and the 32-bit build run in `make portable`.)

load lib/helpers

CHECK="$TOP/tests/portable/check.sh"

setup() {
    make -C "$TOP" --no-print-directory all >/dev/null
}

# A scratch copy of src/ and of the plain build's objects, to plant in.
scratch() {
    S="$BATS_TEST_TMPDIR/src" O="$BATS_TEST_TMPDIR/obj"
    cp -r "$TOP/src" "$S"
    mkdir "$O" && cp "$TOP"/build/obj/*.o "$O"/
}

@test "portable: src/ names nothing Linux-only and calls only C99 and POSIX.1-2008 functions" {
    run "$CHECK" "$TOP/src" "$TOP/build/obj"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"uses C99 and POSIX.1-2008 only"* ]]
}

@test "portable: the check fails on accept4, SOCK_NONBLOCK, MSG_NOSIGNAL and a lone #ifdef __linux__, with their lines" {
    scratch
    cat >>"$S/net.c" <<'C'
int planted(int fd) { return accept4(fd, 0, 0, SOCK_NONBLOCK); }
int planted2(int fd) { return send(fd, "", 0, MSG_NOSIGNAL); }
#ifdef __linux__
int only_on_linux;
#endif
C
    local n; n=$(wc -l <"$S/net.c")
    run "$CHECK" "$S" "$O"
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"net.c:$((n - 4)): accept4 is Linux- or BSD-only"* ]]
    [[ "$output" == *"net.c:$((n - 4)): SOCK_NONBLOCK is Linux- or BSD-only"* ]]
    [[ "$output" == *"net.c:$((n - 3)): MSG_NOSIGNAL is Linux- or BSD-only"* ]]
    [[ "$output" == *"net.c:$((n - 2)): #if on __linux__ without an #else"* ]]
    [ "$(grep -c . <<<"$output")" -eq 4 ]
}

@test "portable: the check allows a guarded MSG_NOSIGNAL, #ifdef __linux__ with an #else, and names in comments and strings" {
    scratch
    cat >>"$S/net.c" <<'C'
#ifdef MSG_NOSIGNAL
static const int nosig = MSG_NOSIGNAL;
#else
static const int nosig = 0;
#endif
#if defined(__linux__)
static const int on_linux = 1;
#else
static const int on_linux = 0;
#endif
/* accept4() would save a call, and epoll_wait() a loop: not here. */
static const char why[] = "no pipe2 or SO_REUSEPORT";
int planted(void) { return nosig + on_linux + (int)sizeof why; }
C
    run "$CHECK" "$S" "$O"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "portable: the check fails when an object calls a libc function outside POSIX.1-2008 (reallocarray)" {
    scratch
    # Declared by hand: the planted file must compile wherever the test runs.
    printf '%s\n' '#include <stddef.h>' \
        'void *reallocarray(void *p, size_t n, size_t size);' \
        'void *grow(void *p) { return reallocarray(p, 2, 8); }' >"$S/planted.c"
    cc -c -o "$O/planted.o" "$S/planted.c"
    run "$CHECK" "$S" "$O"
    echo "$output"
    [ "$status" -eq 1 ]
    [ "$output" = "$O/planted.o: calls reallocarray, which is not in C99 or POSIX.1-2008 (tests/portable/posix.txt)" ]
}
