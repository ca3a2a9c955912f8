"""wspeer -- helpers for the interoperability and abuse tests.

Pages here are made with the Python `websockets` library (Debian's
python3-websockets, version 10: the asyncio API; there is no sync client
before version 11), so the server is checked against a client nobody on
this project wrote. The raw stdlib client (tests/lib/wsraw.py) is used
where a test needs to misbehave on purpose.

Ports come from the environment (WS_PORT, INNER_PORT), like wsraw.
"""

import asyncio
import os
import socket
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))

import websockets  # noqa: E402
import wsraw  # noqa: E402

TIMEOUT = 5.0


def url():
    return "ws://127.0.0.1:%s/" % os.environ["WS_PORT"]


_opened = []


async def connect(**kw):
    """A websockets client connection to the server."""
    ws = await asyncio.wait_for(websockets.connect(url(), **kw), TIMEOUT)
    _opened.append(ws)
    return ws


async def bound_page(uid, **kw):
    """A websockets page that has sent its uid. The uid may still be in
    flight: wait_online(uid) before pushing to it."""
    ws = await connect(**kw)
    await ws.send(uid)
    return ws


async def recv(ws, timeout=TIMEOUT):
    return await asyncio.wait_for(ws.recv(), timeout)


async def nothing_for(ws, secs):
    """True if no message arrives within secs."""
    try:
        await asyncio.wait_for(ws.recv(), secs)
        return False
    except asyncio.TimeoutError:
        return True


async def blocking(fn, *args):
    """Run a blocking wsraw call without stalling the event loop, so the
    websockets connections keep answering while it waits."""
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def inner(line):
    return await blocking(wsraw.inner, line)


async def wait_online(uid, count=1):
    await blocking(wsraw.wait_online, uid, count)


async def closed_code(ws, timeout=TIMEOUT):
    """Wait until the connection is closed; the code the server sent."""
    await asyncio.wait_for(ws.wait_closed(), timeout)
    return ws.close_code


async def seed_backend_push(script, uid="uid1"):
    """Bind a websockets page to uid, run the PHP backend script (the
    seed's, or a variant) with php-cli, and check it printed exactly "ok"
    and nothing on stderr. Returns the page, the pushed line not yet read."""
    ws = await bound_page(uid)
    await wait_online(uid)
    php = await asyncio.create_subprocess_exec(
        "php", script,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(php.communicate(), 10)
    assert php.returncode == 0 and err == b"", (php.returncode, err)
    assert out == b"ok\n", "PHP printed %r" % out
    return ws


def run(coro):
    """asyncio.run(coro), then close the pages it left open. Left to
    asyncio.run's own clean-up, websockets 10 waits out its close_timeout
    (10 s) for each of them."""
    async def main():
        try:
            await coro
        finally:
            for ws in _opened:
                try:
                    await asyncio.wait_for(ws.close(), 2)
                except Exception:
                    ws.transport.abort()
    asyncio.run(main())


def small_rcvbuf_page(bind, rcvbuf=4096):
    """A raw wsraw.Page whose socket got a small receive buffer before
    connecting (the window is fixed at connect time), so the server's
    pushes back up quickly when the page does not read."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(wsraw.TIMEOUT)
    s.connect((wsraw.HOST, wsraw.ws_port()))
    p = wsraw.Page.__new__(wsraw.Page)
    p.sock, p.buf, p.response = s, b"", None
    p.key = wsraw.base64.b64encode(os.urandom(16)).decode()
    r = p.upgrade()
    assert r.status == 101, r.status_line
    p.send_text(bind)
    return p


def reset(conn):
    """Close a wsraw connection with a TCP reset (SO_LINGER 0)."""
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack("ii", 1, 0))
    conn.sock.close()


def rss_kb(pid):
    """Resident set size of a process, in kB (VmRSS)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for pid %d" % pid)


def stats(conn=None):
    """The server's counters as a dict; on `conn` (an open wsraw.Inner)
    if given, else on a fresh inner connection."""
    line = conn.request("stats") if conn else wsraw.inner("stats")
    assert line.startswith("ok "), line
    return {k: int(v) for k, v in (w.split("=") for w in line[3:].split())}


def poll(cond, timeout=TIMEOUT, step=0.01, what="condition"):
    """Wait until cond() is true; fail after timeout seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if cond():
            return
        time.sleep(step)
    raise AssertionError("timed out waiting for " + what)


def figure(msg):
    """Show a measured figure in bats' output (fd 3), as "# msg"."""
    line = ("# " + msg + "\n").encode()
    try:
        os.write(3, line)
    except OSError:
        sys.stdout.write(line.decode())


def sanitizer_build(pid):
    """True if the running server is an AddressSanitizer build (make
    sanitize) or runs under valgrind (make valgrind): its RSS then holds
    the tool's shadow memory and quarantine, so memory bounds mean nothing.
    The plain build's run of the same test checks them."""
    if "valgrind" in os.environ.get("WSPUSH_WRAP", ""):
        return True
    with open("/proc/%d/exe" % pid, "rb") as f:
        return b"__asan_init" in f.read()
