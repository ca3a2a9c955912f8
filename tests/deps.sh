#!/bin/sh
# deps.sh -- make sure the test peers are here before the tests run.
#
# The server needs nothing but libc. The tests also talk to it with clients
# nobody here wrote, and build it with a second compiler:
#   python3-websockets  Debian's python3 with the websockets library
#   php-cli             runs the seed's PHP backend snippet unchanged
#   clang               the warning-free build check
#   curl                a plain HTTP client against the WebSocket port
#   musl-tools          musl-gcc, the second C library (make portable)
#   gcc-multilib        gcc -m32: a 32-bit size_t (make portable)
#   tcc                 a third, small C compiler (make portable)
#   binutils            nm, for the portability check (tests/portable.bats)
# As root with apt-get, missing ones are installed; otherwise this says
# exactly what is missing and fails, so no test is skipped silently.
set -eu

missing=""
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing="$missing python3-websockets"
command -v php >/dev/null 2>&1 || missing="$missing php-cli"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
command -v musl-gcc >/dev/null 2>&1 || missing="$missing musl-tools"
command -v tcc >/dev/null 2>&1 || missing="$missing tcc"
command -v nm >/dev/null 2>&1 || missing="$missing binutils"
# -m32 needs the 32-bit C library and crt files, not only the compiler.
printf 'int main(void) { return 0; }\n' |
    gcc -m32 -x c -o /dev/null - >/dev/null 2>&1 || missing="$missing gcc-multilib"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
    exit 0
fi
echo "deps.sh: the tests need these Debian packages, which are missing:$missing" >&2
echo "deps.sh: install them (e.g. sudo apt-get install$missing) and run make test again" >&2
exit 1
