#!/usr/bin/env bats
# Trusted uids (docs/PROTOCOL.md, "Trusted uids"): signed page tokens and
# their close codes, the secret's sources and rules, the PHP minting
# function, the Origin allow-list, the inner port on a Unix domain socket
# and the inner secret. Pages are wsraw's raw client and the Python
# websockets library; tokens come from `wspush token`, from
# docs/wspush_token.php run by php-cli, and from Python's hmac module.

load lib/helpers

INTEROP="$TOP/tests/interop"
export PYTHONPATH="$TOP/tests/lib:$INTEROP"
export SECRET="wspush-test-secret-0123456789abcdef"
export PHP_TOKEN="$TOP/docs/wspush_token.php"

# A secret file holding $SECRET, mode 0600; its path on stdout.
secret_file() {
    local f="$BATS_TEST_TMPDIR/secret"
    printf '%s\n' "$SECRET" >"$f"
    chmod 600 "$f"
    echo "$f"
}

# php_token UID TTL [NOW]: a token from docs/wspush_token.php.
php_token() {
    php -r 'require getenv("PHP_TOKEN");
        echo wspush_token($argv[1], getenv("SECRET"), (int)$argv[2],
                          isset($argv[3]) ? (int)$argv[3] : null), "\n";' \
        -- "$@"
}

# ------------------------------------------------------------------------
# Tokens
# ------------------------------------------------------------------------

@test "auth: the example token in PROTOCOL.md is what the C code, PHP and Python mint" {
    doc="$TOP/docs/PROTOCOL.md"
    key=$(sed -n 's/^| secret | `\(.*\)` |$/\1/p' "$doc")
    uid=$(sed -n 's/^| uid | `\(.*\)` |$/\1/p' "$doc")
    exp=$(sed -n 's/^| expiry | `\([0-9]*\)`.*|$/\1/p' "$doc")
    want=$(sed -n 's/^| token | `\(.*\)` |$/\1/p' "$doc")
    echo "example: key=$key uid=$uid expiry=$exp token=$want"
    [ -n "$key" ]
    [ -n "$uid" ]
    [ -n "$exp" ]
    [ -n "$want" ]
    [ "$("$BUILD/test_token" mint "$key" "$uid" "$exp")" = "$want" ]
    [ "$(SECRET="$key" php_token "$uid" 0 "$exp")" = "$want" ]
    got=$("$PY" - "$key" "$uid" "$exp" <<'PYEOF'
import base64, hashlib, hmac, sys
key, uid, exp = sys.argv[1:]
body = "v1.%s.%s" % (base64.urlsafe_b64encode(uid.encode()).decode().rstrip("="), exp)
print(body + "." + hmac.new(key.encode(), body.encode(), hashlib.sha1).hexdigest())
PYEOF
)
    [ "$got" = "$want" ]
}

@test "auth: token unit tests: example, round trips, tampering, malformed tokens" {
    for g in example roundtrip tamper malformed; do
        run $WRAP "$BUILD/test_token" "$g"; echo "$g: $output"; [ "$status" -eq 0 ]
    done
}

@test "auth: PHP and wspush token agree for random uids, secrets and expiries" {
    for _ in $(seq 20); do
        key=$(head -c 24 /dev/urandom | base64 | tr -d '\n')
        uid=$(head -c $((RANDOM % 40 + 1)) /dev/urandom | base64 | tr -d '\n=')
        exp=$((RANDOM * 100000 + RANDOM))
        c=$("$BUILD/test_token" mint "$key" "$uid" "$exp")
        p=$(SECRET="$key" php_token "$uid" 0 "$exp")
        [ "$c" = "$p" ] || { echo "uid $uid: C $c, PHP $p"; false; }
    done
}

