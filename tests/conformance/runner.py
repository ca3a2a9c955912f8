"""runner -- run the RFC 6455 conformance cases against wspush --echo.

    runner.py GROUP...      run the cases of these groups (cases.py)
    runner.py --list        print every case, one per line, and the count

Each case opens a fresh connection, completes the opening handshake and
runs its steps: bytes to send (whole or in small writes) and what must come
back, byte for byte, or the close code the server must fail the connection
with. A case that leaves the connection open ends with a closing handshake
(close 1000 -> exactly 88 02 03 E8, then the server closes TCP), which also
proves that nothing else was waiting in the stream.

One line per case is printed ("ok" or "FAIL" with what went wrong), then
a summary line per group and a total. The exit status is 1 if any case
failed. Environment: WS_PORT (the server, started with --echo), and
CONFORMANCE_MAX_MESSAGE (see cases.py) to scale the largest messages.
"""

import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "lib"))
import wsraw  # noqa: E402
from wsraw import OP_CLOSE, OP_PING, OP_PONG, OP_TEXT, OP_BINARY  # noqa

TIMEOUT = wsraw.TIMEOUT

OP_NAMES = {0: "continuation", 1: "text", 2: "binary", 8: "close",
            9: "ping", 10: "pong"}


class CaseFailed(Exception):
    """A step saw something other than what the case expects."""


# ------------------------------------------------------------------------
# Frames, written from RFC 6455 §5.2 (not from the server's code)
# ------------------------------------------------------------------------

def cf(opcode, payload=b"", fin=True, rsv=0, length_form=None, mask=True):
    """A client frame: masked with a random key unless mask is False."""
    return wsraw.frame(opcode, payload, fin=fin, mask=mask, rsv=rsv,
                       length_form=length_form)


def cf_key(opcode, payload, key, fin=True):
    """A client frame masked with the given 4-byte key."""
    n = len(payload)
    b0 = (0x80 if fin else 0) | opcode
    if n < 126:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    return head + key + wsraw.mask_bytes(payload, key)


def cf_head(opcode, length, fin=True, rsv=0):
    """Only the header (with a masking key) of a client frame announcing
    `length` payload bytes: for cases that never send the payload."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    if length < 126:
        head = struct.pack("!BB", b0, 0x80 | length)
    elif length < 65536:
        head = struct.pack("!BBH", b0, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, length)
    return head + b"\x00\x00\x00\x00"      # key 0: payload goes as is


def sf(opcode, payload=b""):
    """The exact bytes of a server frame: final, unmasked, shortest
    length form (§5.2), as the server must send them."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


def close_frame(code=None, reason=b""):
    """A close frame's payload: the code in network order and a reason."""
    if code is None:
        return b""
    return struct.pack("!H", code) + reason


def describe(data):
    """What a run of server bytes looks like, for failure messages."""
    if len(data) < 2:
        return "%d byte(s) %r" % (len(data), data[:16])
    op = data[0] & 0x0F
    n = data[1] & 0x7F
    head = 2
    name = OP_NAMES.get(op, "opcode %d" % op)
    if op == OP_CLOSE and n >= 2 and len(data) >= 4:
        code = struct.unpack("!H", data[2:4])[0]
        return "close %d %r" % (code, data[4:2 + n])
    if n == 126 and len(data) >= 4:
        n, head = struct.unpack("!H", data[2:4])[0], 4
    elif n == 127 and len(data) >= 10:
        n, head = struct.unpack("!Q", data[2:10])[0], 10
    out = "%s frame of %d bytes" % (name, n)
    if len(data) < head + n:
        out += " (only %d bytes of it)" % len(data)
    elif len(data) > head + n:
        out += " and %d bytes more" % (len(data) - head - n)
    return out


# ------------------------------------------------------------------------
# Steps: each is called with the connection
# ------------------------------------------------------------------------

class Send:
    """Write bytes: whole, or in writes of `chunk` bytes."""

    def __init__(self, data, chunk=None):
        self.data, self.chunk = data, chunk

    def __call__(self, c):
        try:
            c.send(self.data, self.chunk)
        except (BrokenPipeError, ConnectionResetError) as e:
            raise CaseFailed("server closed while we sent: %s" % e)


class Expect:
    """The next bytes from the server are exactly these."""

    def __init__(self, data, what=None):
        self.data, self.what = data, what

    def __call__(self, c):
        try:
            got = c.read_exact(len(self.data))
        except wsraw.Closed:
            got = c.buf
            raise CaseFailed("expected %s, server closed after %s" % (
                self.what or describe(self.data), describe(got)))
        except socket.timeout:
            raise CaseFailed("expected %s, timed out with %s" % (
                self.what or describe(self.data), describe(c.buf)))
        if got != self.data:
            raise CaseFailed("expected %s, got %s" % (
                self.what or describe(self.data), describe(got)))


