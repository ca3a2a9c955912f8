// web.js -- drive web/web.html and web/seed.html in Debian's Chromium
// against a live wspush server, one scenario per run:
//
//   node tests/browser/web.js SCENARIO
//
// The server is started by tests/browser.bats, which passes its ports in
// WS_PORT and INNER_PORT (and, for "restart", a folder in SYNC_DIR through
// which the two take turns). The browser is playwright-core from
// tests/deps.sh (build/npm), driving /usr/bin/chromium: never a browser
// download. Exit status 0 means every check of the scenario held; a
// failure prints what was expected and what the page showed.
"use strict";

const fs = require("fs");
const net = require("net");
const path = require("path");

const TOP = path.resolve(__dirname, "../..");
const { chromium } = require(path.join(TOP, "build/npm/node_modules/playwright-core"));

const WS_PORT = process.env.WS_PORT;
let INNER_PORT = process.env.INNER_PORT;
// Generous: under valgrind the server answers many times slower.
const WAIT_MS = Number(process.env.BROWSER_WAIT_MS || 30000);

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
  "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run",
];

// Launch Chromium on a fresh temporary profile (playwright's default for
// launch(): its own --user-data-dir, removed on close).
function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    headless: true,
  });
}

function check(ok, what) {
  if (!ok) throw new Error("check failed: " + what);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Poll fn until it returns a truthy value; fail after WAIT_MS.
async function waitFor(what, fn, ms = WAIT_MS) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err.message;
    }
    if (Date.now() > end) throw new Error("timed out waiting for " + what + " (last: " + last + ")");
    await sleep(100);
  }
}

// One request line to the inner port; resolves to the reply line.
function inner(line) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(INNER_PORT), "127.0.0.1");
    let got = "";
    sock.setTimeout(WAIT_MS, () => sock.destroy(new Error("inner port: no reply to " + line)));
    sock.on("connect", () => sock.write(line + "\n"));
    sock.on("data", (d) => {
      got += d;
      const nl = got.indexOf("\n");
      if (nl >= 0) {
        sock.end();
        resolve(got.slice(0, nl));
      }
    });
    sock.on("error", reject);
    sock.on("close", () => reject(new Error("inner port closed before replying to " + line)));
  });
}

// WebSocket handshakes the server has completed so far, from its verbose
// log (bats starts it with --verbose and passes the log's path). Plain
// HTTP connections (the page itself, a favicon, a preconnect) do not count.
function upgrades() {
  return (fs.readFileSync(process.env.SERVER_ERR, "utf8").match(/: upgraded$/gm) || []).length;
}

const waitOnline = (uid, n) =>
  waitFor(uid + " to have " + n + " page(s)", async () => (await inner("online " + uid)) === "ok " + n);

const served = (query) => "http://127.0.0.1:" + WS_PORT + "/" + query;

function state(page) {
  return page.evaluate(() => {
    const s = document.getElementById("state");
    return { name: s.dataset.state, text: s.textContent };
  });
}

async function waitOpen(page, uid) {
  await waitFor("the page to say open as " + uid, async () => {
    const s = await state(page);
    return s.name === "open" && s.text === "open as " + uid;
  });
}

// The messages shown, newest first: their main text and raw line.
function messages(page) {
  return page.$$eval("#log li", (lis) => lis.map((li) => ({
    time: li.querySelector("time").textContent,
    text: li.querySelector(":scope > pre").textContent,
    raw: li.querySelector("details pre") ? li.querySelector("details pre").textContent : null,
  })));
}

async function waitMessage(page, text) {
  return waitFor("the page to show " + JSON.stringify(text), async () =>
    (await messages(page)).find((m) => m.text === text || m.raw === text));
}

// Push one line and insist on the reply.
async function push(line, want = "ok") {
  const reply = await inner(line);
  check(reply === want, "push " + line + " answered " + JSON.stringify(reply) + ", want " + want);
}

/* ---------------------------------------------------------------------- */

const scenarios = {};

// Served from the server itself, the page connects to its own host and
// port, binds its uid, and shows a push pretty-printed with the raw line
// in <details>, and the commands to push to it filled in with its uid.
scenarios.push = async (browser) => {
  const page = await browser.newPage();
  await page.goto(served("?uid=alice"));
  check(await page.inputValue("#server") === "ws://127.0.0.1:" + WS_PORT, "the server field defaults to the page's host");
  await waitOpen(page, "alice");
  await waitOnline("alice", 1);
  const line = '{"uid":"alice","percent":"88%","nested":{"a":[1,2]}}';
  await push(line);
  const m = await waitMessage(page, line);
  check(m.raw === line, "the raw line is kept: " + m.raw);
  check(m.text === JSON.stringify(JSON.parse(line), null, 2), "pretty-printed: " + m.text);
  check(/^\d\d:\d\d:\d\d\.\d\d\d$/.test(m.time), "an arrival time: " + m.time);
  // Newest first; a line that is not JSON is shown as it is, no <details>.
  await push('{"uid":"alice","n":2}');
  await inner("broadcast plain text, not JSON");
  await waitMessage(page, "plain text, not JSON");
  const all = await messages(page);
  check(all.length === 3 && all[0].text === "plain text, not JSON" && all[0].raw === null &&
        all[1].raw === '{"uid":"alice","n":2}' && all[2].raw === line, "order: " + JSON.stringify(all));
  const nc = await page.textContent("#cmd-nc");
  const php = await page.textContent("#cmd-php");
  check(nc.includes('{"uid":"alice","percent":"88%"}'), "nc command: " + nc);
  check(php.includes("array('uid' => 'alice'"), "php command: " + php);
};