@test "auth: a wspush token binds a page to its uid and pushes reach it; stats count no failure" {
    WSPUSH_SECRET="$SECRET" start_server
    tok=$(WSPUSH_SECRET="$SECRET" "$WSPUSH" token uid1)
    [[ "$tok" == v1.dWlkMQ.* ]]
    TOK="$tok" py <<'PYEOF'
import os
from wsraw import *
page = Page(bind=os.environ["TOK"])
wait_online("uid1")
line = '{"uid":"uid1","percent":"88%"}'
assert inner(line) == "ok"
assert page.recv_text() == line
# The token itself is not a uid.
assert inner("online " + os.environ["TOK"]) == "fail"
PYEOF
}

@test "auth: a PHP-minted token binds a Python websockets page, which receives the seed's push" {
    start_server --secret-file "$(secret_file)"
    export TOK=$(php_token "caf"$'\xc3\xa9'" 42" 600)
    py <<'PYEOF'
import os
from wspeer import *

async def main():
    ws = await bound_page(os.environ["TOK"])
    await wait_online("caf\u00e9 42")
    line = '{"uid":"caf\\u00e9 42","n":1}'
    assert await inner(line) == "ok"
    assert await recv(ws) == line

run(main())
PYEOF
}

@test "auth: tampered uid, expiry or signature, a bare uid, another secret: close 4001, nothing bound" {
    WSPUSH_SECRET="$SECRET" start_server
    export TOK=$(php_token uid1 600) OTHER=$(SECRET=another-secret-0123456789 php_token uid1 600)
    py <<'PYEOF'
import base64, os
from wsraw import *
from wspeer import stats
tok = os.environ["TOK"]
v, u, e, m = tok.split(".")
admin = base64.urlsafe_b64encode(b"admin").decode().rstrip("=")
cases = [
    ".".join([v, admin, e, m]),                     # uid swapped
    ".".join([v, u, str(int(e) + 86400), m]),       # expiry moved
    ".".join([v, u, e, m[:-1] + ("1" if m[-1] == "0" else "0")]),
    ".".join([v, u, e, m.upper()]),                 # MAC in upper case
    "uid1",                                         # the seed's bare uid
    os.environ["OTHER"],                            # another secret
    tok + "x" * 500,                                # too long
    "",                                             # empty
]
for t in cases:
    p = Page()
    p.send_text(t)
    code, reason = p.expect_close(4001)
    assert reason == "token invalid", (t, reason)
p = Page()
p.send_frame(OP_BINARY, tok)
p.expect_close(4001)
assert inner("online uid1") == "fail"
assert inner("online admin") == "fail"
assert stats()["bad"] == len(cases) + 1, stats()
# The genuine token still binds: the server kept serving.
page = Page(bind=tok)
wait_online("uid1")
assert inner('{"uid":"uid1"}') == "ok"
assert page.recv_text() == '{"uid":"uid1"}'
PYEOF
}

@test "auth: an expired token closes with 4002 (websockets sees it); a forged expired one with 4001" {
    WSPUSH_SECRET="$SECRET" start_server
    export OLD=$(php_token uid1 100 $(( $(date +%s) - 200 )))
    py <<'PYEOF'
import os
from wspeer import *

async def main():
    ws = await connect()
    await ws.send(os.environ["OLD"])
    assert await closed_code(ws) == 4002, ws.close_code
    assert ws.close_reason == "token expired", ws.close_reason
    v, u, e, m = os.environ["OLD"].split(".")
    ws = await connect()
    await ws.send(".".join([v, u, e, m[::-1]]))
    assert await closed_code(ws) == 4001, ws.close_code
    assert ws.close_reason == "token invalid", ws.close_reason
    assert await inner("online uid1") == "fail"

run(main())
PYEOF
}

