#!/usr/bin/env bats
# Chapter 05: a WebSocket echo server. Every data message comes back to
# its sender with its type, whole, whatever the fragmentation; clients
# nobody here wrote (Python websockets, Chromium) agree.

load ../../test_helper

@test "echo: text and binary messages come back with their type" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page()
p.send_text("hello")
assert p.recv_data() == (OP_TEXT, b"hello")
p.send_frame(OP_BINARY, bytes([0, 255, 1]))
assert p.recv_data() == (OP_BINARY, bytes([0, 255, 1]))
p.send_text("")
assert p.recv_data() == (OP_TEXT, b"")
# 16-bit length, masked, sent in pieces.
big = "é" * 30000
p.send_text(big, chunk=1000)
got = b""
while True:
    fin, op, payload = p.recv_frame()
    got += payload
    if fin:
        break
assert got.decode() == big
EOF
}

@test "echo: a fragmented message comes back whole, a ping in between" {
    start_prog
    py <<'EOF'
from wsraw import *
p = Page()
p.send_frame(OP_TEXT, "frag", fin=False)
p.send_frame(OP_PING, "in between")
p.send_frame(OP_CONT, "ment", fin=False)
p.send_frame(OP_CONT, "ed", fin=True)
frames = []
while not frames or not frames[-1][0]:
    fin, op, payload = p.recv_frame()
    if op == OP_PONG:
        assert payload == b"in between"
        continue
    frames.append((fin, op, payload))
assert frames[0][1] == OP_TEXT and all(f[1] == OP_CONT for f in frames[1:])
assert b"".join(f[2] for f in frames) == b"fragmented"
EOF
}

@test "echo: Python websockets talks to it (a client nobody here wrote)" {
    start_prog
    py <<'EOF'
import asyncio, os
import websockets

async def main():
    url = "ws://127.0.0.1:%s/" % os.environ["PORT"]
    async with websockets.connect(url) as ws:
        await ws.send("hello from websockets")
        assert await ws.recv() == "hello from websockets"
        await ws.send(b"\x00\x01binary")
        assert await ws.recv() == b"\x00\x01binary"
        await ws.send("ü" * 20000)
        assert await ws.recv() == "ü" * 20000
        await ws.send(["frag", "mented"])       # a fragmented message
        assert await ws.recv() == "fragmented"
        pong = await ws.ping(b"ping!")
        await asyncio.wait_for(pong, 5)
    assert ws.close_code == 1000, ws.close_code

asyncio.run(main())
EOF
}

@test "echo: headless Chromium talks to it" {
    start_prog
    run "$PY" "$BATS_TEST_DIRNAME/chromium_echo.py" "$PORT" "$BATS_TEST_TMPDIR"
    echo "$output"
    [ "$status" -eq 0 ]
    [ "$output" = "ok closed 1000" ]
}
