"""cases -- the table of RFC 6455 conformance cases, by group.

Every case names the section of RFC 6455 it checks and states what must
come back: the exact bytes (the server's frames are unmasked and use the
shortest length, so they are known to the byte) or the close code the
server must fail the connection with, followed by the server closing TCP.

The server runs as `wspush --echo --max-message MAX`, MAX being
CONFORMANCE_MAX_MESSAGE (default 16 MiB): every message comes back whole,
as one frame of the same type.
"""

import os
import struct

from runner import (Case, Expect, ExpectClose, ExpectEOF, Send, Sentinel,
                    cf, cf_head, cf_key, close_frame, echo, sf,
                    OP_BINARY, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT)

OP_CONT = 0x0
MIB = 1 << 20
MAX = int(os.environ.get("CONFORMANCE_MAX_MESSAGE", 16 * MIB))
FULL_MAX = 16 * MIB


def scale_note():
    """One line saying how large the largest messages are, and why."""
    if MAX >= FULL_MAX:
        return "largest message: %d bytes (%s), the server's --max-message" \
            % (MAX, size(MAX))
    return ("largest message SCALED DOWN to %d bytes (%s) instead of %s by "
            "CONFORMANCE_MAX_MESSAGE (set by the caller, e.g. make "
            "valgrind); the server's --max-message" % (MAX, size(MAX),
                                                       size(FULL_MAX)))


