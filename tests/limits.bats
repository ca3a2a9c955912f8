#!/usr/bin/env bats
# docs/PROTOCOL.md's limits table names every limit the server has an
# option for, so a new option cannot ship undocumented.

load lib/helpers

@test "limits: every limit and timer option in --help is in docs/PROTOCOL.md's limits table" {
    run "$WSPUSH" --help
    [ "$status" -eq 0 ]
    # The options listed under "Limits:" and "Timers" in the help.
    opts=$(awk '/^Limits:/ || /^Timers/ { on = 1; next } /^[A-Z]/ { on = 0 }
                on && $1 ~ /^--/ { print $1 }' <<<"$output")
    echo "options: $opts"
    [ "$(wc -w <<<"$opts")" -ge 8 ]
    # The table: the lines of the "## Limits" section that start with "|".
    table=$(awk '/^## Limits/ { on = 1; next } /^## / { on = 0 }
                 on && /^\|/' "$TOP/docs/PROTOCOL.md")
    for o in $opts; do
        grep -qF -- "\`$o\`" <<<"$table" || { echo "$o is not in the limits table"; false; }
    done
}