@test "auth: expiry follows the wall clock: a 2-second token binds now and is refused 3 s later" {
    WSPUSH_SECRET="$SECRET" start_server
    export TOK=$(WSPUSH_SECRET="$SECRET" "$WSPUSH" token uid1 2)
    now=$(date +%s)
    exp=$(echo "$TOK" | cut -d. -f3)
    [ "$exp" -ge $((now + 1)) ]
    [ "$exp" -le $((now + 2)) ]
    py <<'PYEOF'
import os, time
from wsraw import *
page = Page(bind=os.environ["TOK"])
wait_online("uid1")
time.sleep(3.2)
p = Page()
p.send_text(os.environ["TOK"])
p.expect_close(4002)
PYEOF
}

@test "auth: wspush token: TTL sets the expiry; no secret, a bad TTL or a bad uid is a usage error" {
    now=$(date +%s)
    run env WSPUSH_SECRET="$SECRET" "$WSPUSH" token uid1 3600
    [ "$status" -eq 0 ]
    exp=$(echo "$output" | cut -d. -f3)
    [ "$exp" -ge $((now + 3600)) ]
    [ "$exp" -le $((now + 3602)) ]
    run env WSPUSH_SECRET="$SECRET" "$WSPUSH" token uid1
    exp=$(echo "$output" | cut -d. -f3)
    [ "$exp" -ge $((now + 86400)) ]
    [ "$exp" -le $((now + 86402)) ]
    run env -u WSPUSH_SECRET "$WSPUSH" token uid1
    [ "$status" -eq 2 ]
    [[ "$output" == *"no secret"* ]]
    for ttl in 0 -5 1h 315360001; do
        run env WSPUSH_SECRET="$SECRET" "$WSPUSH" token uid1 "$ttl"
        [ "$status" -eq 2 ] && [[ "$output" == *"bad TTL"* ]] || { echo "TTL $ttl: $output"; false; }
    done
    for uid in "" "$(printf '%0257d' 0)" $'\xff'; do
        run env WSPUSH_SECRET="$SECRET" "$WSPUSH" token "$uid"
        [ "$status" -eq 2 ]
        [[ "$output" == *"1 to 256 bytes of UTF-8"* ]]
    done
}

# ------------------------------------------------------------------------
# The secret
# ------------------------------------------------------------------------

@test "auth: --secret-file wins over WSPUSH_SECRET; a 0640 file is fine" {
    f=$(secret_file)
    chmod 640 "$f"
    WSPUSH_SECRET=the-environment-secret-0123 start_server --secret-file "$f"
    export GOOD=$(php_token u1 60) BAD=$(SECRET=the-environment-secret-0123 php_token u2 60)
    py <<'PYEOF'
import os
from wsraw import *
page = Page(bind=os.environ["GOOD"])
wait_online("u1")
p = Page()
p.send_text(os.environ["BAD"])
p.expect_close(4001)
PYEOF
}

@test "auth: a bad secret stops the server at start-up with one clear line and exit status 2" {
    f="$BATS_TEST_TMPDIR/s"
    check() {   # check WANT ARGS...: exit 2, one line containing WANT
        local want=$1; shift
        run "$WSPUSH" --ws 127.0.0.1:0 --inner 127.0.0.1:0 "$@"
        echo "$*: $output"
        [ "$status" -eq 2 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"$want"* ]]
    }
    printf '%s\n' "$SECRET" >"$f"; chmod 644 "$f"
    check "is open to other users (mode 0644)" --secret-file "$f"
    chmod 604 "$f"
    check "is open to other users" --secret-file "$f"
    chmod 600 "$f"
    printf 'short\n' >"$f"
    check "shorter than 16 bytes" --secret-file "$f"
    printf '%s\n%s\n' "$SECRET" "$SECRET" >"$f"
    check "must be one line" --secret-file "$f"
    : >"$f"
    check "shorter than 16 bytes" --secret-file "$f"
    head -c 1025 /dev/zero | tr '\0' x >"$f"
    check "longer than 1024 bytes" --secret-file "$f"
    check "cannot open secret file" --secret-file "$BATS_TEST_TMPDIR/none"
    check "is not a regular file" --secret-file "$BATS_TEST_TMPDIR"
    WSPUSH_SECRET=tiny check "WSPUSH_SECRET: the secret is shorter" 
    WSPUSH_INNER_SECRET=tiny check "WSPUSH_INNER_SECRET: the secret is shorter"
    check "inner secret file" --inner-secret-file "$BATS_TEST_TMPDIR/none"
    # A CR LF line ending is dropped like a LF: 16 bytes + CR LF is fine.
    printf '0123456789abcdef\r\n' >"$f"
    run "$BUILD/wspush" --secret-file "$f" token u
    [ "$status" -eq 0 ]
    [ "$(SECRET=0123456789abcdef php_token u 0 "$(echo "$output" | cut -d. -f3)")" = "$output" ]
}

