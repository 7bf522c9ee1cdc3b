// The OTLP receiver's ingest, this build against another, interleaved in one run (the receiver scenario's load):
//   node bench/receiver-ab.mjs --other <dir of another land build> [--this <dir>] [--rounds 4] [--ms 8000] [--floor]
// `--other` is a folder holding bin/ and dist/ of the build to compare with (see bench/relay-ab.mjs for how to take
// one); `--floor` adds the scenario's floor (node:http, read and discard). Each round runs 4 senders for 1 s
// unmeasured, then `--ms` measured, against each variant in an order that rotates from round to round. Prints the
// rounds, the medians, the ratios and the load average; writes nothing.
import { loadavg } from 'node:os';
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

const hub = await openHub();
const before = loadavg();
try {
  for (let round = 1; round <= rounds; round++) {
    const line = [];
    for (const [name, bin] of rotated(Object.entries(variants), round)) {
      const rate = bin ? (await landIngest(hub, ms, { bin })).spansPerS : await floorIngest(ms);
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
}
process.stdout.write(loadLine(before));
