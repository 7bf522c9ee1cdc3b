// Scenario 7, UI cost: CPU used by `land up` in a real terminal (tmux) with the UI, against the same land with
// --no-tui in the same terminal: over a window of an idle 16-tier stack, and while 4 of the 16 tiers write
// steady lines (2 500 lines/s each). mprocs, the peer with a terminal UI of its own, runs the same stack in the same
// terminal; the peers without one are named in the notes.
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuPercent } from '../lib/procs.mjs';
import { addMetric, interleave, newResult, notMeasured } from '../lib/scenario.mjs';
import { boot, finish } from '../lib/session.mjs';
import { captureLast } from '../lib/tmux.mjs';

const TIERS = 16;
const FLOODING = 4;
const RATE = 2_500;

export async function run(ctx) {
  const idleMs = ctx.quick ? 6_000 : 30_000;
  const floodMs = ctx.quick ? 3_000 : 15_000;
  const settleMs = 1_500;
  const result = newResult('ui-cost', 'UI cost', {
    base: 'plain',
    describe:
      `land up in a tmux terminal (160×48), ${TIERS} tiers: CPU of the land process over ${idleMs / 1000} s idle, and over ${floodMs / 1000} s while ` +
      `${FLOODING} tiers write ${RATE} lines/s each; with the UI against --no-tui in the same terminal, and mprocs (a terminal UI too) with the same tiers.`,
  });
  result.labels = { ui: 'land UI (tmux)', plain: 'land --no-tui (tmux)', mprocs: 'mprocs (tmux)' };
  if (!ctx.available('land-ui')) {
    result.failures.ui = result.failures.plain = 'tmux is not available';
    return result;
  }
  const idle = addMetric(result, 'cpu_idle', `CPU, idle ${TIERS}-tier stack`, '%');
  const flood = addMetric(result, 'cpu_flood', `CPU, ${FLOODING} of ${TIERS} tiers at ${RATE} lines/s`, '%');
  const rounds = ctx.quick ? 1 : Math.min(ctx.rounds, 3);
  const peers = ctx.ids(['mprocs']);
  notMeasured(ctx, result, ['concurrently', 'nf', 'foreman', 'supervisord'], 'no terminal UI');
  notMeasured(ctx, result, ['pm2'], 'its terminal dashboard, `pm2 monit`, is a client apart from the daemon that runs the tiers');
  let screen;
  await interleave(ctx, result, ['ui', 'plain', ...peers], rounds, async (variant) => {
    const id = variant === 'mprocs' ? 'mprocs' : 'land-ui';
    const options = { options: { noTui: variant === 'plain' } };
    let up = await boot(ctx.hub, id, TIERS, options);
    try {
      await sleep(settleMs);
      if (variant === 'ui') screen ??= captureLast();
      idle.record(variant, await cpuPercent(up.run.pid, idleMs));
    } finally {
      await finish(up.run, up.pids, { fast: true });
    }
    // Tiers 0..3 flood for the settle period and the window, the others idle.
    up = await boot(ctx.hub, id, TIERS, { ...options, mode: 'rate', args: [RATE, settleMs + floodMs + 2_000, FLOODING] });
    try {
      await sleep(settleMs);
      flood.record(variant, await cpuPercent(up.run.pid, floodMs));
    } finally {
      await finish(up.run, up.pids, { fast: true });
    }
  });
  if (screen !== undefined) {
    result.screen = screen;
    const lines = screen.split('\n').filter((line) => line.trim());
    if (lines.length === 0) result.notes.push('the UI drew nothing in the tmux pane');
    else if (/^land: boot /m.test(screen)) result.notes.push('the UI pane shows plain output: the TUI did not take over');
  }
  return result;
}
