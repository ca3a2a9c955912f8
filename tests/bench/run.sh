#!/usr/bin/env bash
# run.sh -- `make bench`: wspush, the `ws` peer and the floor, driven by
# the same load generator, alternating, in one run.
#
#   tests/bench/run.sh [BUILD_DIR]
#
# Each round starts the three servers afresh and runs every scenario on
# each: memory (idle, 1000 bound pages, after 20000 pushes), push
# throughput at N = 10, 200, 1000 pages, broadcast fan-out to 1000 pages,
# handshake rate. build/bench.jsonl gets every raw result; report.py
# turns them into the table (medians over the rounds), build/bench.json
# and build/bench.svg. Environment: BENCH_ROUNDS (3), BENCH_PUSHES
# (100000), BENCH_BROADCASTS (40 per round), BENCH_WINDOW (20000 unanswered
# lines), BENCH_WAVES (5 waves of 1000 handshakes).
set -euo pipefail

B=${1:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP"
ROUNDS=${BENCH_ROUNDS:-3}
PUSHES=${BENCH_PUSHES:-100000}
BCASTS=${BENCH_BROADCASTS:-40}
WINDOW=${BENCH_WINDOW:-20000}
WAVES=${BENCH_WAVES:-5}
WS_VERSION=8.18.3          # the peer's npm package, pinned
NPM_DIR=$B/npm             # git-ignored, like all of build/

# --- The peer needs Node and its ws package ------------------------------
missing=""
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bench: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq $missing >/dev/null
    else
        echo "bench: the ws peer needs these Debian packages:$missing" >&2
        echo "bench: install them (sudo apt-get install$missing) and run make bench again" >&2
        exit 1
    fi
fi
have=$(node -p "try { require('./$NPM_DIR/node_modules/ws/package.json').version } catch (e) { '' }")
if [ "$have" != "$WS_VERSION" ]; then
    echo "bench: npm install ws@$WS_VERSION into $NPM_DIR"
    npm install --prefix "$NPM_DIR" --no-save --no-audit --no-fund --silent \
        "ws@$WS_VERSION"
fi

# --- Servers --------------------------------------------------------------
TMP=$(mktemp -d)
declare -A PID WS INNER
cleanup() {
    local kind
    for kind in "${!PID[@]}"; do kill "${PID[$kind]}" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT

# start KIND: run one server on free loopback ports; sets PID, WS and
# INNER for it. wspush may hold 1016 connections at FD_SETSIZE 1024 (8
# fds are its own), enough for 1000 pages and the backend.
start() {
    local out=$TMP/$1.out _ st
    case $1 in
    wspush) "$B/wspush" --ws 127.0.0.1:0 --inner 127.0.0.1:0 \
                --max-clients 1016 >"$out" 2>"$TMP/$1.err" & ;;
    peer)   NODE_PATH="$TOP/$NPM_DIR/node_modules" node tests/bench/peer.js \
                --ws 127.0.0.1:0 --inner 127.0.0.1:0 >"$out" 2>"$TMP/$1.err" & ;;
    floor)  "$B/wsfloor" --ws 127.0.0.1:0 --inner 127.0.0.1:0 \
                >"$out" 2>"$TMP/$1.err" & ;;
    esac
    PID[$1]=$!
    # Up to a minute: Node takes half a second idle, far more under load.
    for _ in $(seq 1 1200); do
        grep -q '^listening inner ' "$out" 2>/dev/null && break
        kill -0 "${PID[$1]}" 2>/dev/null || break
        sleep 0.05
    done
    WS[$1]=$(sed -n 's/^listening ws //p' "$out")
    INNER[$1]=$(sed -n 's/^listening inner //p' "$out")
    if [ -z "${INNER[$1]}" ] || [ -z "${WS[$1]}" ]; then
        if kill -0 "${PID[$1]}" 2>/dev/null; then
            echo "bench: $1 did not say where it listens within 60 s" >&2
        else
            wait "${PID[$1]}" && st=0 || st=$?
            echo "bench: $1 exited with status $st" >&2
        fi
        cat "$out" "$TMP/$1.err" >&2
        exit 1
    fi
}

stop() {
    kill "${PID[$1]}"
    wait "${PID[$1]}" 2>/dev/null || true
    unset "PID[$1]"
}

# bench KIND SCENARIO ARGS...: one wsbench run against KIND, its JSON
# line tagged with the server and the round. A pause first lets the
# server see the previous scenario's pages go.
bench() {
    local kind=$1 line
    shift
    sleep 0.3
    line=$("$B/wsbench" "$@" --ws "${WS[$kind]}") || {
        echo "bench: $kind: wsbench $* failed" >&2
        exit 1
    }
    echo "{\"server\":\"$kind\",\"round\":$round,${line#\{}" >>"$B/bench.jsonl"
    printf '.'
}

# The machine is shared and noisy: the servers take turns scenario by
# scenario (not round by round), so a burst of load elsewhere hits all
# three alike, and the order rotates from round to round.
: >"$B/bench.jsonl"
echo "bench: $ROUNDS rounds of wspush, the ws $WS_VERSION peer and the floor"
kinds=(wspush peer floor)
for round in $(seq 1 "$ROUNDS"); do
    printf 'round %s: %s ' "$round" "${kinds[*]}"
    for kind in "${kinds[@]}"; do start "$kind"; done
    for kind in "${kinds[@]}"; do
        bench "$kind" memory --inner "${INNER[$kind]}" -n 1000 \
            -m 20000 --window "$WINDOW" --pid "${PID[$kind]}"
    done
    for n in 10 200 1000; do
        for kind in "${kinds[@]}"; do
            bench "$kind" push --inner "${INNER[$kind]}" -n "$n" \
                -m "$PUSHES" --window "$WINDOW"
        done
    done
    for kind in "${kinds[@]}"; do
        bench "$kind" broadcast --inner "${INNER[$kind]}" -n 1000 \
            -m "$BCASTS"
    done
    for kind in "${kinds[@]}"; do
        bench "$kind" handshake -n 1000 -m "$WAVES"
    done
    for kind in "${kinds[@]}"; do stop "$kind"; done
    echo
    kinds=("${kinds[@]:1}" "${kinds[0]}")
done
/usr/bin/python3 tests/bench/report.py "$B/bench.jsonl" "$B/bench.json" \
    "$B/bench.svg"