class ExpectClose:
    """The next frame is a close with this code and a UTF-8 reason of at
    most 123 bytes; then the server closes TCP (§7.1.7, §7.1.1)."""

    def __init__(self, code):
        self.code = code

    def __call__(self, c):
        try:
            fin, op, payload = c.recv_frame()
        except wsraw.Closed:
            raise CaseFailed("expected close %d, TCP closed with no close "
                             "frame" % self.code)
        except socket.timeout:
            raise CaseFailed("expected close %d, got nothing" % self.code)
        except AssertionError as e:
            raise CaseFailed("expected close %d: %s" % (self.code, e))
        if op != OP_CLOSE or not fin:
            raise CaseFailed("expected close %d, got %s" % (
                self.code, describe(sf(op, payload))))
        code = struct.unpack("!H", payload[:2])[0] if payload else None
        if code != self.code:
            raise CaseFailed("expected close %d, got close %s %r" % (
                self.code, code, payload[2:]))
        try:
            payload[2:].decode("utf-8")
        except UnicodeDecodeError:
            raise CaseFailed("close reason is not UTF-8: %r" % payload[2:])
        ExpectEOF()(c)


class ExpectEOF:
    """The server closes TCP cleanly (a FIN, not a reset) and sends
    nothing more first."""

    def __call__(self, c):
        try:
            rest = c.read_to_eof()
        except socket.timeout:
            raise CaseFailed("server did not close TCP within %g s"
                             % TIMEOUT)
        except ConnectionResetError:
            raise CaseFailed("server reset the connection instead of "
                             "closing it")
        if rest:
            raise CaseFailed("bytes after the close frame: %s"
                             % describe(rest))
        c.eof = True


class Sentinel:
    """Ping with a fresh payload; the very next bytes must be its pong.
    Proves the frames sent before it produced no output at all."""

    def __init__(self):
        self.payload = os.urandom(8).hex().encode()

    def __call__(self, c):
        Send(cf(OP_PING, self.payload))(c)
        Expect(sf(OP_PONG, self.payload),
               "the sentinel pong (nothing before it)")(c)


def echo(opcode, payload, chunk=None, what=None):
    """Steps: send one frame, expect it back exactly."""
    return [Send(cf(opcode, payload), chunk),
            Expect(sf(opcode, payload), what)]


# ------------------------------------------------------------------------
# Cases
# ------------------------------------------------------------------------

class Case:
    """One case of the table: an id, the RFC sections it checks, what it
    does and expects (one line), and its steps."""

    def __init__(self, cid, section, title, steps):
        self.id, self.section, self.title = cid, section, title
        self.steps = steps

    def run(self):
        c = wsraw.Page()
        c.eof = False
        try:
            for step in self.steps:
                step(c)
            if not c.eof:
                # Close cleanly: the echo of close 1000 must be exactly
                # the next bytes, and the server must then close TCP.
                Send(cf(OP_CLOSE, close_frame(1000)))(c)
                Expect(sf(OP_CLOSE, close_frame(1000)),
                       "close 1000 echoed (ending the case)")(c)
                ExpectEOF()(c)
        finally:
            c.close()


def run_group(name, cases):
    """Run the cases; print a line each and a summary. Returns
    (run, failed)."""
    failed = 0
    start = time.time()
    for case in cases:
        t0 = time.time()
        try:
            case.run()
            status, why = "ok  ", ""
        except CaseFailed as e:
            status, why = "FAIL", ": " + str(e)
        except Exception as e:      # a bug in the case or the client
            status, why = "FAIL", ": %s: %s" % (type(e).__name__, e)
        if status == "FAIL":
            failed += 1
        print("%s %-26s %-14s %s (%.3f s)%s" % (
            status, case.id, case.section, case.title, time.time() - t0,
            why), flush=True)
    print("%s: %d cases, %d passed, %d failed in %.1f s" % (
        name, len(cases), len(cases) - failed, failed, time.time() - start),
        flush=True)
    return len(cases), failed


def main(argv):
    import cases as table
    groups = table.GROUPS
    if argv[1:] == ["--list"]:
        total = 0
        for name in groups:
            cs = table.group(name)
            for case in cs:
                print("%-26s %-14s %s" % (case.id, case.section,
                                          case.title))
            total += len(cs)
        print("%d cases in %d groups" % (total, len(groups)))
        return 0
    names = argv[1:] or list(groups)
    unknown = [n for n in names if n not in groups]
    if unknown:
        print("unknown group(s): %s (known: %s)" % (
            " ".join(unknown), " ".join(groups)), file=sys.stderr)
        return 2
    print(table.scale_note(), flush=True)
    total = bad = 0
    for name in names:
        n, f = run_group(name, table.group(name))
        total += n
        bad += f
    if len(names) > 1:
        print("total: %d cases, %d passed, %d failed" % (
            total, total - bad, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    # Run as the module "runner", the one cases.py imports, so that both
    # see the same CaseFailed.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import runner
    sys.exit(runner.main(sys.argv))
