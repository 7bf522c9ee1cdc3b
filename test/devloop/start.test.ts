/** `land start <tier>` through the real CLI: starts a stopped tier of the running stack; refusals with their codes. */
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
});
