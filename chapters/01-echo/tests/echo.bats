#!/usr/bin/env bats
# Chapter 01: a multi-client echo server over select(). Every line comes
# back to the client that sent it, however the bytes were cut up on the
# way, while other clients are served.

load ../../test_helper

@test "echo: each line comes back, LF or CRLF" {
    start_prog
    py <<'EOF'
from wsraw import *
c = Conn(int(os.environ["PORT"]))
c.send("hello\nworld\r\n\n")
assert c.read_until(b"\n") == b"hello\n"
assert c.read_until(b"\n") == b"world\n"
assert c.read_until(b"\n") == b"\n"
EOF
}

@test "echo: a line sent one byte at a time comes back whole" {
    start_prog
    py <<'EOF'
from wsraw import *
c = Conn(int(os.environ["PORT"]))
c.send("one byte at a time\n", chunk=1, pause=0.005)
assert c.read_until(b"\n") == b"one byte at a time\n"
EOF
}

@test "echo: clients are served at once, each gets its own lines" {
    start_prog
    py <<'EOF'
from wsraw import *
port = int(os.environ["PORT"])
clients = [Conn(port) for i in range(5)]
# Every client leaves half a line pending; none of them blocks the others.
for i, c in enumerate(clients):
    c.send("client %d " % i)
for c in reversed(clients):
    c.send("says hi\n")
for i, c in enumerate(clients):
    assert c.read_until(b"\n") == ("client %d says hi\n" % i).encode()
EOF
}

@test "echo: a 1024-byte line is answered, a longer one refused and closed" {
    start_prog
    py <<'EOF'
from wsraw import *
port = int(os.environ["PORT"])
c = Conn(port)
c.send("x" * 1024 + "\n")
assert c.read_until(b"\n") == b"x" * 1024 + b"\n"
d = Conn(port)
d.send("y" * 1025 + "\n")
assert d.read_to_eof() == b"error line too long\n"
# The others are still served.
c.send("still here\n")
assert c.read_until(b"\n") == b"still here\n"
EOF
}

@test "echo: a client that does not read gets it all later, others meanwhile" {
    start_prog
    py <<'EOF'
import threading
from wsraw import *
port = int(os.environ["PORT"])
slow, other = Conn(port), Conn(port)
# 5 MB: more than the kernel buffers hold, so the server's writes to the
# slow client come up short and the rest waits in its queue.
line = b"z" * 1000 + b"\n"
t = threading.Thread(target=lambda: slow.sock.sendall(line * 5000))
t.start()
time.sleep(0.5)
other.send("meanwhile\n")
assert other.read_until(b"\n") == b"meanwhile\n"
got = slow.read_exact(len(line) * 5000, timeout=30)
t.join()
assert got == line * 5000
EOF
}

@test "echo: a client that vanishes mid-answer does not take the server down" {
    start_prog
    py <<'EOF'
from wsraw import *
port = int(os.environ["PORT"])
for i in range(3):
    c = Conn(port)
    c.sock.sendall(b"a line to echo\n" * 20000)
    # Close without reading, with a reset, while answers are queued: the
    # server's next read or write on it fails (ECONNRESET, EPIPE), and it
    # must close that client only.
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                      struct.pack("ii", 1, 0))
    c.close()
time.sleep(0.3)
d = Conn(port)
d.send("alive?\n")
assert d.read_until(b"\n") == b"alive?\n"
EOF
}

@test "echo: a client that closes its side after writing still gets its lines" {
    start_prog
    py <<'EOF'
from wsraw import *
c = Conn(int(os.environ["PORT"]))
c.send(b"first\nsecond\n" * 1000)
c.sock.shutdown(socket.SHUT_WR)     # as `nc -N` or a pipe into nc does
assert c.read_to_eof() == b"first\nsecond\n" * 1000
EOF
}
