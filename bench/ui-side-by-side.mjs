// The UI's idle CPU, builds side by side: every variant's stack (16 tiers, each in its own tmux window) up at once and
// measured over the same window, so a change of the machine's load falls on all of them alike (interleaved windows, as
// bench/ui-ab.mjs takes them, put ±40 ms a round between two builds on this shared machine).
//   node bench/ui-side-by-side.mjs --other <dir>[,<dir>…] [--this <dir>] [--rounds 5] [--idle 30000] [--settle 1500] [--all-no-tui]
// Variants: this build's UI, each other build's UI, this build with --no-tui (every build's, with --all-no-tui). CPU is every thread's run time from
// /proc/<pid>/task/*/schedstat (nanoseconds: finer than the bench's 10 ms ticks) over the window, taken from 1.5 s
// after the last stack of the round is ready; the order of the boots rotates each round. Prints each round, medians,
// the per-round ratios to this build and the load average; writes nothing but each variant's code cache, in a folder of
// its own (XDG_CACHE_HOME) removed at the end: with one shared cache the builds evict each other's, and one may start
// cold and compile in the window.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { abManyBuilds, cacheFolders, loadLine, rotated } from './lib/ab-builds.mjs';
import { closeAll } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { rssBytes, runSeconds } from './lib/procs.mjs';
import { boot, finish } from './lib/session.mjs';
import { summarize } from './lib/stats.mjs';
import { stopTmux } from './lib/tmux.mjs';

const { option, builds } = abManyBuilds(
  process.argv.slice(2),
  'node bench/ui-side-by-side.mjs --other <dir>[,<dir>…] [--this <dir>] [--rounds 5] [--idle 30000] [--settle 1500] [--all-no-tui]',
);
const rounds = Number(option('--rounds', '5'));
const idleMs = Number(option('--idle', '30000'));
const TIERS = 16;
// --settle: the window's start after the last stack is ready (the bench's 1.5 s by default; later, past V8's memory
// reducer, whose one collection falls in or out of the bench's window with the allocation rate, for the steady state).
const SETTLE_MS = Number(option('--settle', '1500'));

const caches = cacheFolders();
const cacheOf = caches.of;
const variants = Object.fromEntries([
  ...builds.map(([name, bin]) => [name, { bin, env: cacheOf(name) }]),
  // --all-no-tui: every build with --no-tui too (for a change that is not the UI's), named <build>-no-tui.
  ...(process.argv.includes('--all-no-tui') ? builds.map(([name, bin]) => [`${name === 'this' ? '' : `${name}-`}no-tui`, { bin, noTui: true }]) : [['no-tui', { bin: builds[0][1], noTui: true }]]).map(
    ([id, options]) => [id, { ...options, env: cacheOf(id) }],
  ),
]);
const ids = Object.keys(variants);
const cpuMs = Object.fromEntries(ids.map((id) => [id, []]));
const rssMb = Object.fromEntries(ids.map((id) => [id, []]));

/** Run time of every thread of a process, in ms; throws once it is gone (a stack that died mid-window). */
function threadsMs(pid) {
  const seconds = runSeconds(pid);
  if (seconds === undefined) throw new Error(`land (pid ${pid}) is gone: no /proc/${pid}/task`);
  return seconds * 1000;
}

const hub = await openHub();
const load = [loadavg()];
try {
  for (let round = 1; round <= rounds; round++) {
    const order = rotated(ids, round);
    const ups = {};
    try {
      for (const id of order) ups[id] = await boot(hub, 'land-ui', TIERS, { options: variants[id] });
      await sleep(SETTLE_MS);
      const before = Object.fromEntries(order.map((id) => [id, threadsMs(ups[id].run.pid)]));
      await sleep(idleMs);
      for (const id of order) {
        cpuMs[id].push(threadsMs(ups[id].run.pid) - before[id]);
        rssMb[id].push(rssBytes(ups[id].run.pid) / 1048576);
      }
    } finally {
      for (const id of order) if (ups[id]) await finish(ups[id].run, ups[id].pids, { fast: true });
    }
    process.stdout.write(`round ${round} (${order.join(', ')}): ${ids.map((id) => `${id} ${cpuMs[id].at(-1).toFixed(1)} ms`).join(' · ')}\n`);
  }
} finally {
  load.push(loadavg());
  await closeAll();
  stopTmux();
  hub.close();
  caches.remove();
}

const median = (list) => summarize(list).median;
for (const id of ids) {
  const { median: m, min, max } = summarize(cpuMs[id]);
  process.stdout.write(`${id}: ${m.toFixed(1)} ms (${min.toFixed(1)}–${max.toFixed(1)}) in ${idleMs / 1000} s = ${((m / idleMs) * 100).toFixed(2)} % · RSS ${median(rssMb[id]).toFixed(1)} MB\n`);
}
for (const id of ids.slice(1)) {
  const ratios = cpuMs[id].map((value, index) => value / cpuMs[ids[0]][index]);
  process.stdout.write(`${id} ÷ this: ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')})\n`);
}
process.stdout.write(loadLine(load[0], load[1]));
process.exit(0);