@test "auth: without a secret bare uids bind (the seed's way), and a public WebSocket address is warned about" {
    start_server
    ! grep -q warning "$SERVER_ERR" || false
    py <<'PYEOF'
from wsraw import *
assert_served("uid1")
PYEOF
    stop_server
    start_server --ws 0.0.0.0:0
    grep -q 'warning no secret .* WebSocket port 0.0.0.0:[0-9]* is not loopback' "$SERVER_ERR"
    ! grep -q 'inner port' "$SERVER_ERR" || false
    stop_server
    start_server --ws 0.0.0.0:0 --inner 0.0.0.0:0
    grep -q 'warning the inner port 0.0.0.0:[0-9]* is not loopback and has no inner secret' "$SERVER_ERR"
    stop_server
    WSPUSH_SECRET="$SECRET" WSPUSH_INNER_SECRET="$SECRET" start_server --ws 0.0.0.0:0 --inner 0.0.0.0:0
    ! grep -q warning "$SERVER_ERR" || false
}

# ------------------------------------------------------------------------
# Origin allow-list
# ------------------------------------------------------------------------

@test "auth: Origin allow-list: listed origins upgrade, others get 403 with a reason, no Origin is let in" {
    of="$BATS_TEST_TMPDIR/origins"
    printf '# pages of our site\n\n  https://www.example.com  \nhttp://localhost:8000\n' >"$of"
    start_server --verbose --origin https://example.com --origin-file "$of"
    py <<'PYEOF'
from wsraw import *
for origin in ("https://example.com", "https://www.example.com",
               "http://localhost:8000"):
    p = Page(handshake=False)
    r = p.upgrade(p.request(extra={"Origin": origin}))
    assert r.status == 101, (origin, r.status_line)
for origin in ("https://evil.example", "https://example.com:443",
               "https://EXAMPLE.com", "http://example.com", "null",
               "https://example.com.evil.example", "https://www.example.com/"):
    p = Page(handshake=False)
    r = p.upgrade(p.request(extra={"Origin": origin}))
    assert r.status == 403, (origin, r.status_line)
    assert r.body == b"origin not allowed\n", r.body
    assert p.is_closed()
# No Origin header: not a browser, let in (and bound).
p = Page(bind="tool")
wait_online("tool")
PYEOF
    py <<'PYEOF'
import websockets
from wspeer import *

async def main():
    ok = await connect(origin="https://example.com")
    await ok.send("web")
    await wait_online("web")
    try:
        await connect(origin="https://evil.example")
        raise AssertionError("evil origin was let in")
    except websockets.exceptions.InvalidStatusCode as e:
        assert e.status_code == 403, e.status_code

run(main())
PYEOF
    grep -q "origin 'https://evil.example' is not on the allow-list" "$SERVER_ERR"
}

