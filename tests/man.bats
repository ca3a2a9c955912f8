#!/usr/bin/env bats
# The man page, docs/wspush.1: it renders without a warning, and it
# describes everything --help lists, so the two cannot drift apart.

load lib/helpers

setup() {
    MAN="$TOP/docs/wspush.1"
    # Rendered as plain ASCII: \- comes out as '-', bold and underline
    # are dropped (-c: no overstriking), lines are not wrapped mid-option.
    TEXT="$BATS_TEST_TMPDIR/wspush.txt"
    groff -man -Tascii -P-cbu -rLL=200n "$MAN" >"$TEXT"
}

@test "man: renders with groff -ww without a single warning" {
    run groff -man -Tutf8 -ww -z "$MAN"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
    # and man(1) itself can show it
    MANWIDTH=80 man -l "$MAN" >"$BATS_TEST_TMPDIR/man.out" 2>"$BATS_TEST_TMPDIR/man.err"
    cat "$BATS_TEST_TMPDIR/man.err"
    [ ! -s "$BATS_TEST_TMPDIR/man.err" ]
    grep -q '^NAME' "$BATS_TEST_TMPDIR/man.out"
}

@test "man: every option of --help has its own entry" {
    run "$WSPUSH" --help
    [ "$status" -eq 0 ]
    opts=$(grep -oE '(^|[ ,])--?[a-zA-Z][a-z-]*' <<<"$output" | tr -d ' ,' | sort -u)
    [ "$(wc -l <<<"$opts")" -ge 20 ]
    missing=
    for o in $opts; do
        # An entry starts a line: "--ws addr" or "-d, --daemon".
        if [[ "$o" == --* ]]; then
            grep -Eq "^ +(-[a-zA-Z], )?$o( |$)" "$TEXT" || missing="$missing $o"
        else
            grep -Eq "^ +$o, --" "$TEXT" || missing="$missing $o"
        fi
    done
    [ -z "$missing" ] || { echo "not in docs/wspush.1:$missing"; false; }
}

@test "man: every command of --help has its own entry" {
    run "$WSPUSH" --help
    cmds=$(sed -n 's/^.*wspush \[OPTIONS\] \([a-z|]*\).*/\1/p' <<<"$output" | tr '|' '\n' | sort -u)
    [ "$(wc -l <<<"$cmds")" -ge 8 ]
    missing=
    for c in $cmds; do
        grep -Eq "^ +$c( |$)" "$TEXT" || missing="$missing $c"
    done
    [ -z "$missing" ] || { echo "not in docs/wspush.1:$missing"; false; }
}

@test "man: every stats key the server reports is described" {
    start_server
    run "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" stats
    [ "$status" -eq 0 ]
    keys=$(tr ' ' '\n' <<<"${output#ok }" | cut -d= -f1)
    [ "$(wc -w <<<"$keys")" -ge 10 ]
    sect=$(sed -n '/^INNER PORT PROTOCOL/,/^WEBSOCKET PORT/p' "$TEXT")
    for k in $keys; do
        grep -qw -- "$k" <<<"$sect" || { echo "stats key $k not described"; false; }
    done
}

@test "man: the version in the page is the program's" {
    run "$WSPUSH" --version
    grep -q "^\.TH WSPUSH 1 [0-9-]* \"$output\"" "$MAN"
}
