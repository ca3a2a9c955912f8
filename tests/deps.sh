#!/bin/sh
# deps.sh -- make sure the test peers are here before the tests run.
#
# The server needs nothing but libc. The tests also talk to it with clients
# nobody here wrote, and build it with a second compiler:
#   python3-websockets  Debian's python3 with the websockets library
#   php-cli             runs the seed's PHP backend snippet unchanged
#   clang               the warning-free build check
#   curl                a plain HTTP client against the WebSocket port
#   nginx, openssl      the TLS proxy of docs/nginx.conf and its test
#                       certificate (tests/nginx.bats)
#   groff-base, man-db  render the man page to check it (tests/man.bats)
#   procps              ps, to see that a daemon detached (tests/daemon.bats)
#   systemd             systemd-analyze verify for docs/wspush.service
# As root with apt-get, missing ones are installed; otherwise this says
# exactly what is missing and fails, so no test is skipped silently.
set -eu

missing=""
/usr/bin/python3 -c 'import websockets' 2>/dev/null || missing="$missing python3-websockets"
command -v php >/dev/null 2>&1 || missing="$missing php-cli"
command -v clang >/dev/null 2>&1 || missing="$missing clang"
command -v curl >/dev/null 2>&1 || missing="$missing curl"
# Debian's nginx is in /usr/sbin, not on a normal user's PATH.
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
command -v groff >/dev/null 2>&1 || missing="$missing groff-base"
command -v man >/dev/null 2>&1 || missing="$missing man-db"
command -v ps >/dev/null 2>&1 || missing="$missing procps"
command -v systemd-analyze >/dev/null 2>&1 || missing="$missing systemd"
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
