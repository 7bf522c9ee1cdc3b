/**
 * `land start <tier>` through the real CLI: starts a stopped tier of the running stack; refusals with their codes;
 * `land restart` / `land reload` refuse a running tier whose dependency has settled unmet, as `land start` does; a
 * dependency still starting lets them through (`land restart db; land restart web`); a dependency with replicas is
 * decided over all of them.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { E2E_TIMEOUT } from './helpers.js';
import { cleanUp, waitForTier } from '../control/helpers.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
});
afterAll(removeProjects);

describe('land start', () => {
  it('starts a stopped tier, and says why it cannot start a running, gated or unknown one', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          api: { command: child('--say', 'api up'), ready: { log: 'api up' } },
          extra: { command: child('--say', 'extra up'), gate: 'Extra' },
        },
      },
      profiles: { debug: 'Extra=false\n' },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/api: starting → ready/);

    // No stack elsewhere: exit 3 (checked first, before this stack is touched).
    const elsewhere = await landDone(['start', 'api'], makeProject({ config: { tiers: { api: { command: child() } } } }));
    expect(elsewhere.code).toBe(3);
    expect(elsewhere.stderr).toMatch(/^land: no stack is running in .*: start one with `land up`\n$/);

    const running = await landDone(['start', 'api'], dir);
    expect(running.code).toBe(4);
    expect(running.stderr).toMatch(/^land: api is already running \(pid \d+\)\n$/);

    expect((await landDone(['stop', 'api'], dir)).code).toBe(0);
    await waitForTier(dir, 'api', (tier) => tier.state === 'stopped', 'stopped');
    const started = await landDone(['start', 'api'], dir);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^land: started api \(pid \d+\)\n$/);
    const api = await waitForTier(dir, 'api', (tier) => tier.state === 'ready', 'ready');
    expect(api.restarts).toBe(1);
    expect(api.history.at(-2)?.reason).toBe('started on request');

    const gated = await landDone(['start', 'extra'], dir);
    expect(gated.code).toBe(4);
    expect(gated.stderr).toMatch(/^land: extra is gated off by Extra=false; `land spawn extra` overrides the gate\n$/);
    const unknown = await landDone(['start', 'ghost'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^land: unknown tier "ghost" \(known: api, extra\)\n$/);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('restart and reload of a running tier whose ready dependency has failed since: refused as land start is, the tier left running', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Ready at once (no probe), then fails for good once the test says so (the file `go`).
          db: { command: ['sh', '-c', 'while [ ! -e go ]; do sleep 0.1; done; exit 3'], restart: { policy: 'never' } },
          api: { command: child('--say', 'api up'), ready: { log: 'api up' }, dependsOn: { db: 'ready' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    const before = await waitForTier(dir, 'api', (tier) => tier.state === 'ready', 'ready');
    writeFileSync(join(dir, 'go'), '');
    await waitForTier(dir, 'db', (tier) => tier.state === 'failed', 'failed');
    const restart = await landDone(['restart', 'api'], dir);
    expect(restart.code).toBe(4);
    expect(restart.stderr).toBe('land: api needs db ready: db failed; `land start db` first, or `land stop api` then `land spawn api` restarts it anyway; api runs on as before\n');
    const reload = await landDone(['reload', 'api'], dir);
    expect(reload.code).toBe(4);
    expect(reload.stderr).toMatch(/^land: api needs db ready: db failed; .*reloads it anyway; api runs on as before\n$/);
    // Nothing was stopped: the same process, no restart counted.
    const after = await waitForTier(dir, 'api', (tier) => tier.state === 'ready', 'ready');
    expect([after.pid, after.restarts]).toEqual([before.pid, before.restarts]);
    // The override the message names works: stopped, then spawned.
    expect((await landDone(['stop', 'api'], dir)).code).toBe(0);
    expect((await landDone(['spawn', 'api'], dir)).code).toBe(0);
    await waitForTier(dir, 'api', (tier) => tier.state === 'ready' && tier.pid !== before.pid, 'ready again');
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('restart, reload and start of a tier whose ready dependency is starting again: let through, not refused', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Ready once the file `db-go` exists: removed before `land restart db`, db stays starting until the test says.
          db: { command: ['sh', '-c', 'while [ ! -e db-go ]; do sleep 0.1; done; echo db up; exec sleep 1000'], ready: { log: 'db up' } },
          web: { command: child('--say', 'web up'), ready: { log: 'web up' }, dependsOn: { db: 'ready' } },
        },
      },
    });
    writeFileSync(join(dir, 'db-go'), '');
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    const before = await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    rmSync(join(dir, 'db-go'));
    expect((await landDone(['restart', 'db'], dir)).code).toBe(0);
    await waitForTier(dir, 'db', (tier) => tier.state === 'starting', 'starting');
    const restart = await landDone(['restart', 'web'], dir);
    expect([restart.code, restart.stderr]).toEqual([0, '']);
    const restarted = await waitForTier(dir, 'web', (tier) => tier.state === 'ready' && tier.pid !== before.pid, 'restarted');
    const reload = await landDone(['reload', 'web'], dir);
    expect([reload.code, reload.stderr]).toEqual([0, '']);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready' && tier.pid !== restarted.pid, 'reloaded');
    expect((await landDone(['stop', 'web'], dir)).code).toBe(0);
    const start = await landDone(['start', 'web'], dir);
    expect([start.code, start.stderr]).toEqual([0, '']);
    // db was starting all along: what let them through was not a db that had become ready.
    expect((await waitForTier(dir, 'db', () => true, 'any')).state).toBe('starting');
    writeFileSync(join(dir, 'db-go'), '');
    await waitForTier(dir, 'db', (tier) => tier.state === 'ready', 'ready');
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a dependency with replicas is decided over all of them: one failed refuses whatever the others do, each failed one named', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Every replica is ready once `db-go` exists; db.2 and db.3 then fail for good once `go` exists; db.1 runs on.
          db: {
            command: ['sh', '-c', 'while [ ! -e db-go ]; do sleep 0.1; done; echo db up; [ "$LAND_REPLICA" = 1 ] && exec sleep 1000; while [ ! -e go ]; do sleep 0.1; done; exit 3'],
            ready: { log: 'db up' },
            replicas: 3,
            restart: { policy: 'never' },
          },
          web: { command: child('--say', 'web up'), ready: { log: 'web up' }, dependsOn: { db: 'ready' } },
        },
      },
    });
    writeFileSync(join(dir, 'db-go'), '');
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    const before = await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    writeFileSync(join(dir, 'go'), '');
    for (const name of ['db.2', 'db.3']) await waitForTier(dir, name, (tier) => tier.state === 'failed', 'failed');
    const refusal = 'land: web needs db ready: db.2 failed, db.3 failed; `land start db` first, or `land stop web` then `land spawn web` restarts it anyway; web runs on as before\n';
    // db.1 ready: still refused (the boot would not start web against a failed replica either).
    const ready = await landDone(['restart', 'web'], dir);
    expect([ready.code, ready.stderr]).toEqual([4, refusal]);
    // db.1 starting again (it may yet be ready) beside the failed ones: the same answer.
    rmSync(join(dir, 'db-go'));
    expect((await landDone(['restart', 'db.1'], dir)).code).toBe(0);
    await waitForTier(dir, 'db.1', (tier) => tier.state === 'starting', 'starting');
    const starting = await landDone(['restart', 'web'], dir);
    expect([starting.code, starting.stderr]).toEqual([4, refusal]);
    const after = await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    expect([after.pid, after.restarts]).toEqual([before.pid, before.restarts]);
    // The advice works: land start db starts the failed replicas again (db.1 is left as it is), then web restarts.
    rmSync(join(dir, 'go'));
    writeFileSync(join(dir, 'db-go'), '');
    expect((await landDone(['start', 'db'], dir)).code).toBe(0);
    for (const name of ['db.1', 'db.2', 'db.3']) await waitForTier(dir, name, (tier) => tier.state === 'ready', 'ready');
    const restarted = await landDone(['restart', 'web'], dir);
    expect([restarted.code, restarted.stderr]).toEqual([0, '']);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);
});
