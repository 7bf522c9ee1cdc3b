// Scenario 3, log relay: 4 children each write 250 000 lines of 100 bytes as fast as they can. Time from launch
// until the last byte reached the tool's output (land and concurrently: their stdout to a file; pm2 and supervisord:
// their own log files; the baseline: the children's inherited stdout, the floor), throughput, and every line
// checked: lost (never seen whole) and cut (seen broken) must both be 0.
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch } from '../lib/contenders.mjs';
import { cpuTracker } from '../lib/own.mjs';
import { waitGone } from '../lib/procs.mjs';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { finish, fixtureChildren, fixturePids } from '../lib/session.mjs';
import { checkLines } from '../lib/line-check.mjs';

const CHILDREN = 4;
const LINE_BYTES = 100;
const QUIET_MS = 1_000;
/** A tool that still holds lines after a quiet second gets this long to write them before they count as lost. */
const LATE_MS = 10_000;

/** When the last byte reached any of the files, on the performance.now() clock. */
function lastWriteAt(files) {
  let latest = 0;
  for (const file of files) {
    try {
      latest = Math.max(latest, statSync(file).mtimeMs);
    } catch {
      // Never written.
    }
  }
  return latest - performance.timeOrigin;
}

const sizeOf = (files) =>
  files.reduce((sum, file) => {
    try {
      return sum + statSync(file).size;
    } catch {
      return sum;
    }
  }, 0);

/**
 * One measured flood under contender `id` (launch options: `bin`, another land build, for bench/relay-ab.mjs):
 * { ms (launch → last byte out), mbps, cpuSeconds (the tool's own processes), lost, cut }.
 */
export async function relayOnce(hub, id, lines, options = {}) {
  const payloadMB = (CHILDREN * lines * LINE_BYTES) / 1e6;
  const token = hub.token();
  const run = launch(id, fixtureChildren(hub, token, CHILDREN, 'flood', lines, LINE_BYTES), { ...options, toFile: true });
  // Cleared in `finally` too: a round that throws must not leave its watcher polling through the later rounds.
  let watching = true;
  try {
    let size = 0;
    let lastGrowthAt = performance.now();
    const tracker = cpuTracker(run);
    let cpuSeconds = 0;
    let ticks = 0;
    const watcher = (async () => {
      while (watching) {
        if (++ticks % 5 === 0) cpuSeconds = tracker.sample();
        const now = sizeOf(run.outputs);
        if (now !== size) {
          size = now;
          lastGrowthAt = performance.now();
        }
        await sleep(10);
      }
    })();
    const hellos = await hub.waitFor(token, CHILDREN, 120_000);
    const { survivors } = await waitGone(fixturePids(hellos), { timeoutMs: 300_000, pollMs: 20 });
    if (survivors.length > 0) throw new Error(`children still flooding after 300 s`);
    while (performance.now() - lastGrowthAt < QUIET_MS) await sleep(50);
    let check = await checkLines(run.outputs, CHILDREN, lines, LINE_BYTES);
    // Lines missing after a quiet second may still be on their way (a daemon flushing late): wait for growth.
    for (const until = performance.now() + LATE_MS; check.lost > 0 && performance.now() < until; ) {
      const before = size;
      await sleep(1_000);
      if (size !== before) check = await checkLines(run.outputs, CHILDREN, lines, LINE_BYTES);
    }
    watching = false;
    await watcher;
    // The file's own mtime: exact, whatever the polling interval.
    const ms = lastWriteAt(run.outputs) - run.launchedAt;
    return { ms, mbps: payloadMB / (ms / 1000), cpuSeconds, lost: check.lost, cut: check.cut };
  } finally {
    watching = false;
    await finish(run, fixturePids(hub.seen(token)));
  }
}

export async function run(ctx) {
  const lines = ctx.floodLines ?? 250_000;
  const payloadMB = (CHILDREN * lines * LINE_BYTES) / 1e6;
  const result = newResult('log-relay', 'Log relay', {
    describe:
      `${CHILDREN} children × ${lines.toLocaleString('en')} lines × ${LINE_BYTES} B (${payloadMB} MB) as fast as they can; ` +
      'launch → last byte in the output (land: plain mode, stdout to a file; peers: as they log). Every line is checked afterwards.',
  });
  const time = addMetric(result, 'relay_time', 'launch → last line out', 'ms');
  const rate = addMetric(result, 'throughput', 'throughput (payload ÷ time)', 'MB/s', { better: 'higher' });
  const cpu = addMetric(result, 'cpu', 'supervisor CPU time for the whole run', 's');
  const lost = addMetric(result, 'lost', 'lines lost', 'lines', { ratios: false });
  const cut = addMetric(result, 'cut', 'lines cut', 'lines', { ratios: false });
  const ids = ctx.ids(['baseline', 'land', 'concurrently', 'mprocs', 'nf', 'foreman', 'pm2', 'supervisord']);
  await interleave(ctx, result, ids, ctx.rounds, async (id) => {
    const one = await relayOnce(ctx.hub, id, lines);
    time.record(id, one.ms);
    rate.record(id, one.mbps);
    cpu.record(id, one.cpuSeconds);
    lost.record(id, one.lost);
    cut.record(id, one.cut);
  });
  return result;
}
