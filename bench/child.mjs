// The benchmark child: the same tiny process for every contender.
//   node child.mjs <port> <token> <index> <mode> [mode args]
// It connects to the harness on 127.0.0.1:<port> and says `hello <token> <index> <pid> [<grandchild pid>]` (that
// connection is readiness, observed the same way for every supervisor), then:
//   idle                      stays up, doing nothing
//   grandchild                spawns `sleep` (same process group) first, then idles; on SIGTERM it exits WITHOUT
//                             touching the grandchild, so only a supervisor that stops the whole tree leaves none
//   flood <lines> <bytes>     writes <lines> lines of <bytes> bytes (newline included) as fast as the pipe takes
//                             them, then exits 0. Line: `L<index>:<seq, 7 digits>:xxxx…\n`
//   rate <lines/s> <ms> [k] [go-file]
//                             writes 100-byte lines at a steady rate for <ms>, then idles (only children with
//                             index < k when k is given; the others just idle); with go-file, it starts writing only
//                             once that file exists (so a harness can get ready first)
// SIGTERM / SIGINT: exit 0 at once (a well-behaved child).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

const [port, token, index, mode = 'idle', a, b, c, d] = process.argv.slice(2);

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));

let grandchild;
if (mode === 'grandchild') {
  grandchild = spawn('sleep', ['100000'], { stdio: 'ignore' });
  // A sleep that fails to start must not look like a clean tree.
  grandchild.on('error', () => process.exit(3));
}

function hello() {
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.end(`hello ${token} ${index} ${process.pid}${grandchild ? ` ${grandchild.pid}` : ''}\n`, resolve);
    });
    socket.on('error', () => resolve()); // the harness may already be gone; never crash on it
  });
}

function line(seq, bytes) {
  const head = `L${index}:${String(seq).padStart(7, '0')}:`;
  return head + 'x'.repeat(Math.max(0, bytes - head.length - 1)) + '\n';
}

/** As fast as stdout takes it: 64-line batches, waiting for 'drain' on a full pipe. */
async function flood(lines, bytes) {
  const batch = 64;
  for (let seq = 0; seq < lines; ) {
    let text = '';
    const end = Math.min(lines, seq + batch);
    for (; seq < end; seq++) text += line(seq, bytes);
    if (!process.stdout.write(text)) await new Promise((done) => process.stdout.once('drain', done));
  }
  await new Promise((done) => process.stdout.write('', done));
}

function steady(perSecond, forMs) {
  const started = Date.now();
  let seq = 0;
  const tick = setInterval(() => {
    const due = Math.min(perSecond * forMs / 1000, Math.floor(((Date.now() - started) / 1000) * perSecond));
    let text = '';
    for (; seq < due; seq++) text += line(seq, 100);
    if (text) process.stdout.write(text);
    if (Date.now() - started >= forMs) clearInterval(tick);
  }, 20);
}

await hello();
if (mode === 'flood') {
  await flood(Number(a), Number(b));
  process.exit(0);
}
async function whenExists(file) {
  while (!existsSync(file)) await new Promise((done) => setTimeout(done, 20));
}

if (mode === 'rate' && (c === undefined || Number(index) < Number(c))) {
  if (d) await whenExists(d);
  steady(Number(a), Number(b));
}
setInterval(() => {}, 1 << 30);
