/** `land restart --all`: every running tier, dependents stopped first, started again in dependency order. */
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, markedProcesses, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

type Snapshot = { tiers: Array<{ name: string; state: string; pid?: number; restarts: number }> };
const status = async (dir: string) => Object.fromEntries((JSON.parse((await landDone(['status', '--json'], dir)).stdout) as Snapshot).tiers.map((tier) => [tier.name, tier]));

describe('land restart --all', () => {
  it('restarts what runs in dependency order and leaves a stopped tier stopped', { timeout: 90_000 }, async () => {
    const dir = makeProject({
      config: {
        tiers: {
          db: { command: child('--say', 'db up'), ready: { log: 'db up' } },
          api: { command: child('--say', 'api up'), dependsOn: { db: 'ready' }, ready: { log: 'api up' } },
          worker: { command: child('--say', 'worker up') },
        },
      },
    });
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    await run.waitFor(/api: starting → ready/);
    await run.waitFor(/worker: starting → ready/);
    expect((await landDone(['stop', 'worker'], dir)).code).toBe(0);
    const before = await status(dir);

    const restart = await landDone(['restart', '--all'], dir);
    expect([restart.code, restart.stdout]).toEqual([0, 'land: restarting db, api (each once what it depends on is met)\n']);
    await run.waitFor(/api: stopped → pending \(restarting on request\)[\s\S]*api: starting → ready/);
    const after = await status(dir);
    expect([after.db!.restarts, after.api!.restarts, after.worker!.state]).toEqual([1, 1, 'stopped']);
    expect(after.db!.pid).not.toBe(before.db!.pid);
    expect(after.api!.pid).not.toBe(before.api!.pid);
    // Dependents stop first; the dependency starts first, and api only once db is ready again.
    const since = run.output.slice(run.output.indexOf('restarting on request'));
    const at = (pattern: RegExp) => since.search(pattern);
    expect(at(/api: ready → stopping/)).toBeLessThan(at(/db: ready → stopping/));
    expect(at(/db: pending → starting/)).toBeLessThan(at(/api: pending → starting/));
    expect(at(/db: starting → ready/)).toBeLessThan(at(/api: pending → starting/));

    const both = await landDone(['restart', 'api', '--all'], dir);
    expect([both.code, both.stderr]).toEqual([2, 'land: --all: restarts every tier; name none (got api)\n']);
    const none = await landDone(['restart'], dir);
    expect([none.code, none.stderr]).toEqual([2, 'land: restart: expected a tier name, or --all for every running tier\n']);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});
