"""wsfuzz -- seeded, bounded fuzzing of both ports, for tests/abuse.bats.

frames(seed, cases): mutated streams of valid client frames, each on a new
page, each followed by our FIN. Whatever the server answers must be well
formed: unmasked frames, no RSV bits, a close frame last if any, with a code
allowed on the wire (RFC 6455 §7.4) and a UTF-8 reason; and it must close
the connection after our FIN.

lines(seed, cases): mutated JSON request lines on one inner connection,
with Python's json module as the reference for what is valid: every reply
must match it, and every push to a bound uid must reach that page as the
exact line. One deliberate difference: a lone UTF-16 surrogate escape
("\\ud83d" alone) is refused, as PHP's json_decode() refuses it
(JSON_ERROR_UTF16), where Python accepts it.
"""

import json
import random
import socket
import struct

import wsraw
from wsraw import (OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT,
                   Closed, Inner, Page, close_payload, frame)


# ------------------------------------------------------------------ frames

def _valid_stream(rng):
    out = [frame(OP_TEXT, "f%d" % rng.randrange(5))]
    for _ in range(rng.randrange(1, 6)):
        k = rng.randrange(6)
        if k == 0:
            out.append(frame(OP_PING, rng.randbytes(rng.randrange(126))))
        elif k == 1:
            out.append(frame(OP_PONG, b"x" * rng.randrange(20)))
        elif k == 2:
            out.append(frame(OP_TEXT, "ab" * rng.randrange(100), fin=False))
            out.append(frame(OP_PING, b"mid"))
            out.append(frame(OP_CONT, "\u00e9" * rng.randrange(100)))
        elif k == 3:
            out.append(frame(OP_BINARY, rng.randbytes(rng.randrange(300))))
        elif k == 4:
            out.append(frame(OP_TEXT, "z" * rng.randrange(70000)))
        else:
            code = rng.choice([1000, 1001, 3000, 4999])
            out.append(frame(OP_CLOSE, close_payload(code, "bye")))
    return b"".join(out)


def _mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(b))
        m = rng.randrange(5)
        if m == 0:
            b[i] ^= 1 << rng.randrange(8)
        elif m == 1:
            b[i] = rng.randrange(256)
        elif m == 2:
            del b[i:i + rng.randrange(1, 8)]
        elif m == 3:
            b[i:i] = rng.randbytes(rng.randrange(1, 8))
        else:
            del b[i:]
        if not b:
            b = bytearray(b"\x81")
    return bytes(b)


def _check_output(case, got):
    """The server's bytes on one connection: well-formed frames only."""
    pos, last, code = 0, None, None
    while pos < len(got):
        assert len(got) - pos >= 2, "case %d: a frame cut short" % case
        b0, b1 = got[pos], got[pos + 1]
        assert b1 & 0x80 == 0, "case %d: masked server frame" % case
        assert b0 & 0x70 == 0, "case %d: RSV bits" % case
        assert last != OP_CLOSE, "case %d: a frame after the close" % case
        n, pos = b1 & 0x7F, pos + 2
        if n == 126:
            n, pos = struct.unpack("!H", got[pos:pos + 2])[0], pos + 2
        elif n == 127:
            n, pos = struct.unpack("!Q", got[pos:pos + 8])[0], pos + 8
        assert len(got) - pos >= n, "case %d: a frame cut short" % case
        last, payload, pos = b0 & 0x0F, got[pos:pos + n], pos + n
        assert last in (OP_PING, OP_PONG, OP_CLOSE), \
            "case %d: the server sent opcode %d" % (case, last)
        if last == OP_CLOSE and payload:
            code = struct.unpack("!H", payload[:2])[0]
            assert (1000 <= code <= 1003 or 1007 <= code <= 1014 or
                    3000 <= code <= 4999), "case %d: close %d" % (case, code)
            payload[2:].decode("utf-8")
    return code


def frames(seed, cases):
    """Returns {close code or None: count}."""
    rng = random.Random(seed)
    codes = {}
    for case in range(cases):
        data = _valid_stream(rng)
        if rng.random() < 0.8:
            data = _mutate(rng, data)
        p = Page()
        try:
            p.send(data)
            p.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass                # closed on us mid-send: read what came
        try:
            got = p.read_to_eof(3)
        except ConnectionResetError:
            got = p.buf
        except socket.timeout:
            raise AssertionError("case %d: still open 3 s after our FIN"
                                 % case)
        code = _check_output(case, got)
        codes[code] = codes.get(code, 0) + 1
        p.close()
    return codes


