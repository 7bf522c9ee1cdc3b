// land's per-child cost, this build against others and the floor, interleaved in one run (the boot and memory
// scenarios' figures from the same boots):
//   node bench/spawn-ab.mjs --other <dir>[,<dir>…] [--this <dir>] [--children 64] [--rounds 4] [--idle 1000]
// `--other` names folders holding bin/ and dist/ of the builds to compare with (a copy taken before a change:
// `mkdir /tmp/before && cp -r bin dist package.json /tmp/before && ln -s $PWD/node_modules /tmp/before/`); `--this`
// likewise instead of this checkout's build. Each round boots the children under the baseline, this build and each
// other build (`land up --no-tui`), in an order that rotates from round to round, and records: launch → every child connected, the CPU the tool used
// by then, its peak RSS (sampled every 50 ms) until `--idle` ms after that, and its RSS then. Prints the medians, each
// build ÷ the baseline and this ÷ each other build, and the load average; writes nothing.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll, launch } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { cpuTracker, ownRss } from './lib/own.mjs';
import { abManyBuilds, loadLine, rotated } from './lib/ab-builds.mjs';
import { finish, fixtureChildren, fixturePids } from './lib/session.mjs';
import { ratio, summarize } from './lib/stats.mjs';

const args = process.argv.slice(2);
const { option, builds } = abManyBuilds(
  args,
  'node bench/spawn-ab.mjs --other <dir with bin/land.js and dist/>[,…] [--this <dir>] [--children 64] [--rounds 4] [--idle 1000]',
);
const bins = Object.fromEntries(builds);
const n = Number(option('--children', '64'));
const rounds = Number(option('--rounds', '4'));
const idleMs = Number(option('--idle', '1000'));
const MB = 1024 * 1024;

const ids = ['baseline', ...Object.keys(bins)];
const keys = ['boot', 'cpu', 'peak', 'idle'];
const units = { boot: 'ms', cpu: 'ms', peak: 'MB', idle: 'MB' };
const values = Object.fromEntries(ids.map((id) => [id, Object.fromEntries(keys.map((key) => [key, []]))]));

/** One boot: readiness, the CPU by then, the RSS until idleMs after it. */
async function measure(hub, id) {
  const token = hub.token();
  const run = id === 'baseline' ? launch('baseline', fixtureChildren(hub, token, n)) : launch('land', fixtureChildren(hub, token, n), { bin: bins[id] });
  const cpu = cpuTracker(run);
  let peak = 0;
  let last = 0;
  try {
    let readyAt;
    let cpuMs;
    const ready = hub.waitFor(token, n, 120_000).then((hellos) => {
      readyAt = Math.max(...hellos.map((h) => h.at));
      cpuMs = cpu.sample() * 1000;
    });
    for (;;) {
      last = ownRss(run).bytes;
      peak = Math.max(peak, last);
      if (readyAt !== undefined && performance.now() - readyAt >= idleMs) break;
      // Once ready has settled, racing it resolves at once: sleep alone, or the sampler spins for the idle window.
      await (readyAt === undefined ? Promise.race([ready, sleep(50)]) : sleep(50));
    }
    return { boot: readyAt - run.launchedAt, cpu: cpuMs, peak: peak / MB, idle: last / MB };
  } finally {
    await finish(run, fixturePids(hub.seen(token)), { fast: true });
  }
}

const hub = await openHub();
const load = [loadavg()];
try {
  for (let round = 1; round <= rounds; round++) {
    // The builds in an order that rotates from round to round (the baseline first): no build always comes first.
    for (const id of ['baseline', ...rotated(ids.slice(1), round)]) {
      const result = await measure(hub, id);
      for (const key of keys) values[id][key].push(result[key]);
      process.stdout.write(`round ${round} ${id}: ${keys.map((key) => `${key} ${result[key].toFixed(key === 'peak' || key === 'idle' ? 1 : 0)} ${units[key]}`).join(' · ')}\n`);
    }
  }
} finally {
  load.push(loadavg());
  await closeAll();
  await hub.close();
}

const median = (id, key) => summarize(values[id][key]).median;
const fmt = (value, digits = 2) => (value == null ? '–' : value.toFixed(digits));
for (const key of keys) {
  const line = ids.map((id) => {
    const { median: m, min, max } = summarize(values[id][key]);
    return `${id} ${fmt(m, 1)} (${fmt(min, 1)}–${fmt(max, 1)})`;
  });
  process.stdout.write(`${key} (${units[key]}, ${n} children): ${line.join(' · ')}\n`);
  const ratios = ids.slice(1).map((id) => `${id} ÷ baseline ${fmt(ratio(median(id, key), median('baseline', key)))}`);
  for (const id of ids.slice(2)) ratios.push(`this ÷ ${id} ${fmt(ratio(median('this', key), median(id, key)))}`);
  process.stdout.write(`  ${ratios.join(' · ')}\n`);
}
process.stdout.write(loadLine(load[0], load[1]));
process.exit(0);
