#!/usr/bin/env bats
# make install / make uninstall, staged with DESTDIR into a temporary
# directory; and the systemd unit (docs/wspush.service), checked by
# systemd-analyze against the installed program and man page.
#
# These install the plain build (build/), whatever WSPUSH_BUILD says:
# installing is about where files go, not about how they were compiled.

load lib/helpers

setup() {
    D="$BATS_TEST_TMPDIR/root"
}

@test "make install: the program and the man page under DESTDIR/usr/local" {
    run make -s -C "$TOP" install DESTDIR="$D"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -x "$D/usr/local/bin/wspush" ]
    [ "$(stat -c %a "$D/usr/local/bin/wspush")" = 755 ]
    [ "$(stat -c %a "$D/usr/local/share/man/man1/wspush.1")" = 644 ]
    cmp "$D/usr/local/share/man/man1/wspush.1" "$TOP/docs/wspush.1"
    run "$D/usr/local/bin/wspush" --version
    [[ "$output" == "wspush "* ]]
    # man finds the page by name under the staged tree.
    MANPATH="$D/usr/local/share/man" MANWIDTH=80 man wspush >"$BATS_TEST_TMPDIR/man.out"
    grep -q 'wspush - WebSocket push server' "$BATS_TEST_TMPDIR/man.out"
    # Nothing else was installed.
    [ "$(find "$D" -type f | wc -l)" -eq 2 ]
}

@test "make install: PREFIX, BINDIR and MAN1DIR are honoured" {
    run make -s -C "$TOP" install DESTDIR="$D" PREFIX=/usr
    [ "$status" -eq 0 ]
    [ -x "$D/usr/bin/wspush" ]
    [ -f "$D/usr/share/man/man1/wspush.1" ]
    run make -s -C "$TOP" install DESTDIR="$D/2" BINDIR=/opt/bin MAN1DIR=/opt/man/man1
    [ "$status" -eq 0 ]
    [ -x "$D/2/opt/bin/wspush" ]
    [ -f "$D/2/opt/man/man1/wspush.1" ]
}

@test "make uninstall removes exactly what install put there" {
    mkdir -p "$D/usr/local/bin"
    echo keep >"$D/usr/local/bin/other"
    make -s -C "$TOP" install DESTDIR="$D"
    run make -s -C "$TOP" uninstall DESTDIR="$D"
    [ "$status" -eq 0 ]
    [ ! -e "$D/usr/local/bin/wspush" ]
    [ ! -e "$D/usr/local/share/man/man1/wspush.1" ]
    [ "$(cat "$D/usr/local/bin/other")" = keep ]
}

@test "systemd: docs/wspush.service passes systemd-analyze verify" {
    command -v systemd-analyze >/dev/null || { echo "systemd-analyze missing: run tests/deps.sh"; false; }
    make -s -C "$TOP" install DESTDIR="$D"
    # The unit as documented, pointed at the staged program.
    sed "s|^ExecStart=/usr/local/bin/wspush |ExecStart=$D/usr/local/bin/wspush |" \
        "$TOP/docs/wspush.service" >"$BATS_TEST_TMPDIR/wspush.service"
    ! cmp -s "$TOP/docs/wspush.service" "$BATS_TEST_TMPDIR/wspush.service" || false
    # verify also runs "man wspush(1)" for Documentation=.
    MANPATH="$D/usr/local/share/man" run systemd-analyze verify "$BATS_TEST_TMPDIR/wspush.service"
    echo "$output"
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "systemd: the unit's hardening and LimitNOFILE=FD_SETSIZE are there" {
    unit="$TOP/docs/wspush.service"
    for k in NoNewPrivileges=yes ProtectSystem=strict DynamicUser=yes \
             PrivateTmp=yes 'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
             'ExecReload=/bin/kill -HUP $MAINPID'; do
        grep -qxF "$k" "$unit" || { echo "missing $k"; false; }
    done
    # FD_SETSIZE as this build sees it, from the --max-clients check.
    run "$WSPUSH" --max-clients 1000000
    max=$(sed -n 's/.*must be at most \([0-9]*\) (FD_SETSIZE - 8).*/\1/p' <<<"$output")
    [ -n "$max" ]
    [ "$(sed -n 's/^LimitNOFILE=//p' "$unit")" -eq $((max + 8)) ]
    ! grep -q '^ExecStart=.* -d' "$unit" || false      # systemd wants the foreground
}

@test "systemd: the unit's ExecStart options start a server" {
    line=$(sed -n 's|^ExecStart=/usr/local/bin/wspush ||p' "$TOP/docs/wspush.service")
    [ -n "$line" ]
    # Its fixed ports become free ones; every other option is kept.
    args=$(sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:0/g' <<<"$line")
    # shellcheck disable=SC2086
    start_server $args
    py <<'EOF'
from wsraw import *
assert_served("unit")
EOF
}
