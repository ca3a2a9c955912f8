#!/bin/sh
# run.sh -- build and test wspush with every compiler CI has (make portable).
#
#   build            gcc (make test's build): the portability check on its
#                    objects (check.sh: no Linux-only names, POSIX calls only)
#   build/clang      clang       \
#   build/musl       musl-gcc     > -Werror build, every unit test, and the
#   build/m32        gcc -m32    /  suite's server tests against that server
#   build/tcc        tcc: -Werror build, every unit test, and the server's
#                    push and WebSocket tests (tcc has no optimiser worth
#                    testing more; it is here to prove the code is plain C)
#
# The 32-bit build is where a 64-bit frame length meets a 32-bit size_t
# (tests/size.bats). Each build has its own directory, so they never mix
# objects. Prints one line per step and a summary; exits 1 if any failed.
set -u
cd "$(dirname "$0")/../.."
failed=""
say() { printf '\n=== portable: %s\n' "$*"; }

# step NAME COMMAND...: run it, remember a failure by name.
step() {
    what=$1; shift                  # not "name": the callers' loop uses it
    if "$@"; then
        echo "--- ok: $what"
    else
        echo "--- FAILED: $what"
        failed="$failed
  $what"
    fi
}

# build NAME CC: all and unit into build/NAME with -Werror; any warning
# fails it even if a compiler ignores -Werror for some warnings.
build() {
    out=$(make --no-print-directory B="build/$1" CC="$2" WERROR=-Werror \
          CFLAGS="-O2 -g" all unit 2>&1)
    rc=$?
    printf '%s\n' "$out"
    [ $rc -eq 0 ] && ! printf '%s\n' "$out" | grep -q 'warning:'
}

# unit NAME: every unit test program of build/NAME, every group.
unit() {
    ok=0
    for t in "build/$1"/test_*; do
        if ${WSPUSH_WRAP:-} "$t" >"build/$1/unit.out" 2>&1; then
            ok=$((ok + 1))
        else
            echo "$t failed:"; cat "build/$1/unit.out"; return 1
        fi
    done
    echo "$ok unit test programs passed; $("build/$1/test_size" decode)"
}

# suite NAME [BATS FILES...]: the bats suite against build/NAME's server.
suite() {
    b=$1; shift
    WSPUSH_BUILD="build/$b" tests/run.sh "$@"
}

# The server tests: every bats file but those that do not run the build
# under test (the build check, the chapters and the docs build their own
# things; readme.bats and install.bats use build/ itself; the portability
# check and the man page are not compiled code), the browser tests (the
# page's behaviour; its server is the same C as the interop tests') and
# the bench harness's smoke test. make test runs them all once.
SERVER_TESTS=$(ls tests/*.bats | grep -v -e /build.bats -e /chapters.bats \
    -e /docs.bats -e /readme.bats -e /install.bats -e /portable.bats \
    -e /man.bats -e /browser.bats -e /bench.bats)

say "portability check: src/ and build/obj (gcc)"
make --no-print-directory all >/dev/null || failed="$failed
  make all"
step "check.sh (gcc objects)" tests/portable/check.sh src build/obj

for spec in clang:clang musl:musl-gcc "m32:gcc -m32"; do
    name=${spec%%:*} cc=${spec#*:}
    say "$cc -> build/$name"
    if step "$cc build" build "$name" "$cc"; then
        step "$cc unit tests" unit "$name"
        step "$cc objects: check.sh" tests/portable/check.sh src "build/$name/obj"
        # shellcheck disable=SC2086
        step "$cc server: bats suite" suite "$name" $SERVER_TESTS
    fi
done

say "tcc -> build/tcc"
if step "tcc build" build tcc tcc; then
    step "tcc unit tests" unit tcc
    step "tcc objects: check.sh" tests/portable/check.sh src build/tcc/obj
    step "tcc server: push and WebSocket tests" suite tcc tests/push.bats tests/websocket.bats
fi

if [ -n "$failed" ]; then
    printf '\nportable: FAILED:%s\n' "$failed"
    exit 1
fi
printf '\nportable: gcc, clang, musl-gcc, gcc -m32 and tcc all built with -Werror and passed\n'