// The commands the page shows, for the bats test to run: for a uid full
// of quotes, so the quoting is tested too.
scenarios.commands = async (browser) => {
  const page = await browser.newPage();
  const uid = "o'brien \"\\x\" $HOME";
  await page.goto(served("?uid=" + encodeURIComponent(uid)));
  await waitOpen(page, uid);
  await waitOnline(uid, 1);
  fs.writeFileSync(path.join(process.env.SYNC_DIR, "nc.sh"), await page.textContent("#cmd-nc"));
  fs.writeFileSync(path.join(process.env.SYNC_DIR, "push.php"), await page.textContent("#cmd-php"));
  fs.writeFileSync(path.join(process.env.SYNC_DIR, "ready"), "");
  // bats runs both commands; each push must show up here.
  await waitFor("two pushes from the commands", async () =>
    (await messages(page)).filter((m) => m.raw === JSON.stringify({ uid: uid, percent: "88%" })).length === 2);
};

// Two tabs with one uid both receive a push; a broadcast reaches both.
scenarios.tabs = async (browser) => {
  const context = await browser.newContext();
  const a = await context.newPage();
  const b = await context.newPage();
  await a.goto(served("?uid=shared"));
  await b.goto(served("?uid=shared"));
  await waitOpen(a, "shared");
  await waitOpen(b, "shared");
  await waitOnline("shared", 2);
  const line = '{"uid":"shared","to":"both tabs"}';
  await push(line);
  await waitMessage(a, line);
  await waitMessage(b, line);
  await push("broadcast hello everyone", "ok 2");
  await waitMessage(a, "hello everyone");
  await waitMessage(b, "hello everyone");
};

// The server stops (pages get 1001) and starts again on the same port:
// the page retries with backoff, binds again and receives again.
scenarios.restart = async (browser) => {
  const sync = process.env.SYNC_DIR;
  const page = await browser.newPage();
  await page.goto("file://" + path.join(TOP, "web/web.html") +
                  "?uid=phoenix&server=ws://127.0.0.1:" + WS_PORT);
  await waitOpen(page, "phoenix");
  await waitOnline("phoenix", 1);
  // Record every state the page shows from now on (a backoff state may
  // last a quarter of a second: too short to catch by polling).
  await page.evaluate(() => {
    const s = document.getElementById("state");
    window.states = [];
    new MutationObserver(() => window.states.push(s.dataset.state + ": " + s.textContent))
      .observe(s, { attributes: true, childList: true, characterData: true, subtree: true });
  });
  fs.writeFileSync(path.join(sync, "bound"), "");
  // bats stops the server and starts it again.
  const restarted = path.join(sync, "restarted");
  await waitFor("the server to be restarted", () => fs.existsSync(restarted), WAIT_MS * 2);
  INNER_PORT = fs.readFileSync(restarted, "utf8").trim();
  const names = (await page.evaluate(() => window.states))
    .map((t) => t.replace(/[\d.]+ s \(attempt \d+\)/, "N s")).join(" | ");
  check(names.includes("waiting: closed 1001 server shutting down; reconnecting in N s"),
        "the page saw the 1001 and waited to retry: " + names);
  await waitOpen(page, "phoenix");
  await waitOnline("phoenix", 1);
  const line = '{"uid":"phoenix","after":"restart"}';
  await push(line);
  await waitMessage(page, line);
};

