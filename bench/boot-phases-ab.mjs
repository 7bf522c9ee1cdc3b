// Where a boot's CPU goes, by phase, for this build against others and the baseline, interleaved:
//   node bench/boot-phases-ab.mjs --other <dir>[,<dir>…] [--this <dir>] [--children 64] [--rounds 5]
// Each boot runs with bench/lib/phase-hook.cjs preloaded and records, in the tool's own CPU (ms): `first` (launch →
// its first spawn call: the fixed start), `own` (the same less node's own start, which swings ±5 ms from launch to
// launch: from the hook's load to the first spawn call), `inSpawn` (inside node's spawn calls: forks, pipes), `window` (first spawn →
// the end of the last), `after` (the end of the last spawn → every child connected: adoption, readiness, events,
// telemetry), and `cpu` (the bench's figure, from /proc, at readiness); `ready` is the same CPU from the scheduler's
// clock (every thread's schedstat, ns) and `fromSpawn` is `ready` less `first`: the first spawn call → every child
// connected, the forks included, without /proc's 10 ms ticks. Builds in an order that rotates each round,
// each with its own XDG_CACHE_HOME (their V8 code caches would prune each other's), filled by an uncounted boot first. The bench's CPU figure has 10 ms
// ticks and the whole start in it; a phase shows a change of a few ms that the whole does not (with a few children,
// `after` can read a few ms below 0: it is /proc's ticks minus the hook's µs). Writes nothing.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { abManyBuilds, loadLine, rotated } from './lib/ab-builds.mjs';
import { closeAll, launch } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { cpuTracker } from './lib/own.mjs';
import { runSeconds } from './lib/procs.mjs';
import { finish, fixtureChildren, fixturePids } from './lib/session.mjs';
import { ratio, summarize } from './lib/stats.mjs';

const args = process.argv.slice(2);
const { option, builds } = abManyBuilds(args, 'node bench/boot-phases-ab.mjs --other <dir with bin/land.js and dist/>[,…] [--this <dir>] [--children 64] [--rounds 5]');
const n = Number(option('--children', '64'));
const rounds = Number(option('--rounds', '5'));
const HOOK = fileURLToPath(new URL('./lib/phase-hook.cjs', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'land-bench-phases-'));
const bins = Object.fromEntries(builds);
const ids = ['baseline', ...Object.keys(bins)];
const keys = ['cpu', 'ready', 'first', 'own', 'inSpawn', 'window', 'adopt', 'after', 'fromSpawn'];
const values = Object.fromEntries(ids.map((id) => [id, Object.fromEntries(keys.map((key) => [key, []]))]));

/** The hook's record of the one process of this boot that spawned (the tool itself). */
function hookRecord(prefix) {
  const files = readdirSync(work).filter((name) => name.startsWith(`${prefix}.`));
  const records = files.map((name) => JSON.parse(readFileSync(join(work, name), 'utf8')));
  for (const name of files) rmSync(join(work, name));
  return records.find((record) => record.spawns > 0);
}

async function measure(hub, id, round) {
  const token = hub.token();
  const prefix = `${id}-${round}`;
  const env = { BENCH_PHASES_OUT: join(work, prefix), XDG_CACHE_HOME: join(work, `cache-${id}`) };
  // The baseline takes its environment from ours.
  Object.assign(process.env, env);
  const options = { nodeArgs: ['--require', HOOK], env, ...(id === 'baseline' ? {} : { bin: bins[id] }) };
  const run = launch(id === 'baseline' ? 'baseline' : 'land', fixtureChildren(hub, token, n), options);
  const cpu = cpuTracker(run);
  let cpuMs;
  let readyMs;
  try {
    await hub.waitFor(token, n, 120_000);
    readyMs = runSeconds(run.pid) * 1000;
    cpuMs = cpu.sample() * 1000;
  } finally {
    // A graceful stop: the hook writes its record as the process exits.
    await finish(run, fixturePids(hub.seen(token)));
  }
  const record = hookRecord(prefix);
  if (!record) throw new Error(`${id}: the phase hook wrote nothing`);
  return { cpu: cpuMs, ready: readyMs, fromSpawn: readyMs - record.first, first: record.first, own: record.first - record.atLoad, inSpawn: record.inSpawn, window: record.lastSpawnEnd - record.first, adopt: record.adopt, after: cpuMs - record.lastSpawnEnd };
}

const hub = await openHub();
const before = loadavg();
try {
  // Round 0 is not counted: it fills each build's code cache, as every start after the first finds it.
  for (const id of ids.slice(1)) await measure(hub, id, 0);
  for (let round = 1; round <= rounds; round++) {
    for (const id of ['baseline', ...rotated(ids.slice(1), round)]) {
      const result = await measure(hub, id, round);
      for (const key of keys) values[id][key].push(result[key]);
      process.stdout.write(`round ${round} ${id}: ${keys.map((key) => `${key} ${result[key].toFixed(0)}`).join(' · ')} ms\n`);
    }
  }
} finally {
  delete process.env.BENCH_PHASES_OUT;
  await closeAll();
  await hub.close();
  rmSync(work, { recursive: true, force: true });
}

const fmt = (value) => (value == null ? '–' : value.toFixed(1));
for (const key of keys) {
  const line = ids.map((id) => {
    const { median, min, max } = summarize(values[id][key]);
    return `${id} ${fmt(median)} (${fmt(min)}–${fmt(max)})`;
  });
  const median = (id) => summarize(values[id][key]).median;
  // Per round too: on a loaded machine how often this build was lower says more than two medians.
  const lower = (id) => values.this[key].filter((value, i) => value < values[id][key][i]).length;
  const ratios = ids.slice(2).map((id) => `this ÷ ${id} ${ratio(median('this'), median(id))?.toFixed(2) ?? '–'} (lower in ${lower(id)} of ${rounds} rounds)`);
  process.stdout.write(`${key} (ms, ${n} children): ${line.join(' · ')}${ratios.length ? `\n  ${ratios.join(' · ')}` : ''}\n`);
}
process.stdout.write(loadLine(before));
process.exit(0);
