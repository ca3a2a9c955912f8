#!/bin/sh
# screenshot.sh -- make docs/web.png, the picture of web.html in the README:
# start the server on the demo's ports (1234 and 5678, so the picture shows
# what a reader will see), open the page in headless Chromium, push two
# lines and a broadcast, take the screenshot, stop the server.
#
#   tests/browser/screenshot.sh [OUTPUT.png]     (after make and tests/deps.sh)
set -eu
cd "$(dirname "$0")/../.."
out=${1:-docs/web.png}
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null; rm -f "$log"' EXIT

build/wspush --web web --ws 127.0.0.1:1234 --inner 127.0.0.1:5678 >"$log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    grep -q '^listening inner' "$log" && break
    sleep 0.05
done
grep -q '^listening inner' "$log" || { cat "$log" >&2; exit 1; }
WS_PORT=1234 INNER_PORT=5678 SCREENSHOT="$out" node tests/browser/web.js screenshot
echo "wrote $out"
