// peer.js -- the baseline `make bench` compares wspush with: the same push
// server written the way most people would, on Node's `ws` package.
//
//   node tests/bench/peer.js --ws HOST:PORT --inner HOST:PORT
//
// Same two ports, same protocol as wspush (docs/PROTOCOL.md) for what the
// benchmark uses: a page's first text message is its uid; the inner port
// takes one request per line and answers each in order: a JSON object
// with a "uid" is pushed whole to that uid's pages (ok/fail), "broadcast
// MESSAGE" goes to every bound page (ok N/fail), "online UID" counts (ok
// N/fail). Replies to the lines of one read leave in one write, as
// wspush does. A benchmark baseline only, kept idiomatic and plain:
// no limits beyond ws' own, not hardened.
'use strict';

const net = require('net');
const { WebSocketServer } = require('ws');

function arg(name) {
  const i = process.argv.indexOf(name);
  if (i < 0 || i + 1 >= process.argv.length) {
    console.error('usage: node peer.js --ws HOST:PORT --inner HOST:PORT');
    process.exit(2);
  }
  const spec = process.argv[i + 1];
  const colon = spec.lastIndexOf(':');
  return { host: spec.slice(0, colon), port: Number(spec.slice(colon + 1)) };
}

const byUid = new Map();    // uid -> Set of bound sockets

function push(uid, message) {
  const set = byUid.get(uid);
  if (!set) return 0;
  for (const ws of set) ws.send(message);
  return set.size;
}

function answer(line) {
  if (line.startsWith('broadcast ')) {
    const message = line.slice(10);
    let n = 0;
    for (const set of byUid.values())
      for (const ws of set) { ws.send(message); n++; }
    return n > 0 ? 'ok ' + n : 'fail';
  }
  if (line.startsWith('online ')) {
    const set = byUid.get(line.slice(7));
    return set ? 'ok ' + set.size : 'fail';
  }
  let req;
  try { req = JSON.parse(line); } catch (e) { return 'error invalid JSON'; }
  if (req === null || typeof req !== 'object' || !('uid' in req))
    return 'error missing uid';
  return push(String(req.uid), line) > 0 ? 'ok' : 'fail';
}

const wsAddr = arg('--ws'), innerAddr = arg('--inner');
const wss = new WebSocketServer({ host: wsAddr.host, port: wsAddr.port,
                                  maxPayload: 65536 });

wss.on('connection', (ws) => {
  let uid = null;
  ws.on('message', (data, isBinary) => {
    if (uid !== null) return;
    if (isBinary) { ws.close(1003, 'uid must be a text message'); return; }
    uid = data.toString();
    let set = byUid.get(uid);
    if (!set) byUid.set(uid, set = new Set());
    set.add(ws);
  });
  ws.on('close', () => {
    const set = uid !== null && byUid.get(uid);
    if (!set) return;
    set.delete(ws);
    if (set.size === 0) byUid.delete(uid);
  });
  ws.on('error', () => {});
});

const inner = net.createServer((sock) => {
  let pending = '';
  sock.setEncoding('utf8');
  sock.on('data', (chunk) => {
    const text = pending + chunk;
    const replies = [];
    let start = 0, nl;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      let line = text.slice(start, nl);
      start = nl + 1;
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line !== '') replies.push(answer(line));
    }
    pending = text.slice(start);
    if (replies.length > 0) sock.write(replies.join('\n') + '\n');
  });
  sock.on('error', () => {});
});

let listening = 0;
function ready() {
  if (++listening < 2) return;
  const w = wss.address(), i = inner.address();
  process.stdout.write(`listening ws ${w.address}:${w.port}\n` +
                       `listening inner ${i.address}:${i.port}\n`);
}
wss.on('listening', ready);
inner.listen(innerAddr.port, innerAddr.host, ready);
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
