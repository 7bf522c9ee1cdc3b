// Where land spends its CPU, by phase:
//   node bench/profile.mjs [--children 64] [--mode idle|grandchild]      boot and stop
//   node bench/profile.mjs --mode flood [--children 4] [--lines 250000]   the log relay (stdout to a file)
//   node bench/profile.mjs --mode receiver [--ms 8000]                   the receiver scenario's senders (2 idle children)
//   node bench/profile.mjs --ui [--children 16] [--idle 10000]           the UI in tmux: 10 s of an idle stack
//   node bench/profile.mjs --ui --mode rate [--idle 10000] [--no-tui]     the same while 4 tiers write 2 500 lines/s
//                                                                          each (the ui-cost scenario's flood)
//   node bench/profile.mjs --ts [--cold] …                                 from a land.config.ts (compiled before,
//                                                                          or --cold: compiled by this start)
// Runs `land up --no-tui` under `node --cpu-prof`, boots the children, (flood: waits until they are done), sends
// SIGINT, and prints the heaviest functions and files (self time) of each phase: boot (launch → every child
// connected), run (→ SIGINT) and stop (SIGINT → exit). The raw .cpuprofile is kept under bench/results/ (*.tmp,
// not committed) for Chrome DevTools.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitGone } from './lib/procs.mjs';
import { openHub } from './lib/hub.mjs';
import { stopTmux } from './lib/tmux.mjs';
import { ROOT, RESULTS_DIR } from './lib/paths.mjs';
import { boot, finish, stopAndWatch } from './lib/session.mjs';
import { INGEST_CONFIG, ingest, receiverEndpoint } from './scenarios/receiver.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const mode = option('--mode', 'idle');
const ui = args.includes('--ui');
const ts = args.includes('--ts') ? (args.includes('--cold') ? 'land-ts-cold' : 'land-ts') : undefined;
const idleMs = Number(option('--idle', ui ? '10000' : '500'));
const receiver = mode === 'receiver';
const children = Number(option('--children', mode === 'flood' ? '4' : ui ? '16' : receiver ? '2' : '64'));
const lines = Number(option('--lines', '250000'));
const noTui = args.includes('--no-tui');
// The ui-cost scenario's flood: 4 tiers at 2 500 lines/s, for the whole window and a little more.
const modeArgs = mode === 'flood' ? [lines, 100] : mode === 'rate' ? [2_500, idleMs + 5_000, 4] : [];

/** Self time per (function, file) and per file within [fromUs, toUs] of the profile's own clock. */
function selfTimes(profile, fromUs, toUs) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map();
  const byFile = new Map();
  let t = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) return;
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    const file = url ? url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '') : `(${functionName || 'native'})`;
    const fn = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
    const pkg = file.replace(/^(node_modules\/(@[^/]+\/)?[^/]+)\/.*$/, '$1');
    byFile.set(pkg, (byFile.get(pkg) ?? 0) + delta);
    total += delta;
  });
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${name}`);
  return { totalMs: total / 1000, functions: top(byFunction, 15), files: top(byFile, 12) };
}

const hub = await openHub();
const dir = mkdtempSync(join(tmpdir(), 'land-bench-prof-'));
const up = await boot(hub, ui ? 'land-ui' : ts ?? 'land', children, {
  mode: receiver ? 'idle' : mode,
  args: modeArgs,
  options: { nodeArgs: ['--cpu-prof', '--cpu-prof-interval', process.env.PROF_INTERVAL ?? '1000', '--cpu-prof-dir', dir], toFile: mode === 'flood', noTui, ...(receiver ? { config: INGEST_CONFIG } : {}) },
});
if (mode === 'flood') {
  await waitGone(up.pids, { timeoutMs: 600_000, pollMs: 20 });
  // The relay may still be draining into the file: wait until it stops growing.
  for (let size = -1; size !== statSync(up.run.outputs[0]).size; await sleep(500)) size = statSync(up.run.outputs[0]).size;
}
if (ui) await sleep(idleMs);
if (receiver) console.log(`receiver: ${Math.round(await ingest(await receiverEndpoint(up.run.dir), Number(option('--ms', '8000'))))} spans/s (profiled)`);
const runEnd = performance.now();
await sleep(ui ? 200 : idleMs);
const down = await stopAndWatch(up.run, up.pids);
await finish(up.run, up.pids);
await hub.close();
stopTmux();

const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('node wrote no .cpuprofile (did land exit cleanly?)');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8'));
const kept = join(RESULTS_DIR, `land-${ui ? 'ui-' : ts ? `${ts.slice(5)}-` : ''}${children}-${mode}.cpuprofile.tmp`);
copyFileSync(join(dir, file), kept);
rmSync(dir, { recursive: true, force: true });
const bootEnd = profile.startTime + up.readyMs * 1000;
const runEndUs = profile.startTime + (runEnd - up.run.launchedAt) * 1000;
const stopStart = profile.endTime - (down.exitMs ?? 0) * 1000;
const report = (title, phase) => {
  console.log(`\n## ${title}: ${phase.totalMs.toFixed(0)} ms of CPU samples\n\nby package/file (self):\n${phase.files.join('\n')}\n\nby function (self):\n${phase.functions.join('\n')}`);
};
console.log(`land up, ${children} children (${mode}): boot ${up.readyMs.toFixed(0)} ms · stop ${down.stopMs?.toFixed(0)} ms · exit ${down.exitMs?.toFixed(0)} ms · survivors ${down.survivors.length}`);
report('boot phase (launch → all connected)', selfTimes(profile, 0, bootEnd));
if (mode === 'flood' || ui || receiver) report(`run phase (all connected → ${ui ? 'idle period' : receiver ? 'ingest done' : 'flood relayed'}, ${((runEndUs - bootEnd) / 1000).toFixed(0)} ms)`, selfTimes(profile, bootEnd, runEndUs));
report('stop phase (SIGINT → exit)', selfTimes(profile, stopStart, Infinity));
console.log(`\nprofile: ${relative(ROOT, kept)}`);
process.exit(0);
