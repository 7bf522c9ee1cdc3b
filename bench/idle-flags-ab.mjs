// An idle stack's CPU and RSS under node/V8 flags, interleaved in one run (the ui-cost scenario's idle window, in tmux):
//   node bench/idle-flags-ab.mjs [rounds=3] [idleMs=30000] '{"plain":{"noTui":true},"plain-single":{"noTui":true,"nodeArgs":["--memory-reducer-single-gc"]}}'
// Each variant is land-ui's launch options (noTui, nodeArgs, bin); each round boots 16 idle tiers under each, waits
// 1.5 s, measures the land process's CPU over the window and its RSS at the end. Prints medians and the load; writes nothing.
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeAll } from './lib/contenders.mjs';
import { openHub } from './lib/hub.mjs';
import { cpuPercent, rssBytes } from './lib/procs.mjs';
import { boot, finish } from './lib/session.mjs';
import { summarize } from './lib/stats.mjs';
import { stopTmux } from './lib/tmux.mjs';
const rounds = Number(process.argv[2] ?? 3), idleMs = Number(process.argv[3] ?? 30000);
const variants = JSON.parse(process.argv[4]);
const values = Object.fromEntries(Object.keys(variants).map((id) => [id, { cpu: [], rss: [] }]));
const hub = await openHub(); const load = [loadavg()];
try {
  for (let r = 1; r <= rounds; r++) for (const [id, options] of Object.entries(variants)) {
    const up = await boot(hub, 'land-ui', 16, { options });
    try { await sleep(1500); values[id].cpu.push(await cpuPercent(up.run.pid, idleMs)); values[id].rss.push(rssBytes(up.run.pid) / 1048576); }
    finally { await finish(up.run, up.pids, { fast: true }); }
    console.log(`round ${r} ${id}: ${values[id].cpu.at(-1).toFixed(2)} % rss ${values[id].rss.at(-1).toFixed(1)} MB`);
  }
} finally { load.push(loadavg()); await closeAll(); stopTmux(); hub.close(); }
for (const id of Object.keys(variants)) { const c = summarize(values[id].cpu), m = summarize(values[id].rss); console.log(`${id}: cpu ${c.median.toFixed(2)} % (${c.min.toFixed(2)}–${c.max.toFixed(2)}) rss ${m.median.toFixed(1)} MB`); }
console.log('load', load.map((l) => l.map((x) => x.toFixed(1)).join(' ')).join(' → '));
process.exit(0);
