#!/usr/bin/env bats
# Interoperability: the server against peers nobody on this project wrote.
#
# - the seed's own PHP backend snippet (tests/interop/seed_backend.php) and
#   other PHP backends (php-cli: stream_socket_client, json_encode);
# - pages made with Python's `websockets` library (Debian's package,
#   version 10, asyncio API; helpers in tests/interop/wspeer.py);
# - bash's /dev/tcp and curl as backends and plain HTTP clients, and
#   handshakes shaped like the ones Firefox and Chromium send.
#
# Each test starts its own server on free ports (tests/lib/helpers.bash).

load lib/helpers

INTEROP="$TOP/tests/interop"
export PYTHONPATH="$TOP/tests/lib:$INTEROP"

@test "interop: the seed's PHP backend, unchanged, pushes to a websockets page and prints ok" {
    start_server
    SEED_BACKEND="$INTEROP/seed_backend.php" py <<'EOF'
import asyncio, os
from wspeer import *

async def main():
    ws = await seed_backend_push(os.environ["SEED_BACKEND"])
    msg = await recv(ws)
    assert msg == '{"uid":"uid1","percent":"88%"}', msg
    assert await nothing_for(ws, 0.2), "a second message arrived"

run(main())
EOF
}

@test "interop: the seed's PHP backend prints fail when no page has uid1" {
    start_server
    out=$(php "$INTEROP/seed_backend.php" 2>&1; echo "[exit $?]")
    [ "$out" = $'fail\n[exit 0]' ] || { printf 'PHP printed: %q\n' "$out"; false; }
}

@test "interop: two websockets pages with the same uid both receive; either one closing leaves the other" {
    start_server
    py <<'EOF'
from wspeer import *

async def main():
    # Close the first page: the seed's map (uid -> last page) would have
    # lost the second page's entry here.
    a = await bound_page("tab")
    b = await bound_page("tab")
    await wait_online("tab", 2)
    assert await inner('{"uid":"tab","n":1}') == "ok"
    assert await recv(a) == '{"uid":"tab","n":1}'
    assert await recv(b) == '{"uid":"tab","n":1}'
    await a.close()
    assert a.close_code == 1000, a.close_code
    await wait_online("tab", 1)
    assert await inner('{"uid":"tab","n":2}') == "ok"
    assert await recv(b) == '{"uid":"tab","n":2}'

    # The other order: the newer page leaves, the older one stays.
    c = await bound_page("tab")
    await wait_online("tab", 2)
    await c.close()
    await wait_online("tab", 1)
    assert await inner('{"uid":"tab","n":3}') == "ok"
    assert await recv(b) == '{"uid":"tab","n":3}'
    await b.close()
    for _ in range(200):
        if await inner("online tab") == "fail":
            break
        await asyncio.sleep(0.01)
    assert await inner('{"uid":"tab","n":4}') == "fail"

run(main())
EOF
}

@test "interop: broadcast reaches websockets pages with different uids" {
    start_server
    py <<'EOF'
from wspeer import *

async def main():
    pages = [await bound_page(u) for u in ("alice", "bob", "42")]
    for u in ("alice", "bob", "42"):
        await wait_online(u)
    assert await inner("broadcast maintenance at 18:00") == "ok 3"
    for ws in pages:
        assert await recv(ws) == "maintenance at 18:00"
    # A seed line with an integer uid reaches the page that sent "42".
    assert await inner('{"uid":42,"x":1}') == "ok"
    assert await recv(pages[2]) == '{"uid":42,"x":1}'

run(main())
EOF
}

@test "interop: SIGTERM closes a websockets page with 1001 and the server exits 0" {
    start_server
    SERVER_PID=$SERVER_PID py <<'EOF'
import os, signal, time
from wspeer import *

async def main():
    ws = await bound_page("uid1")
    await wait_online("uid1")
    t0 = time.time()
    os.kill(int(os.environ["SERVER_PID"]), signal.SIGTERM)
    code = await closed_code(ws)
    assert code == 1001, "close code %s %r" % (code, ws.close_reason)
    figure("page closed %.0f ms after SIGTERM, reason %r"
           % ((time.time() - t0) * 1000, ws.close_reason))

run(main())
EOF
    stop_server
    [ "$SERVER_STATUS" -eq 0 ]
}

@test "interop: a websockets page sending a 257-byte uid sees close 1008; 256 bytes binds" {
    start_server
    py <<'EOF'
from wspeer import *

async def main():
    ws = await connect()
    await ws.send("u" * 257)
    code = await closed_code(ws)
    assert code == 1008, "close code %s %r" % (code, ws.close_reason)

    ok = await bound_page("v" * 256)
    await wait_online("v" * 256)
    line = '{"uid":"%s"}' % ("v" * 256)
    assert await inner(line) == "ok"
    assert await recv(ok) == line

run(main())
EOF
}

