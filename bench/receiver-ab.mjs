// The OTLP receiver's ingest, this build against another, interleaved in one run (the receiver scenario's load):
//   node bench/receiver-ab.mjs --other <dir of another land build> [--this <dir>] [--rounds 4] [--ms 8000] [--floor]
// `--other` is a folder holding bin/ and dist/ of the build to compare with (see bench/relay-ab.mjs for how to take
// one); `--floor` adds the scenario's floor (node:http, read and discard). Each round runs 4 senders for 1 s
// unmeasured, then `--ms` measured, against each variant in an order that rotates from round to round. Prints the
// rounds, the medians, the ratios and the load average; writes nothing. Each build gets its own XDG_CACHE_HOME.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { abBuilds, loadLine, rotated } from './lib/ab-builds.mjs';
import { closeAll } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { ratio, summarize } from './lib/stats.mjs';
import { floorIngest, landIngest } from './scenarios/receiver.mjs';

const { option, thisBin, otherBin } = abBuilds(
  process.argv.slice(2),
  'node bench/receiver-ab.mjs --other <dir with bin/land.js and dist/> [--this <dir>] [--rounds 4] [--ms 8000] [--floor]',
);
const rounds = Number(option('--rounds', '4'));
const ms = Number(option('--ms', '8000'));
const variants = { this: thisBin, other: otherBin, ...(process.argv.includes('--floor') ? { floor: undefined } : {}) };
const values = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));

const times = (a, b) => `${ratio(a, b).toFixed(2)}×`;
// Each build keeps its own V8 code cache (src/startup/code-cache.ts), so neither starts from the other's.
const caches = Object.fromEntries(Object.keys(variants).map((name) => [name, mkdtempSync(join(tmpdir(), `land-receiver-ab-${name}-`))]));

const hub = await openHub();
const before = loadavg();
try {
  for (let round = 1; round <= rounds; round++) {
    const line = [];
    for (const [name, bin] of rotated(Object.entries(variants), round)) {
      const rate = bin ? (await landIngest(hub, ms, { bin, env: { XDG_CACHE_HOME: caches[name] } })).spansPerS : await floorIngest(ms);
      values[name].push(rate);
      line.push(`${name} ${Math.round(rate)}`);
    }
    process.stdout.write(`round ${round}: ${line.join(' · ')} spans/s\n`);
  }
  const medians = Object.fromEntries(Object.entries(values).map(([name, list]) => [name, summarize(list).median]));
  process.stdout.write(`medians: ${Object.entries(medians).map(([name, m]) => `${name} ${Math.round(m)}`).join(' · ')} spans/s\n`);
  process.stdout.write(`this ÷ other: ${times(medians.this, medians.other)}\n`);
  if (medians.floor) process.stdout.write(`this ÷ floor: ${times(medians.this, medians.floor)} · other ÷ floor: ${times(medians.other, medians.floor)}\n`);
} finally {
  await closeAll();
  await hub.close();
  for (const dir of Object.values(caches)) rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(loadLine(before));
