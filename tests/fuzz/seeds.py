"""seeds -- write the seed corpus of each fuzz target.

    /usr/bin/python3 tests/fuzz/seeds.py

Writes tests/fuzz/corpus/NAME/seed-* (run it again after changing it; the
files are committed). Inputs that libFuzzer found and that were kept as
regression tests live beside them under other names and are left alone.
Each target's input layout is described at the top of its fuzz_NAME.c.
"""

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
SEED4 = b"\x2a\x17\x05\x93"             # generator seed for the pieces


def mask(payload, key):
    return bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def frame(op, payload=b"", fin=True, rsv=0, key=b"\x37\xfa\x21\x3d",
          form=None):
    n = len(payload)
    b0 = (0x80 if fin else 0) | rsv << 4 | op
    form = form or (7 if n < 126 else 16 if n < 65536 else 64)
    if form == 7:
        head = struct.pack("!BB", b0, 0x80 | n)
    elif form == 16:
        head = struct.pack("!BBH", b0, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", b0, 0x80 | 127, n)
    return head + key + mask(payload, key)


def frames():
    cap = b"\x10"                       # 1 << 16: a 64 KiB cap
    small = b"\x86"                     # (1 << 8) - 1: a 255-byte cap
    k = "κόσμε".encode()
    return {
        "hello": cap + SEED4 + bytes.fromhex("818537fa213d7f9f4d5158"),
        "hel-lo": cap + SEED4 + frame(1, b"Hel", fin=False) + frame(0, b"lo"),
        "ping-between": cap + SEED4 + frame(2, b"\x00\x01", fin=False)
        + frame(9, b"ping") + frame(0, b"\x02"),
        "close": cap + SEED4 + frame(8, b"\x03\xe8bye") + frame(1, b"late"),
        "close-empty": cap + SEED4 + frame(8),
        "close-bad-code": cap + SEED4 + frame(8, b"\x03\xed"),
        "close-bad-utf8": cap + SEED4 + frame(8, b"\x03\xe8\xff"),
        "len-126": cap + SEED4 + frame(2, bytes(range(126))),
        "len-64bit": b"\x12" + SEED4 + frame(2, b"x" * 70000)[:300],
        "len-not-minimal": cap + SEED4 + frame(1, b"abc", form=16),
        "too-big": small + SEED4 + frame(2, b"y" * 300),
        "kosme-split": cap + SEED4 + b"".join(
            frame(1 if i == 0 else 0, k[i:i + 1], fin=i == len(k) - 1)
            for i in range(len(k))),
        "bad-utf8": cap + SEED4 + frame(1, b"ok\xed\xa0\x80"),
        "rsv": cap + SEED4 + frame(1, b"r", rsv=4),
        "opcode": cap + SEED4 + frame(3, b"o"),
        "unmasked": cap + SEED4 + b"\x81\x02hi",
        "orphan": cap + SEED4 + frame(0, b"c"),
        "pong-ping": cap + SEED4 + frame(10, b"p") + frame(9, b"q" * 125),
    }


def request(extra=b"", key=b"dGhlIHNhbXBsZSBub25jZQ==", version=b"13"):
    return (b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\n"
            b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: " + key + b"\r\n"
            b"Sec-WebSocket-Version: " + version + b"\r\n" + extra + b"\r\n")


def handshakes():
    big = b"\x09"                       # 16 << 9 = 8192
    return {
        "rfc": big + SEED4 + request(b"Origin: http://example.com\r\n"
                                     b"Sec-WebSocket-Protocol: chat, "
                                     b"superchat\r\n"),
        "frames-after": big + SEED4 + request() + b"\x81\x85\x37\xfa",
        "lf-only": big + SEED4 + request().replace(b"\r\n", b"\n"),
        "lowercase": big + SEED4 + request().lower().replace(
            b"dghlihnhbxbszsbub25jzq==", b"dGhlIHNhbXBsZSBub25jZQ=="),
        "version-8": big + SEED4 + request(version=b"8"),
        "bad-key": big + SEED4 + request(key=b"short"),
        "folding": big + SEED4 + request(b"X-A: b\r\n c\r\n"),
        "duplicate-host": big + SEED4 + request(b"Host: again\r\n"),
        "post": big + SEED4 + request().replace(b"GET", b"POST", 1),
        "http10": big + SEED4 + request().replace(b"HTTP/1.1", b"HTTP/1.0"),
        "small-cap": b"\x02" + SEED4 + request(),
        "plain-get": big + SEED4 + b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    }


def inner_lines():
    return {
        "push": b'{"uid":"uid1","percent":"88%"}\n',
        "push-int": b'{"uid":42}\r\n{"uid":-0,"x":[1,2.5e-3,true,null]}\n',
        "escapes": b'{"a":"\\"\\\\\\/\\b\\f\\n\\r\\t","uid":"u\\u0031\\ud83d'
                   b'\\ude00"}\n',
        "commands": b"broadcast hello\nonline uid1\nstats\n\n   \n",
        "errors": b'{"uid":["x"]}\n{"uid":1.5}\n{"uid":""}\n[1]\n'
                  b'stats x\nbroadcast \nfoo\n{"a":1}\n',
        "deep": b"[" * 70 + b"]" * 70 + b"\n" + b'{"uid":"d","a":'
                + b"[" * 60 + b"]" * 60 + b"}\n",
        "bad-utf8": b'{"uid":"\xff"}\n{"uid":"\xed\xa0\x80"}\n',
        "long-uid": b'{"uid":"' + b"u" * 257 + b'"}\n',
    }


def utf8_texts():
    return {
        "kosme": SEED4 + "κόσμε".encode(),
        "boundaries": SEED4 + "\u0000\u007f\u0080\u07ff\u0800\ud7ff\ue000"
        "\uffff\U00010000\U0010ffff".encode("utf-8", "surrogatepass"),
        "overlong": SEED4 + b"\xc0\xaf\xe0\x80\xaf\xf0\x80\x80\xaf",
        "surrogate": SEED4 + b"a\xed\xa0\x80b",
        "too-high": SEED4 + b"\xf4\x90\x80\x80",
        "truncated": SEED4 + b"abc\xe2\x82",
        "five-byte": SEED4 + b"\xf8\x88\x80\x80\x80",
        "long-reason": SEED4 + "é".encode() * 70,
    }


def base64_inputs():
    return {
        "foobar": b"Zm9vYmFy",
        "pad1": b"Zm9vYmE=",
        "pad2": b"Zg==",
        "key": b"dGhlIHNhbXBsZSBub25jZQ==",
        "bad-pad": b"Zh==",
        "bad-char": b"Zm9v\nYmFy",
        "empty": b"",
        "binary": bytes(range(256)),
    }


def main():
    for name, seeds in (("frame", frames()), ("handshake", handshakes()),
                        ("inner", inner_lines()), ("utf8", utf8_texts()),
                        ("base64", base64_inputs())):
        d = os.path.join(HERE, "corpus", name)
        os.makedirs(d, exist_ok=True)
        for seed, data in seeds.items():
            with open(os.path.join(d, "seed-" + seed), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    main()