@test "interop: a 300 KB push reaches a websockets page intact, in the 64-bit length form" {
    start_server --max-line 400000
    py <<'EOF'
import json, random, struct
import wsraw
from wspeer import *

async def main():
    rng = random.Random(300)
    blob = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789 -_")
                   for _ in range(300 * 1024))
    line = json.dumps({"uid": "big", "blob": blob}, separators=(",", ":"))
    ws = await bound_page("big", max_size=2 ** 20)
    raw = wsraw.Page(bind="big")
    await wait_online("big", 2)
    assert await inner(line) == "ok"
    got = await recv(ws)
    assert got == line, "received %d bytes, expected %d" % (len(got), len(line))
    # The same frame as the raw page sees it: FIN+text, 127, 8-byte length.
    b0, b1 = raw.read_exact(2)
    assert (b0, b1) == (0x81, 127), (hex(b0), b1)
    n = struct.unpack("!Q", raw.read_exact(8))[0]
    assert n == len(line), n
    assert raw.read_exact(n).decode() == line

run(main())
EOF
}

@test "interop: a websockets ping gets its pong, and the page keeps receiving" {
    start_server
    py <<'EOF'
from wspeer import *

async def main():
    ws = await bound_page("uid1", ping_interval=None)
    await wait_online("uid1")
    for data in (b"", b"are you there?", bytes(range(125))):
        waiter = await ws.ping(data)
        await asyncio.wait_for(waiter, 2)
    assert await inner('{"uid":"uid1","after":"ping"}') == "ok"
    assert await recv(ws) == '{"uid":"uid1","after":"ping"}'

run(main())
EOF
}

@test "interop: a websockets page answers the server's heartbeat pings and stays bound" {
    start_server --ping-interval 0.2 --ping-timeout 0.3
    py <<'EOF'
import wsraw
from wspeer import *

async def main():
    # websockets' own keepalive is off: only the server pings.
    ws = await bound_page("idle", ping_interval=None)
    await wait_online("idle")
    # A raw page that never reads, so never answers, is dropped meanwhile.
    mute = wsraw.Page(bind="mute")
    await wait_online("mute")
    await asyncio.sleep(1.2)            # idle through several pings
    assert await inner("online idle") == "ok 1"
    assert await inner("online mute") == "fail"
    assert await inner('{"uid":"idle","still":"here"}') == "ok"
    assert await recv(ws) == '{"uid":"idle","still":"here"}'
    got, last = [], None
    try:
        while True:
            fin, op, payload = await blocking(mute.recv_frame, 2)
            got.append(op)
            if op == wsraw.OP_CLOSE:
                last = payload
                break
    except wsraw.Closed:
        pass
    assert got[0] == wsraw.OP_PING, got
    assert last is not None and last[:2] == b"\x03\xe9", (got, last)

run(main())
EOF
}