@test "auth: SIGHUP re-reads the secret and the Origin list; a bad edit keeps the old ones and says why" {
    sf=$(secret_file)
    of="$BATS_TEST_TMPDIR/origins"
    echo https://old.example >"$of"
    start_server --secret-file "$sf" --origin-file "$of"
    export OLD=$(php_token uid1 600) NEW=$(SECRET=the-new-secret-0123456789 php_token uid2 600)
    # Before: the old secret and the old origin let a page bind.
    py <<'PYEOF'
import os
from wsraw import *
p = Page(handshake=False)
r = p.upgrade(p.request(extra={"Origin": "https://old.example"}))
assert r.status == 101, r.status_line
p.send_text(os.environ["OLD"])
wait_online("uid1")
PYEOF
    printf '%s\n' the-new-secret-0123456789 >"$sf"
    echo https://new.example >"$of"
    kill -HUP "$SERVER_PID"
    for _ in $(seq 100); do grep -q "reloaded" "$SERVER_ERR" && break; sleep 0.05; done
    grep -q "reloaded" "$SERVER_ERR"
    py <<'PYEOF'
import os
from wsraw import *
def page(origin):
    p = Page(handshake=False)
    return p, p.upgrade(p.request(extra={"Origin": origin}))
p, r = page("https://old.example")
assert r.status == 403, r.status_line
p, r = page("https://new.example")
assert r.status == 101, r.status_line
p.send_text(os.environ["OLD"])
p.expect_close(4001)
p, r = page("https://new.example")
p.send_text(os.environ["NEW"])
wait_online("uid2")
PYEOF
    # A secret file opened to others is refused: the server keeps the new
    # secret (not none, not the old one) and logs why.
    chmod 644 "$sf"
    kill -HUP "$SERVER_PID"
    for _ in $(seq 100); do grep -q "keeping the old secrets" "$SERVER_ERR" && break; sleep 0.05; done
    grep -q "reload: secret file .* is open to other users.*keeping the old secrets and origins" "$SERVER_ERR"
    py <<'PYEOF'
import os
from wsraw import *
p = Page(handshake=False)
r = p.upgrade(p.request(extra={"Origin": "https://new.example"}))
assert r.status == 101, r.status_line
p.send_text(os.environ["NEW"])
wait_online("uid2")
PYEOF
    assert_server_alive
}

@test "auth: bad origins on the command line or in the file stop the server with exit status 2" {
    for o in https://example.com/ example.com '*' https:// 'https://a b' 'https://a.com?x'; do
        run "$WSPUSH" --ws 127.0.0.1:0 --inner 127.0.0.1:0 --origin "$o"
        [ "$status" -eq 2 ] && [[ "$output" == *"is not an origin"* ]] || { echo "$o: $output"; false; }
    done
    of="$BATS_TEST_TMPDIR/origins"
    printf 'https://ok.example\nhttps://bad.example/path\n' >"$of"
    run "$WSPUSH" --ws 127.0.0.1:0 --inner 127.0.0.1:0 --origin-file "$of"
    [ "$status" -eq 2 ]
    [[ "$output" == *"$of:2: 'https://bad.example/path' is not an origin"* ]]
    run "$WSPUSH" --origin-file "$BATS_TEST_TMPDIR/none"
    [ "$status" -eq 2 ]
    [[ "$output" == *"cannot open origin file"* ]]
}

# ------------------------------------------------------------------------
# The inner port on a Unix domain socket
# ------------------------------------------------------------------------

@test "auth: inner port on a Unix socket: mode 0660, wspush push through it, removed on exit" {
    sock="$BATS_TEST_TMPDIR/inner.sock"
    export INNER_UNIX="$sock"
    start_server --inner "unix:$sock"
    grep -qx "listening inner unix:$sock" "$SERVER_OUT"
    [ -S "$sock" ]
    [ "$(stat -c %a "$sock")" = 660 ]
    py <<'PYEOF' &
from wsraw import *
page = Page(bind="uid1")
assert page.recv_text(timeout=10) == '{"uid":"uid1","percent":"88%"}'
PYEOF
    pypid=$!
    "$PY" -c 'from wsraw import *; wait_online("uid1")'
    run "$WSPUSH" --inner "unix:$sock" push uid1 '{"percent":"88%"}'
    [ "$status" -eq 0 ]
    [ "$output" = ok ]
    wait "$pypid"
    stop_server
    [ "$SERVER_STATUS" -eq 0 ]
    [ ! -e "$sock" ]
    run "$WSPUSH" --inner "unix:$sock" stats
    [ "$status" -eq 1 ]
    [[ "$output" == *"cannot connect to unix:$sock"* ]]
}

