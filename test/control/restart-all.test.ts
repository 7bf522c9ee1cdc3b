/** `land restart --all`: every running tier, dependents stopped first, started again in dependency order. */
import { readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil } from '../helpers/land.js';

afterAll(removeProjects);

type Snapshot = { tiers: Array<{ name: string; state: string; pid?: number; restarts: number }> };
/** A land client has a socket beyond its stdio (its stdout and stderr are socket pairs): it has sent its request. */
function connected(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => Number(fd) > 2 && readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:'));
  } catch {
    return false;
  }
}

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
    await run.waitFor(/api: stopped → pending \(restarting on request[^)]*\)[\s\S]*api: starting → ready/);
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

  it('a second one sent while the first stops its tiers joins it: the same tiers said, one restart each', { timeout: 90_000 }, async () => {
    // slow stops only once the test creates its gate: the second request arrives while the first is going down.
    const stopWhenGated = 'trap \'until [ -e gate ]; do sleep 0.05; done; exit 0\' TERM; echo slow up; while :; do sleep 0.1; done';
    const dir = makeProject({
      config: {
        tiers: {
          a: { command: child('--say', 'a up'), replicas: 3 },
          b: { command: child('--say', 'b up'), dependsOn: { a: 'started' } },
          slow: { command: ['sh', '-c', stopWhenGated], ready: { log: 'slow up' }, stop: { timeoutMs: 60_000 } },
        },
      },
    });
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    await run.waitFor(/b: starting → ready/);
    await run.waitFor(/slow: starting → ready/);
    await run.waitFor(/a\.3: starting → ready/);

    const first = land(['restart', '--all'], dir);
    await run.waitFor(/slow: ready → stopping/);
    await run.waitFor(/b: \w+ → stopped/);
    const second = land(['restart', '--all'], dir);
    await waitUntil(() => connected(second.proc.pid!), 20_000, 'the second restart --all to connect');
    // What it sent is read and routed within milliseconds of its connection.
    await sleep(500);
    writeFileSync(join(dir, 'gate'), '');

    const said = 'land: restarting a.1, a.2, a.3, b, slow (each once what it depends on is met)\n';
    expect([(await first.exited).code, first.stdout]).toEqual([0, said]);
    expect([(await second.exited).code, second.stdout]).toEqual([0, said]);
    await run.waitFor(/slow: pending → starting[\s\S]*slow: starting → ready/);
    await run.waitFor(/b: pending → starting/);
    const after = await status(dir);
    expect(Object.fromEntries(Object.entries(after).map(([name, tier]) => [name, tier.restarts]))).toEqual({ 'a.1': 1, 'a.2': 1, 'a.3': 1, b: 1, slow: 1 });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});
