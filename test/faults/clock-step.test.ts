/**
 * A step of the wall clock (NTP correcting a drift, a VM's resume, `date -s`) moves no deadline: a stop takes its
 * stop.timeoutMs whatever the clock does. Before, a stop's deadline was on the wall clock: set back 10 minutes during
 * a stop, the stop waited 10 minutes, then called the process it had just SIGKILLed "still there after SIGKILL"
 * (exit 7). libfaketime (Debian's faketime, installed by .ci/run) steps land's wall clock only, as NTP does.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';

const FAKETIME = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1'].find((file) => existsSync(file));

const runs: LandRun[] = [];
afterAll(removeProjects);
afterAll(() => cleanUp(runs));

describe('a wall-clock step during a stop', () => {
  it('is not waited for: the stop ends at its own timeout, and says nothing was left', async () => {
    expect(FAKETIME, "Debian's faketime (libfaketimeMT) is needed: apt-get install faketime").toBeDefined();
    const dir = makeProject({
      config: {
        app: 'clockstep',
        tiers: {
          // Its leader exits on SIGTERM; its child ignores it: land waits stop.timeoutMs, then SIGKILLs the child.
          stubborn: {
            command: ['sh', '-c', 'sh -c "trap \\"echo child got TERM\\" TERM; while :; do sleep 1; done" & echo up; wait'],
            ready: { log: 'up' },
            stop: { timeoutMs: 1500 },
          },
        },
      },
    });
    const clock = join(dir, 'clock');
    writeFileSync(clock, '+0\n');
    const env = { LD_PRELOAD: FAKETIME!, FAKETIME_TIMESTAMP_FILE: clock, FAKETIME_CACHE_DURATION: '1', FAKETIME_DONT_FAKE_MONOTONIC: '1' };
    const run = land(['up', '--no-tui', '--no-dashboard'], dir, env);
    runs.push(run);
    await run.waitFor(/stubborn: starting → ready/, 60_000);
    const began = performance.now();
    const stopping = landDone(['stop', 'stubborn'], dir, env);
    await run.waitFor(/stubborn: ready → stopping/, 30_000);
    // Ten minutes back, as the stop waits for its timeout.
    writeFileSync(clock, '-10m\n');
    const stopped = await stopping;
    const took = performance.now() - began;
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(0);
    expect(stopped.stdout + stopped.stderr).not.toMatch(/could not be stopped/);
    // A bound against the hang (10 minutes before), not a speed check: the stop's 1.5 s plus a generous margin.
    expect(took).toBeLessThan(60_000);
    expect(run.output).not.toMatch(/could not be stopped/);
  }, 150_000);
});