# ------------------------------------------------------------------- lines

def _value(rng, depth=0):
    k = rng.randrange(9 if depth < 4 else 6)
    if k == 0:
        return rng.choice([True, False, None])
    if k == 1:
        return rng.randrange(-10 ** 6, 10 ** 6)
    if k == 2:
        return rng.random() * 1e3
    if k == 3:
        return "".join(rng.choice("a\u00e9\u6f22\U0001F600\"\\/\b\f\n\r\t\x01 ")
                       for _ in range(rng.randrange(8)))
    if k == 4:
        return rng.choice(["", "x", "uid"])
    if k == 5:
        return 10 ** rng.randrange(30)
    if k == 6:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["uid", "a", "", "\u00e9"]): _value(rng, depth + 1)
            for _ in range(rng.randrange(4))}


BOUND = ("u1", "42", "0", "\u00e9\U0001F600")


def _line(rng):
    obj = {}
    if rng.random() < 0.9:
        obj["uid"] = rng.choice([_value(rng), "u1", 42, -0, 0,
                                 "\u00e9\U0001F600",
                                 "x" * rng.choice([255, 256, 257])])
    for _ in range(rng.randrange(3)):
        obj[rng.choice(["a", "b", "uid"])] = _value(rng)
    s = json.dumps(obj, ensure_ascii=rng.random() < 0.5,
                   separators=rng.choice([(",", ":"), (", ", ": ")]))
    if rng.random() < 0.2:
        s = rng.choice([" ", "\t"]) + s + rng.choice(["", " ", "\t"])
    if rng.random() < 0.6:
        t = list(s)
        for _ in range(rng.randrange(1, 3)):
            i = rng.randrange(len(t) + 1)
            m = rng.randrange(4)
            if m == 0 and i < len(t):
                del t[i]
            elif m == 1:
                t.insert(i, rng.choice('{}[]",:\\0123456789eE.+-tfnu \t'))
            elif m == 2 and i < len(t):
                t[i] = rng.choice('{}[]",:\\0eE.-x\x7f')
            else:
                t.insert(i, rng.choice(["\\u00e9", "\\ud83d", "\\ude00",
                                        "\\uD83D\\uDE00", "true", "null",
                                        "1e5", "-0", "0.5"]))
        s = "".join(t)
    return s


def _reject(const):
    raise ValueError(const)


def _utf8(x):
    """Raise UnicodeEncodeError if any string in x has a lone surrogate."""
    if isinstance(x, str):
        x.encode("utf-8")
    elif isinstance(x, list):
        for y in x:
            _utf8(y)
    elif isinstance(x, dict):
        for k, y in x.items():
            _utf8(k)
            _utf8(y)


def expected(line):
    """The reply the server should give to a line, per the reference:
    "ok", "fail", "error REASON", or "error" (any reason)."""
    try:
        v = json.loads(line, parse_constant=_reject)
        _utf8(v)
    except (ValueError, RecursionError, UnicodeEncodeError):
        return "error"
    if not isinstance(v, dict):
        return "error not a JSON object"
    if "uid" not in v:
        return "error missing uid"
    u = v["uid"]
    if isinstance(u, bool) or not isinstance(u, (str, int)):
        return "error uid must be a string or an integer"
    u = str(u)
    if u == "":
        return "error empty uid"
    if len(u.encode("utf-8")) > 256:
        return "error uid too long"
    return "ok" if u in BOUND else "fail"


def lines(seed, cases):
    """Returns {reply kind: count}."""
    rng = random.Random(seed)
    pages = {u: Page(bind=u) for u in BOUND}
    for u in BOUND:
        wsraw.wait_online(u)
    b = Inner()
    kinds = {}
    for case in range(cases):
        line = _line(rng)
        if "\n" in line or line.strip(" \t\r") == "":
            continue
        want = expected(line)
        got = b.request(line)
        assert got == want or (want == "error" and got.startswith("error ")), \
            "case %d: %r: expected %r, got %r" % (case, line, want, got)
        kind = got.split(" ")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
        if got == "ok":
            u = str(json.loads(line)["uid"])
            msg = line.rstrip("\r")
            assert pages[u].recv_text() == msg, "case %d: %r" % (case, line)
    for u, p in pages.items():
        assert p.nothing_for(0.05), "page %r got a push nobody sent" % u
    return kinds
