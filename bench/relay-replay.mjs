// The log relay in one process, this build against another, interleaved (no children, no pipes, no boot: what land
// does with the reads of a flood):
//   node bench/relay-replay.mjs --other <dir of another land build> [--this <dir>] [--rounds 6] [--mb 100]
// Each run is a fresh node that feeds 4 tiers' stdout, as reads of 32 KB in fresh buffers (as node's pipe reads
// are) of the scenario's 100-byte lines, through that build's relayOutput (dist/src/supervisor/output-relay.js):
// line splitter, log files (TierLog, in a temp folder), `log` events and the plain printer into a file written
// synchronously (land's stdout to a file). Yields to the event loop after every 4 reads, and waits while a tier's
// stream is paused (the printer or a log file behind). Prints each run's CPU (all threads: the log files' writes
// run on the pool), the medians and the ratio, with the load average; checks the output's size.
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childRounds, loadLine } from './lib/ab-builds.mjs';
import { ratio, summarize } from './lib/stats.mjs';
import { ROOT } from './lib/paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const TIERS = 4;
const READ = Number(process.env.REPLAY_READ ?? 32 * 1024);

/** In the child: one flood through `dist`'s relay; prints { cpuMs, faults, printed, logged } as JSON. */
async function replay(dist, megabytes) {
  const fs = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { Readable, Writable } = await import('node:stream');
  const load = (path) => import(pathToFileURL(join(dist, 'src', path)).href);
  const { relayOutput } = await load('supervisor/output-relay.js');
  const { TierLog } = await load('supervisor/tier-log.js');
  const { OutputGate } = await load('supervisor/output-gate.js');
  const { logEvent } = await load('supervisor/line-block.js');
  const { createPrinter } = await load('cli/printer.js');
  const dir = fs.mkdtempSync(join(tmpdir(), 'land-relay-replay-'));
  const fd = fs.openSync(join(dir, 'out'), 'w');
  const out = new Writable({ write: (chunk, _encoding, done) => (fs.writeSync(fd, chunk), done()) });
  const names = Array.from({ length: TIERS }, (_, i) => `c${i}`);
  const gate = new OutputGate();
  const printer = createPrinter({ out, color: false, names, gate });
  const tiers = names.map((name) => {
    const stdout = new Readable({ read() {} });
    const stderr = new Readable({ read() {} });
    const file = new TierLog({ path: join(dir, `${name}.log`), rotateBytes: 1 << 30, keepFiles: 1, onProblem: (m) => console.error(m) });
    const done = relayOutput({ stdout, stderr, file, gate, onLines: (stream, block) => printer.listener(logEvent(name, stream, block, Date.now())) });
    return { name, stdout, stderr, file, done, n: 0 };
  });
  // A cycle of reads made beforehand (25 reads of 32 KiB hold 8 192 whole lines), each copied into a fresh buffer
  // when it is read, as node reads a pipe: the replay's own work stays small against the relay's.
  const cycle = Buffer.from(Array.from({ length: (25 * READ) / 100 }, (_, i) => `L0:${String(i).padStart(7, '0')}:${'x'.repeat(86)}\n`).join(''), 'latin1');
  const nextRead = (tier) => {
    const at = (tier.n++ % 25) * READ;
    const read = Buffer.allocUnsafe(READ);
    cycle.copy(read, 0, at, at + READ);
    return read;
  };
  const reads = Math.round((megabytes * 1e6) / READ / TIERS / 25) * 25; // whole cycles: every line ends
  const cpu = process.cpuUsage();
  const before = process.resourceUsage();
  for (let n = 0; n < reads; n++) {
    for (const tier of tiers) {
      while (tier.stdout.isPaused()) await new Promise((done) => setImmediate(done));
      tier.stdout.push(nextRead(tier));
    }
    await new Promise((done) => setImmediate(done));
  }
  for (const tier of tiers) {
    tier.stdout.push(null);
    tier.stderr.push(null);
  }
  await Promise.all(tiers.map((tier) => tier.done));
  await printer.flush();
  await Promise.all(tiers.map((tier) => tier.file.close()));
  const used = process.cpuUsage(cpu);
  const faults = process.resourceUsage().minorPageFault - before.minorPageFault;
  const printed = fs.fstatSync(fd).size;
  const logged = names.reduce((sum, name) => sum + fs.statSync(join(dir, `${name}.log`)).size, 0);
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, faults, printed, logged }));
}

if (args[0] === '--child') {
  await replay(args[1], Number(args[2]));
  process.exit(0);
}

const other = option('--other');
if (!other) {
  process.stderr.write('usage: node bench/relay-replay.mjs --other <dir with dist/> [--this <dir>] [--rounds 6] [--mb 100]\n');
  process.exit(2);
}
const builds = { this: join(resolve(option('--this', ROOT)), 'dist'), other: join(resolve(other), 'dist') };
const rounds = Number(option('--rounds', '6'));
const megabytes = option('--mb', '100');
const values = { this: { cpuMs: [], faults: [] }, other: { cpuMs: [], faults: [] } };
const load = loadavg();
const sizes = new Set();
childRounds(fileURLToPath(import.meta.url), builds, rounds, [megabytes], (round, name, one) => {
  values[name].cpuMs.push(one.cpuMs);
  values[name].faults.push(one.faults);
  sizes.add(`${one.printed}/${one.logged}`);
  process.stdout.write(`round ${round} ${name}: CPU ${one.cpuMs.toFixed(0)} ms · minor faults ${one.faults} · printed ${one.printed} B · logged ${one.logged} B\n`);
});
for (const key of ['cpuMs', 'faults']) {
  const [a, b] = [summarize(values.this[key]).median, summarize(values.other[key]).median];
  const perRound = values.this[key].map((v, i) => ratio(v, values.other[key][i]).toFixed(2)).join(' ');
  process.stdout.write(`${key}: this ${a.toFixed(0)} · other ${b.toFixed(0)} · this ÷ other ${ratio(a, b).toFixed(2)} (per round ${perRound})\n`);
}
if (sizes.size > 1) process.stdout.write(`output sizes differ between runs: ${[...sizes].join(', ')}\n`);
process.stdout.write(loadLine(load, loadavg()));