def size(n):
    """'16 MiB', '64 KiB' or '125 B'."""
    if n >= MIB and n % MIB == 0:
        return "%d MiB" % (n // MIB)
    if n >= 1024 and n % 1024 == 0:
        return "%d KiB" % (n // 1024)
    return "%d B" % n


def text(n):
    """Exactly n bytes of valid UTF-8 mixing 1- to 4-byte characters."""
    unit = "aé€😀".encode()                      # 1 + 2 + 3 + 4 bytes
    return unit * (n // len(unit)) + b"x" * (n % len(unit))


def name(op):
    return {OP_TEXT: "text", OP_BINARY: "binary"}[op]


def payload(op, n):
    return text(n) if op == OP_TEXT else os.urandom(n)


def fail(data, code, chunk=None):
    """Steps: send data, expect the connection failed with code."""
    return [Send(data, chunk), ExpectClose(code)]


# ------------------------------------------------------------------------
# Framing: lengths, length encodings, masking (§5.1, §5.2, §5.3, §5.7)
# ------------------------------------------------------------------------

def framing():
    cs = []
    for op in (OP_TEXT, OP_BINARY):
        for n in (0, 1, 125, 126, 127, 128, 65535, 65536, 65537, 200000):
            p = payload(op, n)
            cs.append(Case("len-%s-%d" % (name(op)[0], n), "§5.2 §5.6",
                           "%s frame of %d bytes, sent whole -> echoed "
                           "exactly" % (name(op), n), echo(op, p)))
            if n <= 65537:
                cs.append(Case("len-%s-%d-b" % (name(op)[0], n), "§5.2 §5.6",
                               "%s frame of %d bytes in 1-byte writes -> "
                               "echoed exactly" % (name(op), n),
                               echo(op, p, chunk=1)))
    key = bytes.fromhex("37fa213d")
    cs += [
        Case("rfc-hello", "§5.7",
             "the RFC's masked 'Hello' 81 85 37 fa 21 3d 7f 9f 4d 51 58 -> "
             "81 05 'Hello'",
             [Send(bytes.fromhex("818537fa213d7f9f4d5158")),
              Expect(b"\x81\x05Hello")]),
        Case("rfc-hel-lo", "§5.7 §5.4",
             "the RFC's fragmented 'Hel' + 'lo' (masked) -> 81 05 'Hello'",
             [Send(cf_key(OP_TEXT, b"Hel", key, fin=False)
                   + cf_key(OP_CONT, b"lo", key)),
              Expect(b"\x81\x05Hello")]),
        Case("rfc-ping", "§5.7 §5.5.2",
             "the RFC's ping 'Hello' (masked) -> pong 8a 05 'Hello'",
             [Send(cf_key(OP_PING, b"Hello", key)),
              Expect(b"\x8a\x05Hello")]),
        Case("rfc-256", "§5.7",
             "256-byte binary -> header 82 7e 01 00 and the payload",
             [Send(cf(OP_BINARY, bytes(range(256)))),
              Expect(b"\x82\x7e\x01\x00" + bytes(range(256)))]),
        Case("rfc-64k", "§5.7",
             "65536-byte binary -> header 82 7f 00 00 00 00 00 01 00 00",
             [Send(cf(OP_BINARY, b"\x07" * 65536)),
              Expect(bytes.fromhex("827f0000000000010000") + b"\x07" * 65536)
              ]),
        Case("mask-zero", "§5.3",
             "masking key 00 00 00 00 is a key like any other -> echoed",
             [Send(cf_key(OP_TEXT, b"zero key", b"\0\0\0\0")),
              Expect(sf(OP_TEXT, b"zero key"))]),
        Case("three-in-one", "§5.2",
             "three frames in one write -> three echoes in order",
             [Send(cf(OP_TEXT, b"one") + cf(OP_BINARY, b"\x00two")
                   + cf(OP_TEXT, b"three")),
              Expect(sf(OP_TEXT, b"one") + sf(OP_BINARY, b"\x00two")
                     + sf(OP_TEXT, b"three"))]),
        Case("unmasked-text", "§5.1", "unmasked text frame -> 1002",
             fail(cf(OP_TEXT, b"hi", mask=False), 1002)),
        Case("unmasked-bin", "§5.1", "unmasked empty binary frame -> 1002",
             fail(cf(OP_BINARY, b"", mask=False), 1002)),
        Case("unmasked-ping", "§5.1", "unmasked ping -> 1002, no pong",
             fail(cf(OP_PING, b"hi", mask=False), 1002)),
        Case("unmasked-close", "§5.1", "unmasked close -> 1002",
             fail(cf(OP_CLOSE, close_frame(1000), mask=False), 1002)),
        Case("long-0-as-16", "§5.2", "length 0 in the 16-bit form -> 1002",
             fail(cf(OP_TEXT, b"", length_form=16), 1002)),
        Case("long-125-as-16", "§5.2",
             "length 125 in the 16-bit form -> 1002",
             fail(cf(OP_TEXT, b"a" * 125, length_form=16), 1002)),
        Case("long-126-as-64", "§5.2",
             "length 126 in the 64-bit form -> 1002",
             fail(cf(OP_BINARY, b"a" * 126, length_form=64), 1002)),
        Case("long-65535-as-64", "§5.2",
             "length 65535 in the 64-bit form -> 1002",
             fail(cf(OP_BINARY, b"a" * 65535, length_form=64), 1002)),
        Case("len-top-bit", "§5.2",
             "64-bit length with its top bit set (header only) -> 1002",
             fail(b"\x82\xff\x80" + b"\0" * 7 + b"\0\0\0\0", 1002)),
        Case("len-over-max", "§10.4 §7.4.1",
             "header announcing %d bytes (max + 1), no payload sent -> 1009"
             % (MAX + 1), fail(cf_head(OP_BINARY, MAX + 1), 1009)),
        Case("len-2^63-1", "§10.4 §7.4.1",
             "header announcing 2^63 - 1 bytes, no payload sent -> 1009",
             fail(cf_head(OP_TEXT, 2 ** 63 - 1), 1009)),
    ]
    return cs


# ------------------------------------------------------------------------
# Ping and pong (§5.5, §5.5.2, §5.5.3)
# ------------------------------------------------------------------------

def ping():
    cs = []
    for n in (0, 1, 125):
        p = os.urandom(n)
        cs.append(Case("ping-%d" % n, "§5.5.2 §5.5.3",
                       "ping with %d payload bytes -> pong with the same "
                       "bytes" % n,
                       [Send(cf(OP_PING, p)), Expect(sf(OP_PONG, p))]))
        cs.append(Case("ping-%d-b" % n, "§5.5.2 §5.5.3",
                       "ping with %d payload bytes in 1-byte writes -> pong"
                       % n, [Send(cf(OP_PING, p), 1), Expect(sf(OP_PONG, p))]))
    all125 = bytes(range(125))
    pings = [("%02d" % i).encode() * (i + 1) for i in range(10)]
    cs += [
        Case("ping-bytes", "§5.5.2",
             "ping with bytes 00..7c (not UTF-8 text) -> pong with them",
             [Send(cf(OP_PING, all125)), Expect(sf(OP_PONG, all125))]),
        Case("ping-126", "§5.5", "ping of 126 bytes -> 1002, no pong",
             fail(cf(OP_PING, b"x" * 126), 1002)),
        Case("ping-64bit", "§5.5",
             "ping announcing 65536 bytes (header only) -> 1002",
             fail(cf_head(OP_PING, 65536), 1002)),
        Case("ten-pings", "§5.5.2",
             "10 pings in one write -> 10 pongs, same payloads, in order",
             [Send(b"".join(cf(OP_PING, p) for p in pings)),
              Expect(b"".join(sf(OP_PONG, p) for p in pings),
                     "10 pongs in order")]),
        Case("ten-pings-apart", "§5.5.2",
             "10 pings one at a time -> a pong after each",
             sum(([Send(cf(OP_PING, p)), Expect(sf(OP_PONG, p))]
                  for p in pings), [])),
        Case("pong-empty", "§5.5.3",
             "unsolicited empty pong -> nothing (next bytes: sentinel pong)",
             [Send(cf(OP_PONG)), Sentinel()]),
        Case("pong-125", "§5.5.3",
             "unsolicited 125-byte pong -> nothing",
             [Send(cf(OP_PONG, all125)), Sentinel()]),
        Case("pong-ten", "§5.5.3", "10 unsolicited pongs -> nothing",
             [Send(b"".join(cf(OP_PONG, p) for p in pings)), Sentinel()]),
        Case("pong-126", "§5.5", "pong of 126 bytes -> 1002",
             fail(cf(OP_PONG, b"x" * 126), 1002)),
        Case("ping-then-text", "§5.5.2 §5.4",
             "ping and text in one write -> pong, then the echo",
             [Send(cf(OP_PING, b"p") + cf(OP_TEXT, b"t")),
              Expect(sf(OP_PONG, b"p") + sf(OP_TEXT, b"t"))]),
        Case("text-ping-text", "§5.5.2 §5.4",
             "text, ping, text in one write -> echo, pong, echo in order",
             [Send(cf(OP_TEXT, b"1") + cf(OP_PING, b"2") + cf(OP_TEXT, b"3")),
              Expect(sf(OP_TEXT, b"1") + sf(OP_PONG, b"2")
                     + sf(OP_TEXT, b"3"))]),
    ]
    return cs


# ------------------------------------------------------------------------
# Reserved bits and opcodes (§5.2)
# ------------------------------------------------------------------------

def reserved():
    cs = []
    for rsv in range(1, 8):
        cs.append(Case("rsv-%d" % rsv, "§5.2",
                       "text frame with RSV bits %d%d%d -> 1002" % (
                           rsv >> 2, rsv >> 1 & 1, rsv & 1),
                       fail(cf(OP_TEXT, b"rsv", rsv=rsv), 1002)))
    for op, what in ((OP_BINARY, "binary"), (OP_PING, "ping"),
                     (OP_PONG, "pong"), (OP_CLOSE, "close")):
        cs.append(Case("rsv1-%s" % what, "§5.2",
                       "%s frame with RSV1 -> 1002" % what,
                       fail(cf(op, b"\x03\xe8" if op == OP_CLOSE else b"x",
                               rsv=4), 1002)))
    cs += [
        Case("rsv1-cont", "§5.2 §5.4",
             "continuation frame with RSV1 inside a message -> 1002",
             fail(cf(OP_TEXT, b"a", fin=False) + cf(OP_CONT, b"b", rsv=4),
                  1002)),
        Case("rsv-empty", "§5.2", "empty text frame with RSV3 -> 1002",
             fail(cf(OP_TEXT, b"", rsv=1), 1002)),
        Case("rsv-first-byte", "§5.2",
             "only the first byte (0xc1: FIN, RSV1, text) -> 1002 at once",
             fail(b"\xc1", 1002)),
        Case("rsv-after-echo", "§5.2",
             "a good frame then an RSV2 frame -> echo, then 1002",
             echo(OP_TEXT, b"before") +
             fail(cf(OP_TEXT, b"after", rsv=2), 1002)),
    ]
    for op in list(range(3, 8)) + list(range(0xB, 0x10)):
        cs.append(Case("opcode-%x" % op, "§5.2",
                       "reserved opcode 0x%x with a payload -> 1002" % op,
                       fail(cf(op, b"reserved"), 1002)))
        cs.append(Case("opcode-%x-1" % op, "§5.2",
                       "reserved opcode 0x%x, first byte only -> 1002 at once"
                       % op, fail(bytes([0x80 | op]), 1002)))
    cs += [
        Case("opcode-3-nofin", "§5.2",
             "reserved opcode 0x3 with FIN clear -> 1002",
             fail(cf(3, b"x", fin=False), 1002)),
        Case("opcode-b-nofin", "§5.2",
             "reserved opcode 0xb with FIN clear -> 1002",
             fail(cf(0xB, b"", fin=False), 1002)),
        Case("opcode-in-msg", "§5.2 §5.4",
             "reserved opcode 0x4 between fragments -> 1002",
             fail(cf(OP_TEXT, b"a", fin=False) + cf(4, b"b"), 1002)),
    ]
    return cs


# ------------------------------------------------------------------------
# Fragmentation (§5.4)
# ------------------------------------------------------------------------

def frags(op, parts):
    """A message as frames: the first of type op, the rest continuations;
    FIN on the last."""
    last = len(parts) - 1
    return b"".join(cf(op if i == 0 else OP_CONT, p, fin=i == last)
                    for i, p in enumerate(parts))


def fragments():
    k = "κόσμε".encode()
    cs = [
        Case("two", "§5.4", "text in 2 fragments -> one text frame",
             [Send(frags(OP_TEXT, [b"Hello, ", b"world"])),
              Expect(sf(OP_TEXT, b"Hello, world"))]),
        Case("three", "§5.4", "text in 3 fragments -> one text frame",
             [Send(frags(OP_TEXT, [b"a", b"b", b"c"])),
              Expect(sf(OP_TEXT, b"abc"))]),
        Case("binary-two", "§5.4", "binary in 2 fragments -> one binary frame",
             [Send(frags(OP_BINARY, [b"\x00\xff", b"\x80"])),
              Expect(sf(OP_BINARY, b"\x00\xff\x80"))]),
        Case("per-byte", "§5.4 §8.1",
             "'κόσμε' in one fragment per byte (code points split) -> whole",
             [Send(frags(OP_TEXT, [k[i:i + 1] for i in range(len(k))])),
              Expect(sf(OP_TEXT, k))]),
        Case("per-byte-b", "§5.4 §8.1",
             "'κόσμε' one fragment per byte, in 1-byte writes -> whole",
             [Send(frags(OP_TEXT, [k[i:i + 1] for i in range(len(k))]), 1),
              Expect(sf(OP_TEXT, k))]),
        Case("binary-100", "§5.4",
             "binary in 100 fragments of 1 byte -> one frame of 100",
             [Send(frags(OP_BINARY, [bytes([i]) for i in range(100)])),
              Expect(sf(OP_BINARY, bytes(range(100))))]),
        Case("empty-first", "§5.4", "empty first fragment, then data",
             [Send(frags(OP_TEXT, [b"", b"data"])),
              Expect(sf(OP_TEXT, b"data"))]),
        Case("empty-last", "§5.4", "data, then an empty final fragment",
             [Send(frags(OP_TEXT, [b"data", b""])),
              Expect(sf(OP_TEXT, b"data"))]),
        Case("all-empty", "§5.4",
             "three empty fragments -> one empty text frame 81 00",
             [Send(frags(OP_TEXT, [b"", b"", b""])), Expect(b"\x81\x00")]),
        Case("ping-between", "§5.4 §5.5",
             "ping between fragments -> pong at once, before the message "
             "ends; then the message",
             [Send(cf(OP_TEXT, b"first ", fin=False)),
              Send(cf(OP_PING, b"now")), Expect(sf(OP_PONG, b"now")),
              Send(cf(OP_CONT, b"last")),
              Expect(sf(OP_TEXT, b"first last"))]),
        Case("pings-between", "§5.4 §5.5",
             "3 pings between fragments in 1-byte writes -> 3 pongs at once",
             [Send(cf(OP_BINARY, b"\x01", fin=False)
                   + cf(OP_PING, b"a") + cf(OP_PING, b"b")
                   + cf(OP_CONT, b"\x02", fin=False) + cf(OP_PING, b"c"), 1),
              Expect(sf(OP_PONG, b"a") + sf(OP_PONG, b"b")
                     + sf(OP_PONG, b"c")),
              Send(cf(OP_CONT, b"\x03")),
              Expect(sf(OP_BINARY, b"\x01\x02\x03"))]),
        Case("pong-between", "§5.4 §5.5.3",
             "unsolicited pong between fragments -> ignored; the message",
             [Send(cf(OP_TEXT, b"a", fin=False) + cf(OP_PONG, b"x")
                   + cf(OP_CONT, b"b")),
              Expect(sf(OP_TEXT, b"ab"))]),
        Case("close-between", "§5.4 §5.5.1",
             "close 1000 between fragments -> close 1000 echoed, the "
             "message never",
             [Send(cf(OP_TEXT, b"never", fin=False)
                   + cf(OP_CLOSE, close_frame(1000))),
              Expect(sf(OP_CLOSE, close_frame(1000))), ExpectEOF()]),
        Case("frag-ping", "§5.5", "ping with FIN clear -> 1002",
             fail(cf(OP_PING, b"x", fin=False), 1002)),
        Case("frag-ping-cont", "§5.5",
             "ping with FIN clear then a continuation -> 1002",
             fail(cf(OP_PING, b"x", fin=False) + cf(OP_CONT, b"y"), 1002)),
        Case("frag-pong", "§5.5", "pong with FIN clear -> 1002",
             fail(cf(OP_PONG, b"", fin=False), 1002)),
        Case("frag-close", "§5.5", "close with FIN clear -> 1002",
             fail(cf(OP_CLOSE, close_frame(1000), fin=False), 1002)),
        Case("orphan", "§5.4",
             "continuation (FIN set) with no message open -> 1002",
             fail(cf(OP_CONT, b"orphan"), 1002)),
        Case("orphan-nofin", "§5.4",
             "continuation (FIN clear) with no message open -> 1002",
             fail(cf(OP_CONT, b"orphan", fin=False), 1002)),
        Case("orphan-after", "§5.4",
             "continuation after a finished message -> echo, then 1002",
             echo(OP_TEXT, b"done") + fail(cf(OP_CONT, b"more"), 1002)),
        Case("text-in-text", "§5.4",
             "text frame inside an open text message -> 1002",
             fail(cf(OP_TEXT, b"a", fin=False) + cf(OP_TEXT, b"b"), 1002)),
        Case("binary-in-text", "§5.4",
             "binary frame inside an open text message -> 1002",
             fail(cf(OP_TEXT, b"a", fin=False) + cf(OP_BINARY, b"b"), 1002)),
        Case("text-in-binary", "§5.4",
             "text frame (FIN clear) inside an open binary message -> 1002",
             fail(cf(OP_BINARY, b"a", fin=False)
                  + cf(OP_TEXT, b"b", fin=False), 1002)),
        Case("frags-over-max", "§5.4 §10.4",
             "10 bytes, then a fragment announcing max - 9 (total max + 1), "
             "no payload -> 1009",
             fail(cf(OP_BINARY, b"0123456789", fin=False)
                  + cf_head(OP_CONT, MAX - 9), 1009)),
    ]
    return cs


# ------------------------------------------------------------------------
# UTF-8 (§8.1, §5.6): valid text split anywhere, every invalid class
# ------------------------------------------------------------------------

VALID = [
    ("U+0000", "\u0000"), ("U+007F", "\u007f"), ("U+0080", "\u0080"),
    ("U+07FF", "\u07ff"), ("U+0800", "\u0800"), ("U+D7FF", "\ud7ff"),
    ("U+E000", "\ue000"), ("U+FEFF", "\ufeff"), ("U+FFFD", "\ufffd"),
    ("U+FFFF", "\uffff"), ("U+10000", "\U00010000"),
    ("U+10FFFF", "\U0010ffff"), ("kosme", "κόσμε"),
]

# (id, class, bytes, index of the first byte that makes them invalid)
INVALID = [
    ("cont-80", "lone continuation byte", b"\x80", 0),
    ("cont-bf", "lone continuation byte", b"\xbf", 0),
    ("cont-after", "continuation after a whole character", b"\xc3\xa9\x80",
     2),
    ("c0", "overlong 2-byte (C0 80 = U+0000)", b"\xc0\x80", 0),
    ("c1", "overlong 2-byte (C1 BF = U+007F)", b"\xc1\xbf", 0),
    ("e0-80", "overlong 3-byte (E0 80 80)", b"\xe0\x80\x80", 1),
    ("e0-9f", "overlong 3-byte (E0 9F BF = U+07FF)", b"\xe0\x9f\xbf", 1),
    ("f0-80", "overlong 4-byte (F0 80 80 80)", b"\xf0\x80\x80\x80", 1),
    ("f0-8f", "overlong 4-byte (F0 8F BF BF = U+FFFF)", b"\xf0\x8f\xbf\xbf",
     1),
    ("d800", "surrogate U+D800 (ED A0 80)", b"\xed\xa0\x80", 1),
    ("dbff", "surrogate U+DBFF (ED AF BF)", b"\xed\xaf\xbf", 1),
    ("dc00", "surrogate U+DC00 (ED B0 80)", b"\xed\xb0\x80", 1),
    ("dfff", "surrogate U+DFFF (ED BF BF)", b"\xed\xbf\xbf", 1),
    ("pair", "surrogate pair U+D83D U+DE00 as CESU-8",
     b"\xed\xa0\xbd\xed\xb8\x80", 1),
    ("110000", "U+110000 (F4 90 80 80)", b"\xf4\x90\x80\x80", 1),
    ("13ffff", "U+13FFFF (F4 BF BF BF)", b"\xf4\xbf\xbf\xbf", 1),
    ("f5", "lead byte F5 (U+140000 and up)", b"\xf5\x80\x80\x80", 0),
    ("f7", "lead byte F7", b"\xf7\xbf\xbf\xbf", 0),
    ("f8", "5-byte form F8 88 80 80 80", b"\xf8\x88\x80\x80\x80", 0),
    ("fc", "6-byte form FC 84 80 80 80 80", b"\xfc\x84\x80\x80\x80\x80", 0),
    ("fe", "byte FE", b"\xfe", 0),
    ("ff", "byte FF", b"\xff", 0),
    ("trunc-2", "2-byte sequence cut short by ASCII", b"\xc2A", 1),
    ("trunc-3", "3-byte sequence cut short by ASCII", b"\xe2\x82A", 2),
    ("trunc-3b", "3-byte sequence cut after its lead", b"\xe2A", 1),
    ("trunc-4", "4-byte sequence cut short by ASCII", b"\xf0\x9f\x98A", 3),
    ("trunc-lead", "2-byte sequence cut short by a lead byte", b"\xc2\xc2",
     1),
    ("kosme-d800", "'κόσμε' then a surrogate (ED A0 80) then 'edited'",
     "κόσμε".encode() + b"\xed\xa0\x80edited", 12),
]


def utf8():
    cs = []
    for cid, s in VALID:
        b = ("<" + s + ">").encode()
        cs.append(Case("ok-%s" % cid, "§8.1 §5.6",
                       "'<%s>' as one frame -> echoed exactly" % cid,
                       echo(OP_TEXT, b)))
        cs.append(Case("ok-%s-f" % cid, "§8.1 §5.4",
                       "'<%s>' one fragment per byte -> echoed whole" % cid,
                       [Send(frags(OP_TEXT, [b[i:i + 1]
                                             for i in range(len(b))])),
                        Expect(sf(OP_TEXT, b))]))
        cs.append(Case("ok-%s-b" % cid, "§8.1",
                       "'<%s>' as one frame in 1-byte writes -> echoed" % cid,
                       echo(OP_TEXT, b, chunk=1)))
    for cid, what, seq, bad in INVALID:
        data = b"ok " + seq
        cut = 3 + bad + 1           # bytes up to and including the bad one
        # The frame announces 20 bytes more than we ever send: the server
        # must not wait for them.
        head = cf_head(OP_TEXT, len(data) + 20)
        cs.append(Case("bad-%s" % cid, "§8.1 §5.6",
                       "%s: sent up to the bad byte only -> 1007" % what,
                       fail(head + data[:cut], 1007)))
        cs.append(Case("bad-%s-b" % cid, "§8.1 §5.6",
                       "%s: 1-byte writes up to the bad byte -> 1007" % what,
                       fail(head + data[:cut], 1007, chunk=1)))
        first = cf(OP_TEXT, data[:cut - 1], fin=False)
        cs.append(Case("bad-%s-f" % cid, "§8.1 §5.4",
                       "%s: the bad byte opens the next fragment -> 1007"
                       % what,
                       fail(first + cf_head(OP_CONT, 21) + data[cut - 1:cut],
                            1007)))
    for cid, seq in (("2", b"\xce"), ("3", b"\xe2\x82"),
                     ("4", b"\xf0\x9f\x98")):
        cs.append(Case("end-%s" % cid, "§8.1",
                       "text ending inside a %s-byte sequence -> 1007" % cid,
                       fail(cf(OP_TEXT, b"end" + seq), 1007)))
    cs += [
        Case("end-frag", "§8.1 §5.4",
             "fragment ending mid-character, then an empty final -> 1007",
             fail(cf(OP_TEXT, b"\xe2\x82", fin=False) + cf(OP_CONT, b""),
                  1007)),
        Case("split-ping", "§8.1 §5.4",
             "'€' split across fragments with a ping between -> pong, '€'",
             [Send(cf(OP_TEXT, b"\xe2", fin=False) + cf(OP_PING, b"p")),
              Expect(sf(OP_PONG, b"p")),
              Send(cf(OP_CONT, b"\x82\xac")), Expect(sf(OP_TEXT, b"\xe2\x82"
                                                            b"\xac"))]),
        Case("late-bad", "§8.1 §5.6",
             "65536 valid bytes, then FF, of 200000 announced -> 1007 "
             "without the rest",
             fail(cf_head(OP_TEXT, 200000) + text(65536) + b"\xff", 1007)),
        Case("second-msg", "§8.1",
             "valid message echoed; the next one invalid -> 1007",
             echo(OP_TEXT, b"fine") + fail(cf(OP_TEXT, b"\xc0\xaf"), 1007)),
        Case("binary-any", "§5.6",
             "binary with invalid UTF-8 (C0 AF ED A0 80 FF) -> echoed as is",
             echo(OP_BINARY, b"\xc0\xaf\xed\xa0\x80\xff")),
    ]
    return cs


# ------------------------------------------------------------------------
# Closing (§5.5.1, §7.1, §7.4)
# ------------------------------------------------------------------------

# §7.4.1 defines 1000-1003 and 1007-1011, IANA has added 1012-1014, and
# 3000-4999 are for libraries and applications; 1004-1006 and 1015 must
# never be sent, and the rest is unassigned.
VALID_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012,
               1013, 1014, 3000, 3001, 3999, 4000, 4001, 4999]
INVALID_CODES = [0, 1, 999, 1004, 1005, 1006, 1015, 1016, 1100, 1999, 2000,
                 2999, 5000, 65535]


def closing():
    cs = []
    for code in VALID_CODES:
        cs.append(Case("code-%d" % code, "§7.4 §5.5.1",
                       "close %d -> close %d echoed (88 02 ...), TCP closed"
                       % (code, code),
                       [Send(cf(OP_CLOSE, close_frame(code))),
                        Expect(sf(OP_CLOSE, close_frame(code))),
                        ExpectEOF()]))
    for code in INVALID_CODES:
        cs.append(Case("code-%d" % code, "§7.4.1 §7.4.2",
                       "close with invalid code %d -> 1002" % code,
                       fail(cf(OP_CLOSE, close_frame(code)), 1002)))
    r123 = ("é" * 61 + "x").encode()              # 123 bytes of UTF-8
    cs += [
        Case("empty", "§5.5.1 §7.1.5",
             "close with no payload -> 88 00 (no code back), TCP closed",
             [Send(cf(OP_CLOSE)), Expect(b"\x88\x00"), ExpectEOF()]),
        Case("reason", "§5.5.1",
             "close 1000 'bye' -> 88 02 03 e8",
             [Send(cf(OP_CLOSE, close_frame(1000, b"bye"))),
              Expect(b"\x88\x02\x03\xe8"), ExpectEOF()]),
        Case("reason-utf8", "§5.5.1",
             "close 1001 'κόσμε' -> 88 02 03 e9",
             [Send(cf(OP_CLOSE, close_frame(1001, "κόσμε".encode()))),
              Expect(b"\x88\x02\x03\xe9"), ExpectEOF()]),
        Case("reason-123", "§5.5 §5.5.1",
             "close 1000 with a 123-byte reason (payload 125) -> echoed",
             [Send(cf(OP_CLOSE, close_frame(1000, r123))),
              Expect(b"\x88\x02\x03\xe8"), ExpectEOF()]),
        Case("reason-124", "§5.5",
             "close with a 124-byte reason (payload 126) -> 1002",
             fail(cf(OP_CLOSE, close_frame(1000, b"r" * 124)), 1002)),
        Case("one-byte", "§5.5.1", "close payload of 1 byte -> 1002",
             fail(cf(OP_CLOSE, b"\x03"), 1002)),
        Case("reason-ff", "§5.5.1 §8.1", "close reason FF -> 1007",
             fail(cf(OP_CLOSE, close_frame(1000, b"\xff")), 1007)),
        Case("reason-trunc", "§5.5.1 §8.1",
             "close reason ending mid-character (CE) -> 1007",
             fail(cf(OP_CLOSE, close_frame(1000, b"ok\xce")), 1007)),
        Case("reason-d800", "§5.5.1 §8.1",
             "close reason with a surrogate (ED A0 80) -> 1007",
             fail(cf(OP_CLOSE, close_frame(1000, b"\xed\xa0\x80")), 1007)),
        Case("bytes", "§5.5.1",
             "close 1000 in 1-byte writes -> 88 02 03 e8",
             [Send(cf(OP_CLOSE, close_frame(1000)), 1),
              Expect(b"\x88\x02\x03\xe8"), ExpectEOF()]),
        Case("after-close", "§5.5.1 §1.4",
             "close, text, ping in one write -> only the close echo, then "
             "TCP closed",
             [Send(cf(OP_CLOSE, close_frame(1000)) + cf(OP_TEXT, b"late")
                   + cf(OP_PING, b"late")),
              Expect(b"\x88\x02\x03\xe8"), ExpectEOF()]),
        Case("after-close-junk", "§5.5.1",
             "close then invalid bytes (reserved opcode) -> only the echo",
             [Send(cf(OP_CLOSE, close_frame(1000)) + b"\x83\x00garbage"),
              Expect(b"\x88\x02\x03\xe8"), ExpectEOF()]),
        Case("after-echo", "§5.5.1 §7.1.1",
             "text sent after the close echo arrived -> nothing, TCP closed",
             [Send(cf(OP_CLOSE, close_frame(1000))),
              Expect(b"\x88\x02\x03\xe8"),
              Send(cf(OP_TEXT, b"too late")), ExpectEOF()]),
        Case("server-closes", "§7.1.1",
             "after the close handshake the server closes TCP first, while "
             "the client keeps its side open",
             [Send(cf(OP_CLOSE, close_frame(1000))),
              Expect(b"\x88\x02\x03\xe8"), ExpectEOF()]),
        Case("after-msg", "§5.5.1",
             "text then close in one write -> echo, then close echo",
             [Send(cf(OP_TEXT, b"last") + cf(OP_CLOSE, close_frame(1000))),
              Expect(sf(OP_TEXT, b"last") + b"\x88\x02\x03\xe8"),
              ExpectEOF()]),
    ]
    return cs


# ------------------------------------------------------------------------
# Limits (§10.4): large messages, many fragments, many round trips
# ------------------------------------------------------------------------

class RoundTrips:
    """n messages, each echoed before the next is sent."""

    def __init__(self, n):
        self.n = n

    def __call__(self, c):
        for i in range(self.n):
            p = ("round trip %d" % i).encode()
            Send(cf(OP_TEXT, p))(c)
            Expect(sf(OP_TEXT, p), "echo of round trip %d" % i)(c)


def limits():
    four = min(4 * MIB, MAX)
    big_t, big_b = text(MAX), os.urandom(MAX)
    frag = [big_b[i:i + MIB] for i in range(0, MAX, MIB)]
    small = [("message %d" % i).encode() for i in range(1000)]
    half = MAX // 2
    return [
        Case("1m-text", "§10.4 §5.6", "%s text message -> echoed exactly"
             % size(min(MIB, MAX)), echo(OP_TEXT, text(min(MIB, MAX)))),
        Case("4m-binary", "§10.4 §5.6", "%s binary message -> echoed exactly"
             % size(four), echo(OP_BINARY, os.urandom(four))),
        Case("max-binary", "§10.4 §5.6",
             "%s binary message (the cap) -> echoed exactly" % size(MAX),
             echo(OP_BINARY, big_b)),
        Case("max-text", "§10.4 §8.1",
             "%s text message (the cap), validated -> echoed exactly"
             % size(MAX), echo(OP_TEXT, big_t)),
        Case("max-frags", "§10.4 §5.4",
             "%s in %d fragments of 1 MiB -> one frame" % (size(MAX),
                                                           len(frag)),
             [Send(frags(OP_BINARY, frag)), Expect(sf(OP_BINARY, big_b))]),
        Case("max-ping", "§5.4 §5.5",
             "ping after the first %s of a %s message -> pong at once"
             % (size(half), size(MAX)),
             [Send(cf(OP_BINARY, big_b[:half], fin=False)
                   + cf(OP_PING, b"mid")),
              Expect(sf(OP_PONG, b"mid")),
              Send(cf(OP_CONT, big_b[half:])),
              Expect(sf(OP_BINARY, big_b))]),
        Case("max+1", "§10.4 §7.4.1",
             "%s + 1 byte -> 1009 at the header" % size(MAX),
             fail(cf_head(OP_TEXT, MAX + 1), 1009)),
        Case("4m-in-64", "§5.4 §10.4",
             "%s in %d fragments of 64 bytes -> one frame" % (
                 size(four), four // 64),
             [Send(frags(OP_BINARY, [big_b[i:i + 64]
                                     for i in range(0, four, 64)])),
              Expect(sf(OP_BINARY, big_b[:four]))]),
        Case("1000-trips", "§5.6", "1000 round trips, one at a time",
             [RoundTrips(1000)]),
        Case("1000-piped", "§5.6",
             "1000 messages in one write -> 1000 echoes in order",
             [Send(b"".join(cf(OP_TEXT, p) for p in small)),
              Expect(b"".join(sf(OP_TEXT, p) for p in small),
                     "1000 echoes in order")]),
    ]


GROUPS = {"framing": framing, "ping": ping, "reserved": reserved,
          "fragments": fragments, "utf8": utf8, "closing": closing,
          "limits": limits}


def group(name):
    """The cases of one group (built on demand: limits holds megabytes),
    their ids prefixed with the group's name."""
    cs = GROUPS[name]()
    ids = [c.id for c in cs]
    assert len(ids) == len(set(ids)), "duplicate case id in " + name
    for c in cs:
        c.id = name + "/" + c.id
    return cs
