"""wsraw -- a raw WebSocket and inner-port client for wspush's tests.

Python's standard library only, so it runs on a fresh machine. Unlike a
real client library it can send anything: unmasked frames, reserved bits,
lengths in a non-minimal form, a frame one byte at a time. It is written
from RFC 6455 independently of the server's C code, so the two do not
share a misreading; the interoperability tests add clients nobody here
wrote (Python websockets, PHP, Chromium).

Typical use from a bats test:

    python3 - <<'EOF'
    import sys; sys.path.insert(0, "tests/lib")
    from wsraw import *
    ws = Page(bind="uid1")
    assert Inner().request('{"uid":"uid1"}') == "ok"
    assert ws.recv_text() == '{"uid":"uid1"}'
    EOF

Ports come from the environment (WS_PORT, INNER_PORT), which the bats
helper sets after starting a server on free ports.
"""

import base64
import hashlib
import os
import socket
import struct
import time

HOST = os.environ.get("WS_HOST", "127.0.0.1")
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TIMEOUT = float(os.environ.get("WSRAW_TIMEOUT", "5"))

OP_CONT, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA


def ws_port():
    return int(os.environ["WS_PORT"])


def inner_port():
    return int(os.environ["INNER_PORT"])


def accept_for(key):
    """Sec-WebSocket-Accept for a key (RFC 6455 §4.2.2), via hashlib."""
    digest = hashlib.sha1((key + GUID).encode()).digest()
    return base64.b64encode(digest).decode()


def frame(opcode, payload=b"", fin=True, mask=True, rsv=0, length_form=None):
    """Build one client frame. length_form forces 7, 16 or 64-bit lengths
    (to test non-minimal encodings); mask=False builds an unmasked one."""
    if isinstance(payload, str):
        payload = payload.encode()
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    form = length_form or (7 if n < 126 else 16 if n < 65536 else 64)
    mbit = 0x80 if mask else 0
    if form == 7:
        head = struct.pack("!BB", b0, mbit | n)
    elif form == 16:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + mask_bytes(payload, key)