@test "auth: a stale socket file is replaced; a live server's socket and other files are left alone" {
    sock="$BATS_TEST_TMPDIR/inner.sock"
    # A socket file nobody listens on: what a killed server leaves.
    "$PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
    [ -S "$sock" ]
    start_server --inner "unix:$sock"
    run "$WSPUSH" --inner "unix:$sock" stats
    [ "$status" -eq 0 ]
    # A second server must not take over the first one's socket.
    run "$WSPUSH" --ws 127.0.0.1:0 --inner "unix:$sock"
    [ "$status" -eq 1 ]
    [[ "$output" == *"cannot listen on unix:$sock: "*"in use"* ]]
    run "$WSPUSH" --inner "unix:$sock" stats
    [ "$status" -eq 0 ]
    # A file that is not a socket is never removed.
    echo data >"$BATS_TEST_TMPDIR/file"
    run "$WSPUSH" --ws 127.0.0.1:0 --inner "unix:$BATS_TEST_TMPDIR/file"
    [ "$status" -eq 1 ]
    [[ "$output" == *"exists and is not a socket"* ]]
    [ "$(cat "$BATS_TEST_TMPDIR/file")" = data ]
    run "$WSPUSH" --ws 127.0.0.1:0 --inner "unix:/$(printf '%0120d' 0)"
    [ "$status" -eq 1 ]
    [[ "$output" == *"bad address"* ]]
}

@test "auth: the WebSocket port can be a Unix socket too (for a proxy in front): curl gets its 400" {
    sock="$BATS_TEST_TMPDIR/ws.sock"
    start_server --ws "unix:$sock"
    grep -qx "listening ws unix:$sock" "$SERVER_OUT"
    run curl -sS -i --max-time 5 --unix-socket "$sock" http://localhost/
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "HTTP/1.1 400 "* ]]
    stop_server
    [ ! -e "$sock" ]
}

# ------------------------------------------------------------------------
# The inner secret
# ------------------------------------------------------------------------

@test "auth: inner secret: 'auth SECRET' first, else 'error auth required' or 'error bad auth' and closed" {
    WSPUSH_INNER_SECRET="$SECRET" start_server
    py <<'PYEOF'
import os
from wsraw import *
secret = os.environ["SECRET"]
page = Page(bind="uid1")

b = Inner()
assert b.request('{"uid":"uid1","sneaky":1}') == "error auth required"
assert b.is_closed()

# Pipelined after a wrong secret: one reply, the push is never made.
b = Inner()
b.send("auth " + secret[:-1] + "x\n" + '{"uid":"uid1","sneaky":2}\n')
assert b.reply() == "error bad auth"
assert b.is_closed()
b = Inner()
assert b.request("auth " + secret + " ") == "error bad auth"
assert b.is_closed()

# Blank lines before it are ignored, as always; then pushes go through.
b = Inner()
b.send("\n")
assert b.request("auth " + secret) == "ok"
assert b.request("online uid1") == "ok 1"
assert b.request('{"uid":"uid1","n":1}') == "ok"
assert page.recv_text() == '{"uid":"uid1","n":1}'
assert page.nothing_for(0.2), "a push without the secret got through"
PYEOF
    run env -u WSPUSH_INNER_SECRET "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" stats
    [ "$status" -eq 1 ]
    [ "$output" = "error auth required" ]
    run env WSPUSH_INNER_SECRET="$SECRET" "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" online uid1
    [ "$status" -eq 1 ]
    [ "$output" = "fail" ]
    f=$(secret_file)
    run env -u WSPUSH_INNER_SECRET "$WSPUSH" --inner-secret-file "$f" --inner "127.0.0.1:$INNER_PORT" stats
    [ "$status" -eq 0 ]
    [[ "$output" == "ok pages=0 "* ]]
    run env WSPUSH_INNER_SECRET=wrong-secret-0123456789 "$WSPUSH" --inner "127.0.0.1:$INNER_PORT" stats
    [ "$status" -eq 1 ]
    [[ "$output" == *"refused the inner secret: error bad auth"* ]]
}