@test "interop: PHP pipelines six lines in one fwrite and reads the six replies in order" {
    start_server
    py <<'EOF'
import os
from wspeer import *

async def main():
    ws = await bound_page("uid1")
    await wait_online("uid1")
    php = await asyncio.create_subprocess_exec(
        "php", os.path.join(HERE, "pipeline.php"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(php.communicate(), 10)
    assert php.returncode == 0 and err == b"", (php.returncode, err)
    assert out.decode().split("\n") == [
        "ok", "fail", "error invalid JSON", "error missing uid", "ok",
        "ok 1", ""], out
    assert await recv(ws) == '{"uid":"uid1","percent":"10%"}'
    assert await recv(ws) == '{"uid":"uid1","percent":"40%"}'

run(main())
EOF
}

@test "interop: a non-ASCII uid and text round-trip from PHP json_encode to a websockets page" {
    start_server
    py <<'EOF'
import json, os
from wspeer import *

UID = "caf\u00e9-\u6f22\u5b57-\U0001F600"          # café-漢字-😀
TEXT = "r\u00e9sum\u00e9 \u6f22\u5b57 \U0001F389 done"

async def php_push(flags):
    php = await asyncio.create_subprocess_exec(
        "php", os.path.join(HERE, "unicode_push.php"), UID, TEXT, str(flags),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(php.communicate(), 10)
    assert php.returncode == 0 and err == b"", (php.returncode, err)
    sent, reply, rest = out.decode("utf-8").split("\n")
    return sent, reply

async def main():
    ws = await bound_page(UID)          # the raw UTF-8 uid
    await wait_online(UID)

    # PHP's default: every non-ASCII character escaped, the emoji as a
    # surrogate pair.
    sent, reply = await php_push(0)
    assert sent.isascii() and "\\u00e9" in sent and "\\ud83d\\ude00" in sent, sent
    assert reply == "ok", reply
    got = await recv(ws)
    assert got == sent, got
    assert json.loads(got) == {"uid": UID, "text": TEXT}

    # JSON_UNESCAPED_UNICODE (256): raw UTF-8 on the wire, same page.
    sent, reply = await php_push(256)
    assert UID in sent, sent
    assert reply == "ok", reply
    got = await recv(ws)
    assert got == sent and json.loads(got) == {"uid": UID, "text": TEXT}

    # A uid differing only in the emoji does not reach the page.
    other = json.dumps({"uid": UID[:-1] + "\U0001F601"})
    assert await inner(other) == "fail"

run(main())
EOF
}

@test "interop: a uid sent by websockets in fragments binds; a binary uid gets close 1003" {
    start_server
    py <<'EOF'
from wspeer import *

async def main():
    ws = await connect()
    await ws.send(["ui", "d", "1"])       # one message, three frames
    await wait_online("uid1")
    assert await inner('{"uid":"uid1"}') == "ok"
    assert await recv(ws) == '{"uid":"uid1"}'

    b = await connect()
    await b.send(b"uid1")
    assert await closed_code(b) == 1003, b.close_code
    assert await inner("online uid1") == "ok 1"

run(main())
EOF
}

@test "interop: backends that write and close without reading (PHP fclose, bash /dev/tcp) still push" {
    start_server
    py <<'EOF'
import os, subprocess
from wspeer import *

PHP = r'''
$c = stream_socket_client('tcp://127.0.0.1:' . getenv('INNER_PORT'), $errno, $errmsg, 1);
fwrite($c, json_encode(array('uid'=>'uid1', 'via'=>'php')) . "\n");
fclose($c);
'''
# bash's /dev/tcp; the second one has no final newline: at EOF the
# server takes what is left as the last line.
BASH = r'''
printf '%s\n' '{"uid":"uid1","via":"bash"}' >/dev/tcp/127.0.0.1/$INNER_PORT
printf '%s' '{"uid":"uid1","via":"bash, no newline"}' >/dev/tcp/127.0.0.1/$INNER_PORT
'''

async def run_cmd(*argv):
    p = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(p.communicate(), 10)
    assert p.returncode == 0 and out == b"" and err == b"", (argv, out, err)

async def main():
    ws = await bound_page("uid1")
    await wait_online("uid1")
    await run_cmd("php", "-r", PHP)
    assert await recv(ws) == '{"uid":"uid1","via":"php"}'
    await run_cmd("bash", "-c", BASH)
    assert await recv(ws) == '{"uid":"uid1","via":"bash"}'
    assert await recv(ws) == '{"uid":"uid1","via":"bash, no newline"}'

run(main())
EOF
}

@test "interop: curl's plain HTTP requests to the WebSocket port get a prompt 400 with a reason" {
    start_server
    run curl -sS -i --max-time 5 "http://127.0.0.1:$WS_PORT/"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "HTTP/1.1 400 "* ]]
    [[ "$output" == *"Connection: close"* ]]
    [[ "$output" == *"Upgrade"* ]]     # the body says what was missing
    run curl -sS -i --max-time 5 -d 'uid=uid1' "http://127.0.0.1:$WS_PORT/"
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "HTTP/1.1 400 "* ]]
}

@test "interop: handshakes shaped like Firefox's and Chromium's are accepted and bound" {
    start_server
    py <<'EOF'
from wsraw import *

# The headers those browsers send (order, extensions, Connection list).
FIREFOX = ("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0\r\n"
    "Accept: */*\r\nAccept-Language: en-US,en;q=0.5\r\n"
    "Accept-Encoding: gzip, deflate, br\r\nSec-WebSocket-Version: 13\r\n"
    "Origin: http://127.0.0.1:8000\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate\r\n"
    "Sec-WebSocket-Key: {key}\r\nConnection: keep-alive, Upgrade\r\n"
    "Sec-Fetch-Dest: empty\r\nSec-Fetch-Mode: websocket\r\n"
    "Sec-Fetch-Site: same-site\r\nPragma: no-cache\r\n"
    "Cache-Control: no-cache\r\nUpgrade: websocket\r\n\r\n")
CHROMIUM = ("GET /push?tab=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    "Connection: Upgrade\r\nPragma: no-cache\r\nCache-Control: no-cache\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n"
    "Upgrade: websocket\r\nOrigin: http://127.0.0.1:8000\r\n"
    "Sec-WebSocket-Version: 13\r\nAccept-Encoding: gzip, deflate, br\r\n"
    "Accept-Language: en-US,en;q=0.9\r\nSec-WebSocket-Key: {key}\r\n"
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")

for name, head in (("firefox", FIREFOX), ("chromium", CHROMIUM)):
    p = Page(handshake=False)
    r = p.upgrade(head.format(port=ws_port(), key=p.key).encode())
    assert r.status == 101, (name, r.status_line)
    # No extension was agreed: frames stay uncompressed (no RSV1).
    assert "sec-websocket-extensions" not in r.headers, r.headers
    p.send_text(name)
    wait_online(name)
    assert inner('{"uid":"%s"}' % name) == "ok"
    assert p.recv_text() == '{"uid":"%s"}' % name
EOF
}
