// The printer's batches in isolation, this build against another, interleaved (no children, no pipes: the part of
// the log relay that prefixes lines and writes them to stdout):
//   node bench/printer-replay.mjs --other <dir of another land build> [--this <dir>] [--rounds 4] [--out /dev/null]
// Each run is a fresh node that pushes a flood's ticks through that build's OutputBatch (dist/src/cli/output-batch.js)
// into `--out`, written synchronously as land's stdout to a file is: 3 × 2 000 ticks whose sizes follow those
// recorded in a real flood of the log-relay scenario (7 KB for 70 % of them, up to 72 KB for 20 %, up to 2.4 MB for
// the rest; ~130 MB a pass), each made of 32 KB reads of 100-byte lines. Prints each run's CPU and minor page faults, the medians and the
// ratio with the load average; writes nothing else.
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childRounds, loadLine } from './lib/ab-builds.mjs';
import { ratio, summarize } from './lib/stats.mjs';
import { ROOT } from './lib/paths.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);

/** In the child: replay the ticks through `module`'s OutputBatch, print { cpuMs, faults } as JSON. */
async function replay(modulePath, out) {
  const { openSync, writeSync } = await import('node:fs');
  const { Writable } = await import('node:stream');
  const { OutputBatch } = await import(pathToFileURL(modulePath).href);
  const fd = openSync(out, 'w');
  const stdout = new Writable({ write: (chunk, _encoding, done) => (writeSync(fd, chunk), done()) });
  const head = Buffer.from('c0       | ');
  const read = Buffer.from(Array.from({ length: 320 }, (_, i) => `L0:${String(i).padStart(7, '0')}:${'x'.repeat(86)}\n`).join(''));
  const perRead = read.length + 320 * head.length;
  let seed = 1;
  const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const ticks = Array.from({ length: 2000 }, () => {
    const r = random();
    return r < 0.7 ? 7_104 : r < 0.9 ? 14_000 + random() * 58_000 : 72_000 + random() ** 4 * 2_300_000;
  });
  const batch = new OutputBatch();
  const before = process.resourceUsage();
  const cpu = process.cpuUsage();
  for (let round = 0; round < 3; round++) {
    for (const size of ticks) {
      for (let n = Math.max(1, Math.round(size / perRead)); n > 0; n--) batch.addLines(head, [read], 320);
      batch.writeTo(stdout);
      await new Promise((done) => setImmediate(done));
    }
  }
  const used = process.cpuUsage(cpu);
  const faults = process.resourceUsage().minorPageFault - before.minorPageFault;
  process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, faults }));
}

if (args[0] === '--child') {
  await replay(args[1], args[2]);
  process.exit(0);
}

const moduleOf = (dir) => join(resolve(dir), 'dist', 'src', 'cli', 'output-batch.js');
const other = option('--other');
if (!other) {
  process.stderr.write('usage: node bench/printer-replay.mjs --other <dir with dist/> [--this <dir>] [--rounds 4] [--out /dev/null]\n');
  process.exit(2);
}
const builds = { this: moduleOf(option('--this', ROOT)), other: moduleOf(other) };
const rounds = Number(option('--rounds', '4'));
const out = option('--out', '/dev/null');
const values = { this: { cpuMs: [], faults: [] }, other: { cpuMs: [], faults: [] } };
const load = loadavg();
childRounds(fileURLToPath(import.meta.url), builds, rounds, [out], (round, name, one) => {
  values[name].cpuMs.push(one.cpuMs);
  values[name].faults.push(one.faults);
  process.stdout.write(`round ${round} ${name}: CPU ${one.cpuMs.toFixed(0)} ms · minor faults ${one.faults}\n`);
});
for (const key of ['cpuMs', 'faults']) {
  const [a, b] = [summarize(values.this[key]).median, summarize(values.other[key]).median];
  process.stdout.write(`${key}: this ${a.toFixed(0)} · other ${b.toFixed(0)} · this ÷ other ${ratio(a, b).toFixed(2)}\n`);
}
process.stdout.write(loadLine(load));
