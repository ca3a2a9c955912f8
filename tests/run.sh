#!/bin/sh
# run.sh -- run the bats suite and end with one summary line,
# "N passed, N failed", that people and CI can read at a glance.
# Arguments go to bats (default: every file in tests/).
set -u
dir=$(dirname "$0")
log=$(mktemp)
trap 'rm -f "$log"' EXIT
[ $# -gt 0 ] || set -- "$dir"
bats --tap "$@" | tee "$log"
plan=$(awk '/^1\.\./ { plan = substr($0, 4) } END { print plan }' "$log")
ok=$(grep -c '^ok ' "$log")
skipped=$(grep -c '^ok .* # skip' "$log")
failed=$(grep -c '^not ok ' "$log")
passed=$((ok - skipped))
echo "$passed passed, $failed failed, $skipped skipped"
# bats' own status is lost in the pipe: judge by the counts and the plan.
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$ok" -eq "${plan:-0}" ]
