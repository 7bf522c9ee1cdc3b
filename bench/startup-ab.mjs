// land's start-up, this build against others, interleaved in one run, with the raw-spawn floor beside them:
//   node bench/startup-ab.mjs --other <dir>[,<dir>…] [--this <dir>] [--rounds 8] [--sizes 1,8] [--ts]
// `--other`: folders holding bin/ and dist/ of other builds (e.g. a copy taken before a change: `mkdir /tmp/before &&
// cp -r bin dist package.json /tmp/before && ln -s $PWD/node_modules /tmp/before/`); `--this` likewise instead of
// this checkout's build. `--ts`: each build also boots the same stack from a land.config.ts compiled on an earlier
// start (the bench's land-ts). Each round launches, for every size: the baseline, then every build (in an order that
// rotates from round to round), and records launch → every child connected (wall) and the CPU land had used by then.
// Prints medians, min–max, each build ÷ the baseline and ÷ the first build, and the load average; writes nothing.
import { loadavg } from 'node:os';
import { closeAll } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { abManyBuilds, loadLine } from './lib/ab-builds.mjs';
import { boot, finish } from './lib/session.mjs';
import { ratio, summarize } from './lib/stats.mjs';

const args = process.argv.slice(2);
const { option, builds } = abManyBuilds(args, 'node bench/startup-ab.mjs --other <dir>[,<dir>…] [--this <dir>] [--rounds 8] [--sizes 1,8] [--ts]');
const rounds = Number(option('--rounds', '8'));
const sizes = option('--sizes', '1,8').split(',').map(Number);
const kinds = args.includes('--ts') ? ['land', 'land-ts'] : ['land'];

/** id → { contender, options }: the baseline, then each build under each kind of config. */
const variants = { baseline: { contender: 'baseline', options: {} } };
for (const kind of kinds) for (const [name, bin] of builds) variants[`${kind === 'land' ? '' : 'ts:'}${name}`] = { contender: kind, options: { bin } };
const values = Object.fromEntries(sizes.flatMap((n) => Object.keys(variants).map((id) => [`${n}/${id}`, { wall: [], cpu: [] }])));

const hub = await openHub();
const load = [loadavg()];
try {
  for (let round = 0; round < rounds; round++) {
    const ids = Object.keys(variants).slice(1);
    const order = ['baseline', ...ids.slice(round % ids.length), ...ids.slice(0, round % ids.length)];
    for (const n of sizes) {
      for (const id of order) {
        const { contender, options } = variants[id];
        const up = await boot(hub, contender, n, { options });
        values[`${n}/${id}`].wall.push(up.readyMs);
        values[`${n}/${id}`].cpu.push(up.cpuMs);
        await finish(up.run, up.pids, { fast: true });
      }
    }
    process.stdout.write(`round ${round + 1}/${rounds} done (load ${loadavg()[0].toFixed(2)})\n`);
  }
} finally {
  load.push(loadavg());
  await closeAll();
  hub.close();
}

const fmt = (n, digits = 0) => (n == null ? '–' : n.toFixed(digits));
for (const n of sizes) {
  for (const key of ['wall', 'cpu']) {
    process.stdout.write(`\n${n} ${n === 1 ? 'child' : 'children'}, ${key === 'wall' ? 'launch → all connected' : 'CPU until ready'} (ms):\n`);
    const median = (id) => summarize(values[`${n}/${id}`][key]).median;
    for (const id of Object.keys(variants)) {
      const { median: m, min, max } = summarize(values[`${n}/${id}`][key]);
      const first = id.startsWith('ts:') ? `ts:${builds[0][0]}` : builds[0][0];
      const vsFirst = id === 'baseline' || id === first ? '' : ` · ÷ ${first} ${fmt(ratio(m, median(first)), 3)}`;
      process.stdout.write(`  ${id.padEnd(24)} ${fmt(m).padStart(6)} (${fmt(min)}–${fmt(max)}) · ÷ baseline ${fmt(ratio(m, median('baseline')), 3)}${vsFirst}\n`);
    }
  }
}
process.stdout.write('\n' + loadLine(load[0], load[1]));
process.exit(0);
