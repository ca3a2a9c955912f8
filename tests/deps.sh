#!/bin/sh
# deps.sh -- make sure the test peers are here before the tests run.
#
# The server needs nothing but libc. The tests also talk to it with clients
# nobody here wrote, and build it with a second compiler:
#   python3-websockets  Debian's python3 with the websockets library
#   php-cli             runs the seed's PHP backend snippet unchanged
#   clang               the warning-free build check
#   curl                a plain HTTP client against the WebSocket port
#   chromium            the browser the page is tested in (tests/browser.bats) and the
#                       client of chapter 05's echo server
#   nodejs, npm         run playwright-core, which drives Chromium
#   netcat-openbsd      the nc command the page shows (nc -N)
# and one npm package, playwright-core at a pinned version, in build/npm
# (git-ignored; never a browser download: it drives /usr/bin/chromium).
#   doxygen, graphviz   make docs, which tests/docs.bats runs
#   nginx, openssl      the TLS proxy of docs/nginx.conf and its test
#                       certificate (tests/nginx.bats)
#   groff-base, man-db  render the man page to check it (tests/man.bats)
#   procps              ps, to see that a daemon detached (tests/daemon.bats)
#   systemd             systemd-analyze verify for docs/wspush.service
#   musl-tools          musl-gcc, the second C library (make portable)
#   gcc-multilib        gcc -m32: a 32-bit size_t (make portable)
#   tcc                 a third, small C compiler (make portable)
#   binutils            nm, for the portability check (tests/portable.bats)
# `deps.sh fuzz` (make fuzz) also wants libFuzzer's runtime:
#   libclang-rt-N-dev   clang -fsanitize=fuzzer, N being clang's version
# As root, missing ones are installed (apt-get, npm); otherwise this says
# exactly what is missing and fails, so no test is skipped silently.
set -eu
cd "$(dirname "$0")/.."

PLAYWRIGHT=1.65.1
NPM_DIR=build/npm

missing=""
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing="$missing python3-websockets"
command -v php >/dev/null 2>&1 || missing="$missing php-cli"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
[ -x /usr/bin/chromium ] || missing="$missing chromium"
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
command -v doxygen >/dev/null 2>&1 || missing="$missing doxygen"
command -v dot >/dev/null 2>&1 || missing="$missing graphviz"
nc -h 2>&1 | grep -q OpenBSD || missing="$missing netcat-openbsd"
# Debian's nginx is in /usr/sbin, not on a normal user's PATH.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"
command -v man >/dev/null 2>&1 || missing="$missing man-db"
command -v ps >/dev/null 2>&1 || missing="$missing procps"
command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
command -v musl-gcc >/dev/null 2>&1 || missing="$missing musl-tools"
command -v tcc >/dev/null 2>&1 || missing="$missing tcc"
command -v nm >/dev/null 2>&1 || missing="$missing binutils"
# -m32 needs the 32-bit C library and crt files, not only the compiler.
printf 'int main(void) { return 0; }\n' |
    gcc -m32 -x c -o /dev/null - >/dev/null 2>&1 || missing="$missing gcc-multilib"
if [ "${1:-}" = fuzz ] && command -v clang >/dev/null 2>&1; then
    # Link a do-nothing target: that is what needs the runtime.
    probe=$(mktemp -d)
    printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
        'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
        '{ (void)d; (void)n; return 0; }' >"$probe/probe.c"
    clang -fsanitize=fuzzer,address,undefined -o "$probe/probe" \
        "$probe/probe.c" >/dev/null 2>&1 ||
        missing="$missing libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev"
    rm -rf "$probe"
fi

root=no
[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 && root=yes

if [ -n "$missing" ]; then
    if [ "$root" = no ]; then
        echo "deps.sh: the tests need these Debian packages, which are missing:$missing" >&2
        echo "deps.sh: install them (e.g. sudo apt-get install$missing) and run make test again" >&2
        exit 1
    fi
    echo "deps.sh: installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
fi

have=$(node -p "require('./$NPM_DIR/node_modules/playwright-core/package.json').version" 2>/dev/null || true)
[ "$have" = "$PLAYWRIGHT" ] && exit 0
if [ "$root" = no ]; then
    echo "deps.sh: the browser tests need playwright-core@$PLAYWRIGHT in $NPM_DIR" >&2
    echo "deps.sh: install it with: npm install --prefix $NPM_DIR playwright-core@$PLAYWRIGHT" >&2
    exit 1
fi
echo "deps.sh: installing playwright-core@$PLAYWRIGHT into $NPM_DIR"
mkdir -p "$NPM_DIR"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$NPM_DIR" \
    --no-audit --no-fund --loglevel=error "playwright-core@$PLAYWRIGHT" >/dev/null
