#!/usr/bin/env bats
# Serving the page (--web DIR, src/static.c): curl fetches files from the
# WebSocket port, cannot get anything outside DIR, gets a status with a
# reason for everything refused, and WebSockets on the same port still work.

load lib/helpers

@test "web: request targets map to names in the folder, or to a refusal" {
    for group in names refusals length types; do
        run $WRAP "$BUILD/test_static" "$group"
        echo "$group: $output"
        [ "$status" -eq 0 ]
    done
}

# A web folder with one file of each type served, a secret beside it, and
# the ways out of it a careless server would follow.
make_site() {
    SITE="$BATS_TEST_TMPDIR/site"
    mkdir -p "$SITE/sub"
    cp "$TOP/web/web.html" "$SITE/web.html"
    echo 'body { color: red }' >"$SITE/style.css"
    echo 'console.log(1)' >"$SITE/app.js"
    echo '<svg xmlns="http://www.w3.org/2000/svg"/>' >"$SITE/logo.svg"
    printf '\211PNG\r\n\032\n' >"$SITE/dot.png"
    echo 'plain' >"$SITE/notes.txt"
    echo 'in a sub folder' >"$SITE/sub/inner.txt"
    echo 'hidden' >"$SITE/.env.txt"
    echo 'not a served type' >"$SITE/push.php"
    echo 'SECRET-OUTSIDE' >"$BATS_TEST_TMPDIR/secret.txt"
    ln -s "$BATS_TEST_TMPDIR/secret.txt" "$SITE/link.txt"
}

# get PATH [CURL OPTIONS...]: the whole response (head and body) in
# $output, its status code in $code.
get() {
    local path=$1
    shift
    run curl -sS -i --max-time 10 --path-as-is "$@" \
        "http://127.0.0.1:$WS_PORT$path"
    echo "$output"
    [ "$status" -eq 0 ]
    code=$(printf '%s\n' "$output" | sed -n '1s/^HTTP\/1.1 \([0-9]*\) .*/\1/p' | tr -d '\r')
}

# header NAME: the value of a header in $output.
header() {
    printf '%s\n' "$output" | tr -d '\r' | sed -n "s/^$1: //Ip" | head -n 1
}

@test "web: / serves web.html byte for byte, with its query string ignored" {
    make_site
    start_server --web "$SITE"
    curl -sS --max-time 10 -o "$BATS_TEST_TMPDIR/got" -D "$BATS_TEST_TMPDIR/head" \
        "http://127.0.0.1:$WS_PORT/?uid=u1&server=ws://127.0.0.1:1/"
    cat "$BATS_TEST_TMPDIR/head"
    head -n 1 "$BATS_TEST_TMPDIR/head" | grep -q '^HTTP/1.1 200 OK'
    grep -qix 'content-type: text/html; charset=utf-8.' "$BATS_TEST_TMPDIR/head"
    cmp "$TOP/web/web.html" "$BATS_TEST_TMPDIR/got"
    # An index.html, once there, is what / means.
    echo '<p>index</p>' >"$SITE/index.html"
    get /
    [ "$code" = 200 ]
    [[ "$output" == *"<p>index</p>" ]]
}

