// Scenario 1, boot: from launching the tool to every child connected, N = 8 and 64. In a full run the same runs
// also time the stop of these plain children (no grandchildren); --quick leaves stops to the shutdown scenario.
import { setTimeout as sleep } from 'node:timers/promises';
import { addMetric, interleave, newResult } from '../lib/scenario.mjs';
import { boot, finish, stopAndWatch } from '../lib/session.mjs';

export async function run(ctx) {
  const result = newResult('boot', 'Boot', {
    describe: ctx.quick
      ? 'launch → every child connected to the harness, and the CPU the tool had used by then.'
      : 'launch → every child connected to the harness, and the CPU the tool had used by then; then the stop request → every child gone (no grandchildren).',
  });
  // land-ts*: the same stack from a land.config.ts: compiled on an earlier start, first start, through jiti (land-ts.mjs).
  const ids = ctx.ids(['baseline', 'land', 'land-ts', 'land-ts-cold', 'land-ts-jiti', 'land-ui', 'concurrently', 'mprocs', 'nf', 'foreman', 'pm2', 'supervisord']);
  for (const n of ctx.sizes) {
    const ready = addMetric(result, `boot_${n}`, `boot, ${n} children`, 'ms');
    const cpu = addMetric(result, `boot_cpu_${n}`, `supervisor CPU until ready, ${n} children`, 'ms');
    const stop = ctx.quick ? undefined : addMetric(result, `stop_plain_${n}`, `stop, ${n} children (no grandchildren)`, 'ms');
    await interleave(ctx, result, ids, ctx.roundsFor(n), async (id) => {
      const up = await boot(ctx.hub, id, n);
      try {
        ready.record(id, up.readyMs);
        cpu.record(id, up.cpuMs);
        if (!stop) return;
        await sleep(200);
        const down = await stopAndWatch(up.run, up.pids);
        stop.record(id, down.stopMs);
        if (down.survivors.length > 0) result.notes.push(`${id}, ${n} children: ${down.survivors.length} survivor(s) after stop`);
      } finally {
        await finish(up.run, up.pids, { fast: !stop });
      }
    }, { label: `N=${n}` });
  }
  return result;
}
