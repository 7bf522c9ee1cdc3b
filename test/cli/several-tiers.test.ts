/**
 * `land stop|start|restart a b` act on several tiers one after the other (as `land reload a b`, docker compose and
 * pm2 do), each name checked first; `land status a` (and `--json`) shows only the tiers named.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../control/helpers.js';
import { land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

describe('several tiers at once', () => {
  it('stop, start, restart and status take several tier names; an unknown one is refused before anything is done', { timeout: 90_000 }, async () => {
    const sleeper = { command: ['sleep', '60'] };
    const dir = makeProject({ config: { app: 'multi', tiers: { web: sleeper, worker: sleeper, cache: sleeper } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    for (const tier of ['web', 'worker', 'cache']) await run.waitFor(new RegExp(`${tier}: starting → ready`));
    const state = async (): Promise<Record<string, string>> => {
      const status = await landDone(['status', '--json'], dir);
      return Object.fromEntries((JSON.parse(status.stdout) as { tiers: Array<{ name: string; state: string }> }).tiers.map((tier) => [tier.name, tier.state]));
    };

    const refused = await landDone(['stop', 'web', 'ghost'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('land: unknown tier "ghost" (known: web, worker, cache)\n');
    expect(await state()).toEqual({ web: 'ready', worker: 'ready', cache: 'ready' });

    const stop = await landDone(['stop', 'web', 'worker'], dir);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toBe('land: stopped web\nland: stopped worker\n');
    expect(await state()).toEqual({ web: 'stopped', worker: 'stopped', cache: 'ready' });

    const start = await landDone(['start', 'web', 'worker'], dir);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toMatch(/^land: started web \(pid \d+\)\nland: started worker \(pid \d+\)\n$/);

    const restart = await landDone(['restart', 'worker', 'cache'], dir);
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout).toMatch(/^land: restarted worker \(pid \d+, restart \d+\)\nland: restarted cache \(pid \d+, restart 1\)\n$/);

    const one = await landDone(['status', 'cache', '--json'], dir);
    expect((JSON.parse(one.stdout) as { tiers: Array<{ name: string }> }).tiers.map((tier) => tier.name)).toEqual(['cache']);
    const text = await landDone(['status', 'web', 'cache'], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/\bweb\b/);
    expect(text.stdout).toMatch(/\bcache\b/);
    expect(text.stdout).not.toMatch(/\bworker\b/);
    const unknown = await landDone(['status', 'ghost'], dir);
    expect(unknown.code).toBe(2);
    expect((await run.stop()).code).toBe(0);
  });
});
