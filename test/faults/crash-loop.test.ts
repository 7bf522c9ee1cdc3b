/** Fault: a tier that crash-loops (and leaves SIGTERM-proof grandchildren behind each time). */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { land, makeProject, markedProcesses, removeProjects, survivorsIn, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from '../control/helpers.js';
import { RECORD_PROFILE, recordedEvents, sleeper, snapshot } from './support.js';

const runs: LandRun[] = [];
afterEach(() => cleanUp(runs));
afterAll(removeProjects);

describe('fault: a tier that crash-loops', () => {
  it('backs off as configured, spends its budget, fails with its reason; one error event per crash; the neighbour and its telemetry are untouched', async () => {
    const scratch = makeProject({ config: { tiers: {} } });
    const pids = join(scratch, 'pids');
    mkdirSync(pids);
    const counts = join(scratch, 'starts.txt');
    const dir = makeProject({
      config: {
        tiers: {
          flaky: {
            // Each life leaves a grandchild that ignores SIGTERM and holds the tier's stdout, then the leader exits 3.
            command: ['sh', '-c', `echo start >> ${counts}; trap '' TERM; sleep 300 & echo > ${pids}/$!; sleep 0.2; exit 3`],
            restart: { policy: 'on-failure', maxRestarts: 3, backoff: { initialMs: 100, maxMs: 250 } },
            stop: { timeoutMs: 200 },
          },
          steady: sleeper('steady'),
        },
      },
      profiles: RECORD_PROFILE,
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/steady: starting → ready/);
    const steadyPid = tierOf(await snapshot(dir), 'steady').pid;
    await run.waitFor(/flaky: \w+ → failed/);

    // Backoff doubling from initialMs, capped at maxMs; four lives; the budget named as the reason.
    const delays = [...run.stdout.matchAll(/flaky: crashed → backoff \(restarting in (\d+ ms)\)/g)].map((m) => m[1]);
    expect(delays).toEqual(['100 ms', '200 ms', '250 ms']);
    expect(readFileSync(counts, 'utf8').trim().split('\n')).toHaveLength(4);
    expect(run.stdout).toMatch(/flaky: crashed → failed \(restart budget spent \(3 restarts; last: exited with code 3\)\)/);
    const told = await status(dir); // what `land status --json` tells the person
    expect(tierOf(told, 'flaky')).toMatchObject({ state: 'failed', reason: 'restart budget spent (3 restarts; last: exited with code 3)', restarts: 3 });
    expect(tierOf(told, 'flaky').lastExit?.code).toBe(3);

    // Nothing left behind: every life's SIGTERM-proof grandchild died with its leader.
    expect(readdirSync(pids)).toHaveLength(4); // one per life, each alive when its leader exited
    await waitUntil(() => survivorsIn(pids).length === 0, 5_000, 'the grandchildren of every life to be gone');

    // The neighbour: same process, never restarted, never crashed.
    expect(tierOf(told, 'steady')).toMatchObject({ state: 'ready', pid: steadyPid, restarts: 0 });
    expect(run.stdout).not.toMatch(/steady: \w+ → (crashed|failed|backoff)/);

    // Telemetry: one crash error per crash, one budget error, a session:start per life; the neighbour's picture clean.
    const bootId = run.bootId;
    await waitUntil(() => recordedEvents(dir, bootId).some((e) => e.properties.error_tag === 'restart-budget'), 5_000, 'the budget error in the recording');
    const events = recordedEvents(dir, bootId);
    const errors = events.filter((e) => e.event === 'land:flaky:error');
    expect(errors.filter((e) => e.properties.error_tag === 'crash')).toHaveLength(4);
    expect(errors.filter((e) => e.properties.error_tag === 'restart-budget')).toHaveLength(1);
    expect(errors).toHaveLength(5);
    for (const error of errors.filter((e) => e.properties.error_tag === 'crash')) {
      expect(error.properties.error_message).toBe('exited with code 3');
    }
    expect(events.filter((e) => e.event === 'land:flaky:session:start').map((e) => e.properties.restart)).toEqual([0, 1, 2, 3]);
    expect(events.filter((e) => e.event === 'land:flaky:session:end').map((e) => e.properties.why)).toEqual(['crashed', 'crashed', 'crashed', 'crashed']);
    const steadyStarts = events.filter((e) => e.event === 'land:steady:session:start');
    expect(steadyStarts).toHaveLength(1);
    expect(steadyStarts[0]!.properties).toMatchObject({ pid: steadyPid, restart: 0 });
    expect(events.filter((e) => e.event.startsWith('land:steady:') && e.event !== 'land:steady:session:start')).toEqual([]);

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(bootId)).toEqual([]);
  });
});