def mask_bytes(payload, key):
    """payload XOR the 4-byte key repeated (RFC 6455 §5.3), done as one
    big-integer XOR so that megabytes take milliseconds."""
    n = len(payload)
    if n == 0:
        return b""
    keys = (key * (n // 4 + 1))[:n]
    x = int.from_bytes(payload, "big") ^ int.from_bytes(keys, "big")
    return x.to_bytes(n, "big")


def close_payload(code, reason=b""):
    if isinstance(reason, str):
        reason = reason.encode()
    return struct.pack("!H", code) + reason


class Closed(Exception):
    """The server closed the TCP connection."""


class Conn:
    """A TCP connection with a receive buffer."""

    def __init__(self, port, host=HOST):
        self.sock = socket.create_connection((host, port), timeout=TIMEOUT)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def send(self, data, chunk=None, pause=0.0):
        """Send bytes, optionally in pieces of `chunk` bytes."""
        if isinstance(data, str):
            data = data.encode()
        if not chunk:
            self.sock.sendall(data)
            return
        for i in range(0, len(data), chunk):
            self.sock.sendall(data[i:i + chunk])
            if pause:
                time.sleep(pause)

    def fill(self, timeout=TIMEOUT):
        self.sock.settimeout(timeout)
        data = self.sock.recv(65536)
        if not data:
            raise Closed()
        self.buf += data

    def read_exact(self, n, timeout=TIMEOUT):
        # Gather in a list: appending to bytes would copy the buffer on
        # every read, quadratic for a message of megabytes.
        parts, have = [self.buf], len(self.buf)
        self.sock.settimeout(timeout)
        while have < n:
            data = self.sock.recv(max(65536, min(n - have, 1 << 20)))
            if not data:
                self.buf = b"".join(parts)
                raise Closed()
            parts.append(data)
            have += len(data)
        buf = b"".join(parts) if len(parts) > 1 else self.buf
        out, self.buf = buf[:n], buf[n:]
        return out

    def read_until(self, marker, timeout=TIMEOUT):
        while marker not in self.buf:
            self.fill(timeout)
        i = self.buf.index(marker) + len(marker)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def read_to_eof(self, timeout=TIMEOUT):
        """Everything until the server closes; fails on a timeout."""
        try:
            while True:
                self.fill(timeout)
        except Closed:
            pass
        out, self.buf = self.buf, b""
        return out

    def is_closed(self, timeout=TIMEOUT):
        """True once the server has closed its side (EOF or reset)."""
        try:
            self.read_to_eof(timeout)
            return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


class Response:
    def __init__(self, raw):
        head = raw.decode("latin-1")
        lines = head.split("\r\n")
        self.status_line = lines[0]
        self.status = int(lines[0].split(" ")[1])
        self.headers = {}
        for line in lines[1:]:
            if line:
                k, v = line.split(":", 1)
                self.headers[k.strip().lower()] = v.strip()
        self.body = b""


class Page(Conn):
    """A WebSocket client. Page() connects and upgrades; Page(bind="u")
    also sends the uid; Page(handshake=False) stops after TCP connect."""

    def __init__(self, port=None, bind=None, handshake=True, host=HOST):
        Conn.__init__(self, port or ws_port(), host)
        self.key = base64.b64encode(os.urandom(16)).decode()
        self.response = None
        if handshake:
            r = self.upgrade()
            assert r.status == 101, "handshake refused: %s" % r.status_line
        if bind is not None:
            self.send_text(bind)

    def request(self, extra=None, drop=(), key=None, first="GET / HTTP/1.1"):
        """The request head: the usual headers, with `drop` removed and
        `extra` ({name: value}) added or replacing."""
        headers = [("Host", "%s:%d" % (HOST, ws_port())),
                   ("Upgrade", "websocket"),
                   ("Connection", "Upgrade"),
                   ("Sec-WebSocket-Key", key or self.key),
                   ("Sec-WebSocket-Version", "13")]
        extra = extra or {}
        lower = {k.lower() for k in extra}
        out = [first]
        for k, v in headers:
            if k.lower() not in lower and k not in drop:
                out.append("%s: %s" % (k, v))
        for k, v in extra.items():
            out.append("%s: %s" % (k, v))
        return ("\r\n".join(out) + "\r\n\r\n").encode()

    def upgrade(self, raw=None, chunk=None, pause=0.0):
        """Send a request head and read the response head."""
        self.send(raw or self.request(), chunk, pause)
        self.response = Response(self.read_until(b"\r\n\r\n"))
        r = self.response
        if r.status == 101:
            assert r.headers["sec-websocket-accept"] == accept_for(self.key)
        elif "content-length" in r.headers:
            r.body = self.read_exact(int(r.headers["content-length"]))
        return r

    def send_frame(self, opcode, payload=b"", **kw):
        chunk = kw.pop("chunk", None)
        self.send(frame(opcode, payload, **kw), chunk)

    def send_text(self, text, **kw):
        self.send_frame(OP_TEXT, text, **kw)

    def recv_frame(self, timeout=TIMEOUT):
        """One server frame as (fin, opcode, payload). Server frames must
        not be masked and must not set RSV bits (RFC 6455 §5.1, §5.2)."""
        b0, b1 = self.read_exact(2, timeout)
        assert b1 & 0x80 == 0, "server frame is masked"
        assert b0 & 0x70 == 0, "server frame has RSV bits"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self.read_exact(2, timeout))[0]
        elif n == 127:
            n = struct.unpack("!Q", self.read_exact(8, timeout))[0]
        return bool(b0 & 0x80), b0 & 0x0F, self.read_exact(n, timeout)

    def recv_data(self, timeout=TIMEOUT):
        """The next text or binary frame, skipping pings (answered)."""
        while True:
            fin, op, payload = self.recv_frame(timeout)
            if op == OP_PING:
                self.send_frame(OP_PONG, payload)
                continue
            return op, payload

    def recv_text(self, timeout=TIMEOUT):
        op, payload = self.recv_data(timeout)
        assert op == OP_TEXT, "expected a text frame, got opcode %d" % op
        return payload.decode("utf-8")

    def expect_close(self, code=None, timeout=TIMEOUT):
        """Read until a close frame; check its code; check that the server
        then closes TCP. Returns (code, reason)."""
        while True:
            fin, op, payload = self.recv_frame(timeout)
            if op == OP_CLOSE:
                break
            assert op in (OP_PING, OP_PONG, OP_TEXT, OP_BINARY), op
        got = struct.unpack("!H", payload[:2])[0] if payload else None
        reason = payload[2:].decode("utf-8")
        assert code is None or got == code, \
            "expected close %s, got %s %r" % (code, got, reason)
        assert self.is_closed(timeout), "server did not close TCP"
        return got, reason

    def nothing_for(self, seconds):
        """True if no frame arrives within `seconds`."""
        try:
            self.recv_frame(seconds)
            return False
        except socket.timeout:
            return True


class Inner(Conn):
    """A backend on the inner port: TCP, or the Unix domain socket named by
    INNER_UNIX if set. If INNER_SECRET is set, it first gives that secret
    ("auth SECRET", docs/PROTOCOL.md) and checks the "ok"."""

    def __init__(self, port=None, host=HOST):
        path = os.environ.get("INNER_UNIX")
        if path and port is None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(TIMEOUT)
            self.sock.connect(path)
            self.buf = b""
        else:
            Conn.__init__(self, port or inner_port(), host)
        secret = os.environ.get("INNER_SECRET")
        if secret:
            reply = self.request("auth " + secret)
            assert reply == "ok", "auth answered %r" % reply

    def request(self, line, ending="\n"):
        self.send(line + ending)
        return self.reply()

    def reply(self, timeout=TIMEOUT):
        return self.read_until(b"\n", timeout)[:-1].decode()


def inner(line):
    """One request on a fresh backend connection; returns the reply."""
    b = Inner()
    try:
        return b.request(line)
    finally:
        b.close()


def wait_online(uid, count=1, timeout=TIMEOUT):
    """Wait until the server reports `count` pages bound to uid: the
    binding message may still be in flight when a test pushes."""
    deadline = time.time() + timeout
    want = "ok %d" % count
    while time.time() < deadline:
        if inner("online " + uid) == want:
            return
        time.sleep(0.01)
    raise AssertionError("uid %r never had %d page(s)" % (uid, count))


def assert_served(uid):
    """A fresh page binds uid and a push reaches it: the server is still
    serving (the check that ends most abuse tests). Returns the page."""
    page = Page(bind=uid)
    wait_online(uid)
    line = '{"uid":"%s"}' % uid
    assert inner(line) == "ok"
    assert page.recv_text() == line
    return page