// Pushed text is shown as text: markup in a JSON value or in a plain
// broadcast creates no element and runs no script. From file://, with the
// server in the query string.
scenarios.html = async (browser) => {
  const page = await browser.newPage();
  await page.goto("file://" + path.join(TOP, "web/web.html") +
                  "?uid=mallory&server=ws://127.0.0.1:" + WS_PORT);
  await waitOpen(page, "mallory");
  await waitOnline("mallory", 1);
  const evil = '<img src=x onerror="window.pwned=1"><b id="injected">bold</b>';
  const line = JSON.stringify({ uid: "mallory", html: evil });
  await push(line);
  await inner("broadcast <script>window.pwned=2</script><i id=\"injected2\">x</i>");
  const m = await waitMessage(page, line);
  await waitMessage(page, "<script>window.pwned=2</script><i id=\"injected2\">x</i>");
  check(m.text.includes(evil.replace(/"/g, '\\"')), "the markup shows as text: " + m.text);
  const found = await page.evaluate(() => ({
    elements: document.querySelectorAll("#log img, #log b, #log i, #log script, #injected, #injected2").length,
    pwned: window.pwned === undefined ? null : window.pwned,
  }));
  check(found.elements === 0, "no element was created from a payload: " + found.elements);
  await sleep(300);   // give an onerror handler, if any, the time to run
  check(await page.evaluate(() => window.pwned === undefined), "no payload script ran");
};

// A close code that will not change (1008 for a uid over 256 bytes) stops
// the page, shows the reason, and it does not reconnect.
scenarios.final = async (browser) => {
  const page = await browser.newPage();
  const uid = "x".repeat(257);
  await page.goto(served("?uid=" + uid));
  const s = await waitFor("the page to stop", async () => {
    const s = await state(page);
    return s.name === "closed" && s;
  });
  check(s.text.startsWith("closed for good: 1008 uid too long (max 256 bytes)"), "state: " + s.text);
  check(upgrades() === 1, "one WebSocket so far: " + upgrades());
  await sleep(5000);    // the first retries would come after 0.5, 1, 2 s
  check(upgrades() === 1, "no reconnect: " + upgrades() + " WebSockets");
  check((await state(page)).name === "closed", "still stopped");
};

// A laptop lid: the page's clock jumps a minute ahead at once (playwright's
// clock.fastForward fires the 1 s timer once, a minute late). The page must
// take its socket for dead and reconnect; while time runs normally, it
// must not.
scenarios.drift = async (browser) => {
  const page = await browser.newPage();
  await page.clock.install();
  await page.goto(served("?uid=sleeper"));
  await waitOpen(page, "sleeper");
  await waitOnline("sleeper", 1);
  check(upgrades() === 1, "one WebSocket so far: " + upgrades());
  await sleep(3000);
  check(upgrades() === 1, "no reconnect while awake: " + upgrades() + " WebSockets");
  await page.clock.fastForward("01:00");
  await waitFor("a reconnect after the jump", () => upgrades() === 2);
  await waitOpen(page, "sleeper");
  await waitOnline("sleeper", 1);
  const line = '{"uid":"sleeper","woke":true}';
  await push(line);
  await waitMessage(page, line);
};

// Time running normally under a fake clock: a 1 s tick for a minute is
// no drift (no reconnect), and after 25 s without sending the page sends
// an empty text message, which the server ignores (the page stays bound).
scenarios.keepalive = async (browser) => {
  const page = await browser.newPage();
  // Record what the page sends (playwright's framesent event leaves out
  // empty frames, though Chromium does send them).
  await page.addInitScript(() => {
    const send = WebSocket.prototype.send;
    window.sentTexts = [];
    WebSocket.prototype.send = function (data) {
      window.sentTexts.push(data);
      return send.call(this, data);
    };
  });
  const sentTexts = () => page.evaluate(() => window.sentTexts);
  await page.clock.install();
  await page.goto(served("?uid=quiet"));
  await waitOpen(page, "quiet");
  await waitOnline("quiet", 1);
  let sent = JSON.stringify(await sentTexts());
  check(sent === '["quiet"]', "only the uid so far: " + sent);
  // The fake clock also runs on its own, in real time: count from the
  // moment the page sent its uid.
  const since = await page.evaluate(() => Date.now() - window.lastSent);
  await page.clock.runFor(Math.max(0, 20000 - since));
  sent = JSON.stringify(await sentTexts());
  check(sent === '["quiet"]', "nothing more within 20 s: " + sent);
  await page.clock.runFor(10000);
  sent = JSON.stringify(await sentTexts());
  check(sent === '["quiet",""]', "one empty keepalive by 30 s: " + sent);
  await page.clock.runFor(25000);
  sent = JSON.stringify(await sentTexts());
  check(sent === '["quiet","",""]', "another by 55 s: " + sent);
  check(upgrades() === 1, "no reconnect in a minute of normal ticks: " + upgrades());
  await waitOnline("quiet", 1);
  const line = '{"uid":"quiet","still":"bound"}';
  await push(line);
  await waitMessage(page, line);
};

// The network came back (the "online" event): the page reconnects at once,
// since its socket may have died with the old network.
scenarios.online = async (browser) => {
  const page = await browser.newPage();
  await page.goto(served("?uid=roamer"));
  await waitOpen(page, "roamer");
  await waitOnline("roamer", 1);
  check(upgrades() === 1, "one WebSocket so far: " + upgrades());
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await waitFor("a reconnect after the online event", () => upgrades() === 2);
  await waitOpen(page, "roamer");
  await waitOnline("roamer", 1);
  const line = '{"uid":"roamer","network":"back"}';
  await push(line);
  await waitMessage(page, line);
};

// seed.html, the seed's snippet as it is: it connects to ws://127.0.0.1:1234
// as uid1 and logs what it gets. The test server is on a free port, so the
// page's WebSocket constructor is wrapped to aim 1234 there; nothing in the
// page changes.
scenarios.seed = async (browser) => {
  const page = await browser.newPage();
  await page.addInitScript((port) => {
    const Real = window.WebSocket;
    window.WebSocket = function (url, protocols) {
      return new Real(url.replace("ws://127.0.0.1:1234", "ws://127.0.0.1:" + port), protocols);
    };
    window.WebSocket.prototype = Real.prototype;
  }, WS_PORT);
  await page.goto(served("seed.html"));
  await waitOnline("uid1", 1);
  const line = '{"uid":"uid1","percent":"88%"}';
  await push(line);
  await waitFor("seed.html to log the push", async () =>
    (await page.$$eval("#log li", (lis) => lis.map((li) => li.textContent))).some((t) => t.endsWith("  " + line)));
  const snippet = await page.textContent("#snippet");
  check(snippet.startsWith("var ws = new WebSocket('ws://127.0.0.1:1234');"), "the snippet is shown: " + snippet);
};

// The README's demo in a browser: open PAGE_URL as step 2 says, then
// tests/readme.bats runs step 3's push command; the page must show it.
scenarios.readme = async (browser) => {
  const sync = process.env.SYNC_DIR;
  const page = await browser.newPage();
  await page.goto(process.env.PAGE_URL);
  await waitOpen(page, "uid1");
  await waitOnline("uid1", 1);
  fs.writeFileSync(path.join(sync, "bound"), "");
  await waitFor("the README's push", () => fs.existsSync(path.join(sync, "pushed")));
  const m = await waitMessage(page, '{"uid":"uid1","percent":"88%"}');
  check(m.text === '{\n  "uid": "uid1",\n  "percent": "88%"\n}', "pretty: " + m.text);
};

// With signed uids the page takes a token (?token=, minted by the test
// with wspush token and the server's secret): it binds the uid inside it,
// says so, fills its commands with that uid, and receives a push to it.
// A tampered token gets 4001, which is final: no reconnect.
scenarios.token = async (browser) => {
  const tok = process.env.TOKEN;
  check(/^v1\.dG9rZW4tdWlk\./.test(tok), "the test's token is for uid token-uid: " + tok);
  const page = await browser.newPage();
  await page.goto(served("?token=" + encodeURIComponent(tok)));
  await waitFor("the page to say open as token-uid (signed token)", async () => {
    const s = await state(page);
    return s.name === "open" && s.text === "open as token-uid (signed token)";
  });
  await waitOnline("token-uid", 1);
  check((await page.textContent("#cmd-nc")).includes('"uid":"token-uid"'), "the nc command names the uid, not the token");
  await push('{"uid":"token-uid","percent":"42%"}');
  await waitMessage(page, '{"uid":"token-uid","percent":"42%"}');
  const before = upgrades();
  const bad = await browser.newPage();
  await bad.goto(served("?token=" + encodeURIComponent(tok.slice(0, -1) + (tok.endsWith("0") ? "1" : "0"))));
  await waitFor("the tampered token's page to stop on 4001", async () => {
    const s = await state(bad);
    return s.name === "closed" && s.text.includes("4001");
  });
  await sleep(3000);
  check(upgrades() === before + 1, "a 4001 is final: " + (upgrades() - before) + " upgrades, want 1");
};

// A picture of the page mid-demo, for the README: docs/web.png.
scenarios.screenshot = async (browser) => {
  const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
  await page.goto(served("?uid=uid1"));
  await waitOpen(page, "uid1");
  await waitOnline("uid1", 1);
  await push('{"uid":"uid1","percent":"88%"}');
  await push('{"uid":"uid1","percent":"100%","task":{"id":42,"state":"done"}}');
  await inner("broadcast deploy finished <b>not bold</b>");
  await waitMessage(page, "deploy finished <b>not bold</b>");
  await page.evaluate(() => { document.querySelector("#log details").open = true; });
  await page.screenshot({ path: process.env.SCREENSHOT || path.join(TOP, "docs/web.png") });
};

async function main() {
  const name = process.argv[2];
  if (!scenarios[name]) {
    console.error("usage: web.js " + Object.keys(scenarios).join("|"));
    process.exit(2);
  }
  const browser = await launch();
  try {
    await scenarios[name](browser);
  } finally {
    await browser.close();
  }
  console.log("ok " + name);
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