@test "web: each served type gets its Content-Type and its exact bytes" {
    make_site
    start_server --web "$SITE"
    for pair in web.html:'text/html; charset=utf-8' \
                style.css:'text/css; charset=utf-8' \
                app.js:'text/javascript; charset=utf-8' \
                logo.svg:image/svg+xml dot.png:image/png \
                notes.txt:'text/plain; charset=utf-8'; do
        name=${pair%%:*} type=${pair#*:}
        curl -sS --max-time 10 -o "$BATS_TEST_TMPDIR/got" \
            -w '%{http_code} %{content_type}\n' \
            "http://127.0.0.1:$WS_PORT/$name" >"$BATS_TEST_TMPDIR/meta"
        [ "$(cat "$BATS_TEST_TMPDIR/meta")" = "200 $type" ] ||
            { echo "$name: $(cat "$BATS_TEST_TMPDIR/meta")"; return 1; }
        cmp "$SITE/$name" "$BATS_TEST_TMPDIR/got"
    done
}

# raw REQUEST-LINE: send one request by hand (curl would hide a body sent
# after a HEAD) and put everything the server sent, up to its close, in
# $output.
raw() {
    run bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$WS_PORT" &&
        printf "%s\r\nHost: x\r\n\r\n" "$1" >&3 && timeout 10 cat <&3' \
        raw "$1"
    echo "$output"
    [ "$status" -eq 0 ]
}

@test "web: HEAD gets the headers of GET and no body" {
    make_site
    start_server --web "$SITE"
    raw 'HEAD /web.html HTTP/1.1'
    [[ "$output" == "HTTP/1.1 200 OK"* ]]
    [ "$(header content-length)" = "$(wc -c <"$SITE/web.html" | tr -d ' ')" ]
    [[ "$output" == *"Connection: close"* && "$output" != *"<html"* ]]
    raw 'HEAD /missing.html HTTP/1.1'
    [[ "$output" == "HTTP/1.1 404 Not Found"* ]]
    [ "$(header content-length)" = 13 ]
    [[ "$output" != *"no such file"* ]]
    # The same requests by GET do carry the bodies.
    raw 'GET /web.html HTTP/1.1'
    [[ "$output" == *"</html>" ]]
    raw 'GET /missing.html HTTP/1.1'
    [[ "$output" == *"no such file" ]]
}

@test "web: nothing outside the folder, no dotfile, no sub folder, no link" {
    make_site
    start_server --web "$SITE"
    for path in /../secret.txt /..%2fsecret.txt /%2e%2e%2fsecret.txt \
                /%2E%2E/secret.txt /sub/inner.txt /sub%2Finner.txt \
                //etc/passwd /.env.txt /%2eenv.txt /.. /%2e%2e /link.txt \
                /push.php /sub; do
        get "$path"
        [ "$code" = 404 ] || { echo "$path: $code"; return 1; }
        [[ "$output" != *SECRET-OUTSIDE* && "$output" != *hidden* &&
           "$output" != *"in a sub folder"* && "$output" != *"root:"* ]]
    done
    get /../secret.txt
    [[ "$output" == *"only files directly in the web folder are served"* ]]
    get /.env.txt
    [[ "$output" == *"names starting with a dot are not served"* ]]
    get /link.txt
    [[ "$output" == *"symbolic links are not served"* ]]
    get /push.php
    [[ "$output" == *"file type not served (html, js, css, png, svg, txt)"* ]]
    assert_server_alive
}

@test "web: a missing file is 404, a bad target 400, both with a reason" {
    make_site
    start_server --web "$SITE"
    get /nope.html
    [ "$code" = 404 ]
    [[ "$output" == *"no such file" ]]
    get /%zz.html
    [ "$code" = 400 ]
    [[ "$output" == *"bad %-escape in the path" ]]
    get /a%00.html
    [ "$code" = 400 ]
    [[ "$output" == *"control character in the path" ]]
    get / --request-target "http://127.0.0.1:$WS_PORT/web.html"
    [ "$code" = 400 ]
    [[ "$output" == *"request target must be a path" ]]
}

@test "web: a FIFO named like a page is refused at once, not waited on" {
    make_site
    mkfifo "$SITE/fifo.html"
    start_server --web "$SITE"
    get /fifo.html --max-time 5
    [ "$code" = 404 ]
    [[ "$output" == *"not a regular file" ]]
}

@test "web: other methods get 405 with Allow, and the server goes on" {
    make_site
    start_server --web "$SITE"
    get / -d uid=uid1
    [ "$code" = 405 ]
    [ "$(header allow)" = "GET, HEAD" ]
    [[ "$output" == *"only GET and HEAD are served here" ]]
    get /web.html -X DELETE
    [ "$code" = 405 ]
    get /web.html
    [ "$code" = 200 ]
}

@test "web: a file over 1 MiB is refused with 403; one of 1 MiB is served" {
    make_site
    head -c 1048576 /dev/urandom | base64 -w 76 | head -c 1048576 >"$SITE/big.txt"
    head -c 1048577 /dev/zero >"$SITE/huge.txt"
    start_server --web "$SITE"
    curl -sS --max-time 20 -o "$BATS_TEST_TMPDIR/got" -w '%{http_code}\n' \
        "http://127.0.0.1:$WS_PORT/big.txt" >"$BATS_TEST_TMPDIR/code"
    [ "$(cat "$BATS_TEST_TMPDIR/code")" = 200 ]
    cmp "$SITE/big.txt" "$BATS_TEST_TMPDIR/got"
    get /huge.txt
    [ "$code" = 403 ]
    [[ "$output" == *"file larger than 1 MiB, not served" ]]
}

@test "web: a WebSocket upgrade on the same port still binds and receives" {
    make_site
    start_server --web "$SITE"
    py <<'EOF'
from wsraw import *
p = Page(bind="uid1")
wait_online("uid1")
assert Inner().request('{"uid":"uid1","n":1}') == "ok"
assert p.recv_text() == '{"uid":"uid1","n":1}'
EOF
    get /web.html
    [ "$code" = 200 ]
}

@test "web: without --web a plain GET is still refused with 400" {
    start_server
    get /web.html
    [ "$code" = 400 ]
    [[ "$output" == *"no Upgrade: websocket header"* ]]
}

@test "web: --web with something that is not a folder is a usage error" {
    run "$WSPUSH" --web "$TOP/Makefile" --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 2 ]
    [[ "$output" == *"--web $TOP/Makefile: not a folder"* ]]
    run "$WSPUSH" --web "$BATS_TEST_TMPDIR/none" --ws 127.0.0.1:0 --inner 127.0.0.1:0
    [ "$status" -eq 2 ]
    [[ "$output" == *"No such file or directory"* ]]
}

@test "web: --help documents --web" {
    run "$WSPUSH" --help
    [ "$status" -eq 0 ]
    [[ "$output" == *"--web DIR "* ]]
}
