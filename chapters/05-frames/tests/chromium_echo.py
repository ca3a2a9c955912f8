"""chromium_echo.py -- a real browser talks to the echo server.

Usage: chromium_echo.py WS_PORT WORKDIR

Starts headless Chromium on a page whose script opens a WebSocket to
127.0.0.1:WS_PORT, sends a short and a long message and a binary one, and
writes what came back into the page. The page is read over the DevTools
protocol (Chromium's --dump-dom would read it at the load event, before any
answer has arrived). Prints the page's verdict; exits 1 unless it is "ok".
"""

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request

import websockets

PAGE = """<!doctype html><meta charset="utf-8"><title>echo</title>
<p id="r">waiting</p>
<script>
var out = document.getElementById('r'), got = [];
var long = 'é'.repeat(30000);              // 60000 bytes of UTF-8
var ws = new WebSocket('ws://127.0.0.1:%d/');
ws.binaryType = 'arraybuffer';
ws.onopen = function () {
  ws.send('hello from chromium');
  ws.send(long);
  ws.send(new Uint8Array([0, 1, 2, 255]).buffer);
};
ws.onmessage = function (e) {
  got.push(e.data);
  if (got.length < 3) return;
  var bin = Array.from(new Uint8Array(got[2])).join(',');
  out.textContent = got[0] === 'hello from chromium' && got[1] === long &&
    bin === '0,1,2,255' ? 'ok' : 'wrong echo: ' + got[0] + ' ' + bin;
  ws.close(1000, 'done');
};
ws.onclose = function (e) {
  if (out.textContent === 'ok') out.textContent = 'ok closed ' + e.code;
  else if (out.textContent === 'waiting') out.textContent = 'closed ' + e.code;
};
ws.onerror = function () { out.textContent = 'error'; };
</script>
"""


async def read_page(devtools_port, timeout):
    """Poll the page's verdict over the DevTools protocol."""
    deadline = time.time() + timeout
    while True:
        url = "http://127.0.0.1:%d/json/list" % devtools_port
        targets = json.load(urllib.request.urlopen(url, timeout=5))
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            break
        if time.time() > deadline:
            return "no page target"
        await asyncio.sleep(0.1)
    async with websockets.connect(pages[0]["webSocketDebuggerUrl"],
                                  max_size=None) as dt:
        n = 0
        text = "waiting"
        while time.time() < deadline:
            n += 1
            await dt.send(json.dumps({
                "id": n, "method": "Runtime.evaluate",
                "params": {"expression":
                           "(document.getElementById('r')||{}).textContent",
                           "returnByValue": True}}))
            while True:
                msg = json.loads(await dt.recv())
                if msg.get("id") == n:
                    break
            text = msg.get("result", {}).get("result", {}).get("value")
            if text and text.startswith(("ok closed", "wrong", "error",
                                         "closed")):
                return text
            await asyncio.sleep(0.1)
        return "timed out: %s" % text


def main():
    ws_port, work = int(sys.argv[1]), sys.argv[2]
    page = os.path.join(work, "echo.html")
    with open(page, "w") as f:
        f.write(PAGE % ws_port)
    profile = os.path.join(work, "profile")
    chromium = subprocess.Popen(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
         "--remote-debugging-port=0", "file://" + page],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Chromium writes the port it chose into the profile folder.
        active = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 30
        while not os.path.exists(active) or os.path.getsize(active) == 0:
            if time.time() > deadline or chromium.poll() is not None:
                print("chromium did not start")
                return 1
            time.sleep(0.1)
        with open(active) as f:
            devtools_port = int(f.readline())
        verdict = asyncio.run(read_page(devtools_port, 30))
    finally:
        chromium.terminate()
        try:
            chromium.wait(10)
        except subprocess.TimeoutExpired:
            chromium.kill()
            chromium.wait()
    print(verdict)
    return 0 if verdict == "ok closed 1000" else 1


if __name__ == "__main__":
    sys.exit(main())
