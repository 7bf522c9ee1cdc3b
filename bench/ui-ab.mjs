// The UI's CPU, this build against another, interleaved in one run (the ui-cost scenario's windows, in tmux):
//   node bench/ui-ab.mjs --other <dir of another land build> [--this <dir>] [--rounds 3] [--idle 10000] [--flood 5000]
// `--other` is a folder holding bin/ and dist/ of the build to compare with (e.g. a copy taken before a change:
// `mkdir /tmp/before && cp -r bin dist package.json /tmp/before && ln -s $PWD/node_modules /tmp/before/`); `--this`
// likewise instead of this checkout's build (so a rebuild meanwhile does not change what is measured).
// Each round boots 16 tiers under: this build's UI, the other build's UI, this build with --no-tui; measures the land
// process's CPU over the idle window, then over a window while 4 tiers write 2 500 lines/s each. Prints medians,
// ratios and the load average; writes nothing but the variants' code caches, removed at the end.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll } from './lib/contenders.mjs';
import { abBuilds, cacheFolders, loadLine } from './lib/ab-builds.mjs';
import { openHub } from './lib/hub.mjs';
import { cpuPercent } from './lib/procs.mjs';
import { boot, finish } from './lib/session.mjs';
import { ratio, summarize } from './lib/stats.mjs';
import { stopTmux } from './lib/tmux.mjs';

const { option, thisBin, otherBin } = abBuilds(
  process.argv.slice(2),
  'node bench/ui-ab.mjs --other <dir with bin/land.js and dist/> [--this <dir>] [--rounds 3] [--idle 10000] [--flood 5000]',
);
const rounds = Number(option('--rounds', '3'));
const idleMs = Number(option('--idle', '10000'));
const floodMs = Number(option('--flood', '5000'));
const TIERS = 16;
const FLOODING = 4;
const RATE = 2_500;
const SETTLE_MS = 1_500;

// Each variant its own code cache (XDG_CACHE_HOME).
const caches = cacheFolders();
const variants = {
  this: { bin: thisBin, env: caches.of('this') },
  other: { bin: otherBin, env: caches.of('other') },
  'no-tui': { bin: thisBin, noTui: true, env: caches.of('no-tui') },
};
const values = Object.fromEntries(Object.keys(variants).map((id) => [id, { idle: [], flood: [] }]));

const hub = await openHub();
const load = [loadavg()];
try {
  for (let round = 1; round <= rounds; round++) {
    for (const [id, options] of Object.entries(variants)) {
      let up = await boot(hub, 'land-ui', TIERS, { options });
      try {
        await sleep(SETTLE_MS);
        values[id].idle.push(await cpuPercent(up.run.pid, idleMs));
      } finally {
        await finish(up.run, up.pids, { fast: true });
      }
      up = await boot(hub, 'land-ui', TIERS, { options, mode: 'rate', args: [RATE, SETTLE_MS + floodMs + 2_000, FLOODING] });
      try {
        await sleep(SETTLE_MS);
        values[id].flood.push(await cpuPercent(up.run.pid, floodMs));
      } finally {
        await finish(up.run, up.pids, { fast: true });
      }
      process.stdout.write(`round ${round} ${id}: idle ${values[id].idle.at(-1).toFixed(2)} % · flood ${values[id].flood.at(-1).toFixed(2)} %\n`);
    }
  }
} finally {
  load.push(loadavg());
  await closeAll();
  stopTmux();
  hub.close();
  caches.remove();
}

const median = (id, key) => summarize(values[id][key]).median;
const fmt = (n) => (n == null ? '–' : n.toFixed(2));
for (const key of ['idle', 'flood']) {
  const line = Object.keys(variants).map((id) => {
    const { median: m, min, max } = summarize(values[id][key]);
    return `${id} ${fmt(m)} % (${fmt(min)}–${fmt(max)})`;
  });
  process.stdout.write(`${key} (${(key === 'idle' ? idleMs : floodMs) / 1000} s): ${line.join(' · ')}\n`);
  process.stdout.write(
    `  this ÷ other ${fmt(ratio(median('this', key), median('other', key)))} · this ÷ no-tui ${fmt(ratio(median('this', key), median('no-tui', key)))} · other ÷ no-tui ${fmt(ratio(median('other', key), median('no-tui', key)))}\n`,
  );
}
process.stdout.write(loadLine(load[0], load[1]));
process.exit(0);