@test "auth: the seed's PHP backend with its one extra auth line pushes to a websockets page" {
    export WSPUSH_INNER_SECRET="$SECRET"
    start_server
    export INNER_SECRET="$SECRET"
    SEED_BACKEND="$INTEROP/seed_backend_auth.php" py <<'PYEOF'
import asyncio, os
from wspeer import *

async def main():
    ws = await seed_backend_push(os.environ["SEED_BACKEND"])
    assert await recv(ws) == '{"uid":"uid1","percent":"88%"}'

run(main())
PYEOF
    # The unchanged seed snippet gets a clear answer instead.
    run php "$INTEROP/seed_backend.php"
    [ "$output" = "error auth required" ]
}

@test "auth: tokens, an inner secret and a Unix inner socket together" {
    sock="$BATS_TEST_TMPDIR/inner.sock"
    export INNER_UNIX="$sock" INNER_SECRET="$SECRET"
    WSPUSH_INNER_SECRET="$SECRET" start_server --secret-file "$(secret_file)" --inner "unix:$sock"
    export TOK=$(WSPUSH_SECRET="$SECRET" "$WSPUSH" token "user 7")
    py <<'PYEOF'
import os
from wsraw import *
page = Page(bind=os.environ["TOK"])
wait_online("user 7")
assert inner('{"uid":"user 7","hello":true}') == "ok"
assert page.recv_text() == '{"uid":"user 7","hello":true}'
PYEOF
    run env WSPUSH_INNER_SECRET="$SECRET" "$WSPUSH" --inner "unix:$sock" stats
    [ "$status" -eq 0 ]
    [[ "$output" == "ok pages="* ]]
}

@test "auth: unit tests: a failed reload keeps the old secret and list, exact origins, the inner check" {
    for g in reload origins inner; do
        run $WRAP "$BUILD/test_auth" "$g"; echo "$g: $output"; [ "$status" -eq 0 ]
    done
}

@test "auth: with an inner secret, a backend silent past --handshake-timeout is closed; one that gave it may idle" {
    WSPUSH_INNER_SECRET="$SECRET" start_server --handshake-timeout 0.3
    py <<'PYEOF'
import os, time
from wsraw import *
from wspeer import stats
silent = Inner(port=inner_port())
ok = Inner(port=inner_port())
assert ok.request("auth " + os.environ["SECRET"]) == "ok"
t0 = time.time()
assert silent.is_closed(5), "an unauthenticated backend stayed connected"
assert time.time() - t0 < 3
time.sleep(0.6)
assert ok.request("auth " + os.environ["SECRET"]) == "error unknown command"
assert ok.request("online nobody") == "fail"
os.environ["INNER_SECRET"] = os.environ["SECRET"]
assert stats()["timeouts"] == 1
PYEOF
}

@test "auth: --help lists the trust options and the token command" {
    run "$WSPUSH" --help
    [ "$status" -eq 0 ]
    for w in --secret-file --inner-secret-file --origin --origin-file \
             WSPUSH_SECRET WSPUSH_INNER_SECRET unix:PATH "token UID [TTL]"; do
        [[ "$output" == *"$w"* ]] || { echo "missing $w"; false; }
    done
}
