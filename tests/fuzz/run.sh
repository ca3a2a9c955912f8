#!/bin/sh
# run.sh DIR SECONDS NAME... -- run libFuzzer targets, each for SECONDS.
#
# DIR/fuzzer_NAME starts from the committed corpus tests/fuzz/corpus/NAME
# (read only) and DIR/corpus/NAME, where it keeps the new inputs it finds
# across runs. One line per target gives its executions; a crash, a leak,
# a sanitizer report or a broken check stops that target, leaves the input
# in DIR/crashes/ and fails the run, with the end of the log.
#
# To keep a crash as a regression test, fix the bug, then copy the input
# into tests/fuzz/corpus/NAME/: make test replays every file there
# (tests/fuzz.bats), under ASan and valgrind too.
set -u
dir=$1 secs=$2
shift 2
status=0
total=0
mkdir -p "$dir/crashes"
for name in "$@"; do
    mkdir -p "$dir/corpus/$name"
    log="$dir/$name.log"
    "$dir/fuzzer_$name" -max_total_time="$secs" -max_len=16384 \
        -artifact_prefix="$dir/crashes/$name-" -print_final_stats=1 \
        "$dir/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    corpus=$(ls "$dir/corpus/$name" | wc -l)
    if [ "$rc" -ne 0 ] || [ -z "$runs" ]; then
        echo "fuzz $name: FAILED (exit $rc) after ${runs:-?} executions; end of $log:"
        tail -n 40 "$log"
        ls "$dir/crashes/$name-"* 2>/dev/null | sed 's/^/fuzz: input saved as /'
        status=1
        continue
    fi
    total=$((total + runs))
    printf 'fuzz %-10s %10s executions in %s s (%s/s), corpus of %s\n' \
        "$name" "$runs" "$secs" "$rate" "$corpus"
done
echo "fuzz: $total executions in all, $# targets, ${secs} s each"
exit $status
