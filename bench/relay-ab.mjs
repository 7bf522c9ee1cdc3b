// The log relay, this build against another, interleaved in one run (the log-relay scenario's flood):
//   node bench/relay-ab.mjs --other <dir of another land build> [--this <dir>] [--rounds 4] [--lines 250000]
//                           [--with baseline,concurrently]
// `--other` is a folder holding bin/ and dist/ of the build to compare with (e.g. a copy taken before a change:
// `mkdir /tmp/before && cp -r bin dist package.json /tmp/before && ln -s $PWD/node_modules /tmp/before/`); `--this`
// likewise instead of this checkout's build (so a rebuild meanwhile does not change what is measured). `--with` adds
// the floor and peers of the scenario (concurrently must be in bench/.tools: a bench run installs it).
// Each round floods 4 children × lines × 100 B under each variant (in an order that rotates from round to round), checks every line (lost, cut: both must be 0)
// and records throughput and the tool's CPU. Prints the rounds, the medians, the ratios and the load average;
// writes nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll } from './lib/contenders.mjs';
import { abBuilds, loadLine, rotated } from './lib/ab-builds.mjs';
import { openHub } from './lib/hub.mjs';
import { ratio, summarize } from './lib/stats.mjs';
import { relayOnce } from './scenarios/log-relay.mjs';

const { option, thisBin, otherBin } = abBuilds(
  process.argv.slice(2),
  'node bench/relay-ab.mjs --other <dir with bin/land.js and dist/> [--this <dir>] [--rounds 4] [--lines 250000] [--with baseline,concurrently]',
);
const rounds = Number(option('--rounds', '4'));
const lines = Number(option('--lines', '250000'));

/** variant → [contender id, launch options]; each build with a code cache of its own (removed at the end). */
const caches = ['this', 'other'].map((name) => mkdtempSync(join(tmpdir(), `land-relay-ab-${name}-`)));
const cacheOf = (i) => ({ XDG_CACHE_HOME: caches[i] });
const variants = { this: ['land', { bin: thisBin, env: cacheOf(0) }], other: ['land', { bin: otherBin, env: cacheOf(1) }] };
for (const id of option('--with', '').split(',').filter(Boolean)) variants[id] = [id, {}];
const values = Object.fromEntries(Object.keys(variants).map((id) => [id, { mbps: [], cpu: [] }]));

const hub = await openHub();
const load = [loadavg()];
let failed = false;
try {
  for (let round = 1; round <= rounds; round++) {
    // In an order that rotates from round to round: no variant always comes first (or right after a peer).
    for (const [name, [id, options]] of rotated(Object.entries(variants), round)) {
      const one = await relayOnce(hub, id, lines, options);
      values[name].mbps.push(one.mbps);
      values[name].cpu.push(one.cpuSeconds);
      if (one.lost > 0 || one.cut > 0) failed = true;
      process.stdout.write(
        `round ${round} ${name}: ${one.mbps.toFixed(1)} MB/s · CPU ${one.cpuSeconds.toFixed(2)} s · lost ${one.lost} · cut ${one.cut}\n`,
      );
      await sleep(300);
    }
  }
} finally {
  load.push(loadavg());
  await closeAll();
  await hub.close();
  for (const dir of caches) rmSync(dir, { recursive: true, force: true });
}

const fmt = (n) => (n == null ? '–' : n.toFixed(2));
for (const [key, unit] of [['mbps', 'MB/s'], ['cpu', 's of CPU']]) {
  const medians = Object.fromEntries(Object.keys(variants).map((name) => [name, summarize(values[name][key]).median]));
  const line = Object.keys(variants).map((name) => {
    const { median, min, max } = summarize(values[name][key]);
    return `${name} ${fmt(median)} (${fmt(min)}–${fmt(max)})`;
  });
  process.stdout.write(`${unit}: ${line.join(' · ')}\n`);
  const ratios = Object.keys(variants)
    .filter((name) => name !== 'this')
    .map((name) => `this ÷ ${name} ${fmt(ratio(medians.this, medians[name]))}`);
  // Per round too: the relay's targets hold in every round.
  const perRound = Object.keys(variants)
    .filter((name) => name !== 'this')
    .map((name) => `${name} [${values.this[key].map((v, i) => fmt(ratio(v, values[name][key][i]))).join(' ')}]`);
  process.stdout.write(`  ${ratios.join(' · ')}\n  per round: ${perRound.join(' · ')}\n`);
}
process.stdout.write(loadLine(load[0], load[1]));
process.exit(failed ? 1 : 0);
