#!/usr/bin/env bats
# wss:// through a real proxy: Debian's nginx runs docs/nginx.conf (the
# file the docs tell operators to install, with only the port, the
# certificate and the upstream address put in) with a self-signed
# certificate made here by openssl, in front of a wspush server. A real
# client (Python websockets) connects through wss://, binds a uid and
# receives a push; the server's log names the client by the address
# nginx put in X-Forwarded-For.
#
# nginx runs in the foreground, one process (daemon off, master_process
# off), with every path it writes under the test's temporary directory,
# so it needs no root; as root (CI) it does not switch users either.
# The client connects from 127.0.0.2 (Linux routes all of 127/8 to the
# loopback) so that its address differs from the proxy's, 127.0.0.1.

load lib/helpers

setup() {
    T="$BATS_TEST_TMPDIR"
    # Debian puts nginx in /usr/sbin, which a normal user's PATH lacks.
    NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    [ -x "$NGINX" ] || { echo "nginx missing: run tests/deps.sh"; false; }
    command -v openssl >/dev/null || { echo "openssl missing: run tests/deps.sh"; false; }
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 2 \
        -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
        2>"$T/openssl.err" || { cat "$T/openssl.err"; false; }
}

teardown() {
    if [ -n "${NGINX_PID:-}" ]; then
        kill -TERM "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
    fi
    if [ -n "${SERVER_PID:-}" ]; then
        assert_server_alive
        stop_server
        [ "$SERVER_STATUS" -eq 0 ]
        ! grep -q 'Sanitizer\|runtime error' "$SERVER_ERR" || false
    fi
}

# Replace the documented line matching $1 (a sed regex) with $2 in
# $T/wspush.conf; it must match exactly once, so a change to the
# documented file breaks this test instead of slipping past it.
put_in() {
    local n
    n=$(grep -c -- "$1" "$T/wspush.conf" || true)
    [ "$n" -eq 1 ] || { echo "docs/nginx.conf: '$1' matches $n lines, not 1"; return 1; }
    sed -i "s|$1|$2|" "$T/wspush.conf"
}

# Start nginx with docs/nginx.conf on a free port in front of WS_PORT;
# NGX_PORT is then its TLS port.
start_nginx() {
    local try i
    for try in 1 2 3; do
        NGX_PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        cp "$TOP/docs/nginx.conf" "$T/wspush.conf"
        put_in '^    listen 443 ssl;$' "    listen 127.0.0.1:$NGX_PORT ssl;"
        put_in '^    server 127\.0\.0\.1:1234;$' "    server 127.0.0.1:$WS_PORT;"
        put_in '^    ssl_certificate  *[^ ]*;$' "    ssl_certificate $T/cert.pem;"
        put_in '^    ssl_certificate_key  *[^ ]*;$' "    ssl_certificate_key $T/key.pem;"
        mkdir -p "$T/nginx"
        cat >"$T/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log info;
events { worker_connections 64; }
http {
    access_log $T/nginx/access.log;
    client_body_temp_path $T/nginx/body;
    proxy_temp_path $T/nginx/proxy;
    fastcgi_temp_path $T/nginx/fastcgi;
    uwsgi_temp_path $T/nginx/uwsgi;
    scgi_temp_path $T/nginx/scgi;
    include $T/wspush.conf;
}
EOF
        "$NGINX" -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx.conf" \
            >"$T/nginx/out" 2>&1 &
        NGINX_PID=$!
        for i in $(seq 200); do
            if "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1', $NGX_PORT), 1)" 2>/dev/null; then
                return 0
            fi
            kill -0 "$NGINX_PID" 2>/dev/null || break
            sleep 0.05
        done
        kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null
        NGINX_PID=
        # Someone took the port between our probe and nginx: try another.
        grep -q 'Address already in use' "$T/nginx/error.log" || break
    done
    echo "nginx did not start:"; cat "$T/nginx/out" "$T/nginx/error.log"
    return 1
}

@test "nginx: the documented timeouts are above the heartbeat (30 s + 30 s)" {
    for d in proxy_read_timeout proxy_send_timeout; do
        s=$(sed -n "s/^ *$d \([0-9]*\)s;/\1/p" "$TOP/docs/nginx.conf")
        echo "$d $s"
        [ -n "$s" ]
        [ "$s" -gt 60 ]
    done
    # and nginx itself accepts the file
    start_server
    start_nginx
    "$NGINX" -t -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx.conf"
}

@test "nginx: wss:// through docs/nginx.conf binds and receives a push" {
    start_server --verbose --trusted-proxy 127.0.0.1
    start_nginx
    CERT="$T/cert.pem" NGX_PORT="$NGX_PORT" py <<'EOF'
import asyncio, os, ssl
import websockets
from wsraw import inner, wait_online

async def main():
    ctx = ssl.create_default_context(cafile=os.environ["CERT"])
    uri = "wss://localhost:%s/" % os.environ["NGX_PORT"]
    # A client-supplied X-Forwarded-For: nginx appends the real address,
    # and wspush must take that one, the rightmost.
    async with websockets.connect(uri, ssl=ctx, local_addr=("127.0.0.2", 0),
                                  extra_headers={"X-Forwarded-For": "6.6.6.6"},
                                  open_timeout=10) as ws:
        await ws.send("tls1")
        await asyncio.get_running_loop().run_in_executor(None, wait_online, "tls1")
        assert inner('{"uid":"tls1","percent":"88%"}') == "ok"
        got = await asyncio.wait_for(ws.recv(), 10)
        assert got == '{"uid":"tls1","percent":"88%"}', got
    print("received through wss://")

asyncio.run(main())
EOF
    cat "$SERVER_ERR"
    grep -Eq 'info 127\.0\.0\.1:[0-9]+: forwarded for 127\.0\.0\.2$' "$SERVER_ERR"
    grep -Eq "info 127\.0\.0\.2 via :[0-9]+: bound to uid 'tls1'$" "$SERVER_ERR"
    ! grep -q '6\.6\.6\.6' "$SERVER_ERR" || false
}

@test "nginx: heartbeats pass through; an idle page stays connected" {
    # Pings every second: nginx relays them both ways and the page's
    # pongs keep it alive well past several intervals.
    start_server --verbose --trusted-proxy 127.0.0.1 --ping-interval 1 --ping-timeout 2
    start_nginx
    CERT="$T/cert.pem" NGX_PORT="$NGX_PORT" py <<'EOF'
import asyncio, os, ssl
import websockets
from wsraw import inner, wait_online

async def main():
    ctx = ssl.create_default_context(cafile=os.environ["CERT"])
    uri = "wss://localhost:%s/" % os.environ["NGX_PORT"]
    # ping_interval=None: the client sends no pings of its own; it only
    # answers the server's.
    async with websockets.connect(uri, ssl=ctx, ping_interval=None,
                                  open_timeout=10) as ws:
        await ws.send("idle")
        await asyncio.get_running_loop().run_in_executor(None, wait_online, "idle")
        await asyncio.sleep(4)
        assert inner('{"uid":"idle"}') == "ok"
        assert await asyncio.wait_for(ws.recv(), 10) == '{"uid":"idle"}'

asyncio.run(main())
EOF
    ! grep -q 'ping timeout' "$SERVER_ERR" || false
}
