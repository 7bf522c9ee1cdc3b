// Scenario 5, shutdown: N children that each have a grandchild (`sleep`, same process group) and exit on SIGTERM
// without touching it. From the stop request (SIGINT, or `pm2 kill`) to the last child and grandchild gone;
// survivors are what is still alive once the tool itself is gone.
import { setTimeout as sleep } from 'node:timers/promises';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { boot, finish, stopAndWatch } from '../lib/session.mjs';

export async function run(ctx) {
  const result = newResult('shutdown', 'Shutdown', {
    describe:
      'Children with a grandchild each; the stop request (SIGINT to the tool, `pm2 kill` for pm2) → every child and grandchild gone. ' +
      'A child exits on SIGTERM and leaves its grandchild to the supervisor. Survivors: still alive after the tool is gone.',
  });
  const ids = ctx.ids(['baseline', 'land', 'land-ui', 'concurrently', 'mprocs', 'nf', 'foreman', 'pm2', 'supervisord']);
  // --quick: only the 64-wide stack the target is about.
  for (const n of ctx.quick ? ctx.sizes.filter((size) => size === 64) : ctx.sizes) {
    const stop = addMetric(result, `stop_${n}`, `stop, ${n} children + ${n} grandchildren`, 'ms');
    const exit = addMetric(result, `exit_${n}`, `stop request → tool exited, ${n} children`, 'ms');
    const survivors = addMetric(result, `survivors_${n}`, `survivors, ${n} children + ${n} grandchildren`, 'processes', { ratios: false });
    await interleave(ctx, result, ids, ctx.roundsFor(n), async (id) => {
      const up = await boot(ctx.hub, id, n, { mode: 'grandchild' });
      try {
        await sleep(300);
        const down = await stopAndWatch(up.run, up.pids);
        stop.record(id, down.stopMs);
        exit.record(id, down.exitMs);
        survivors.record(id, down.survivors.length);
      } finally {
        await finish(up.run, up.pids);
      }
    }, { label: `N=${n}` });
  }
  return result;
}
