// Scenario 4, memory: peak RSS of the supervisor's own processes (everything in the tool's process tree that is
// not a fixture child or below one; pm2's daemon included) from launch, through the boot of 64 idle children, to
// a few seconds of idling.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { launch } from '../lib/contenders.mjs';
import { ownRss } from '../lib/own.mjs';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { finish, fixtureChildren, fixturePids } from '../lib/session.mjs';

const MB = 1024 * 1024;

export async function run(ctx) {
  const n = 64;
  const idleMs = ctx.quick ? 1_000 : 5_000;
  const result = newResult('memory', 'Memory', {
    describe: `Peak RSS of the supervisor's own processes (pm2's daemon and the shells (sh -c) of concurrently and nf included, fixture children excluded; the terminal of those in tmux is not theirs), sampled every 50 ms from launch until ${idleMs / 1000} s after ${n} idle children connected.`,
  });
  const peak = addMetric(result, 'peak_rss', `peak RSS, ${n} idle children`, 'MB');
  const settled = addMetric(result, 'idle_rss', `RSS at the end of the idle period, ${n} children`, 'MB');
  const ids = ctx.ids(['baseline', 'land', 'land-ui', 'concurrently', 'mprocs', 'nf', 'foreman', 'pm2', 'supervisord']);
  await interleave(ctx, result, ids, ctx.roundsFor(n), async (id) => {
    const token = ctx.hub.token();
    const run = launch(id, fixtureChildren(ctx.hub, token, n), {});
    const fixtures = () => new Set(fixturePids(ctx.hub.seen(token)));
    let max = 0;
    let last = { bytes: 0, processes: 0 };
    try {
      const ready = ctx.hub.waitFor(token, n, 120_000);
      let readyAt;
      void ready.then(() => (readyAt = performance.now()), () => {});
      for (;;) {
        last = ownRss(run);
        max = Math.max(max, last.bytes);
        if (readyAt !== undefined && performance.now() - readyAt >= idleMs) break;
        const failed = await Promise.race([ready.then(() => false, (e) => e), sleep(50).then(() => false)]);
        if (failed) throw failed;
      }
      peak.record(id, max / MB);
      settled.record(id, last.bytes / MB);
    } finally {
      await finish(run, [...fixtures()], { fast: true });
    }
  });
  return result;
}
