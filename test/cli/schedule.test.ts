/**
 * Scheduled tiers (`schedule`): a job land runs at each time of its cron expression while the stack runs, one run at
 * a time, never holding the stack up or ending it. Real stacks with per-second schedules (croner's seconds field).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, markedProcesses, removeProjects, survivorsIn } from '../helpers/land.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';

// Folders whose stack runs in the background (`land up -d`): a test that fails before its own `land down` must not
// leave that land and its tiers running after the file (test/setup.ts stops only the lands a test holds).
const backgrounds: string[] = [];
afterAll(async () => {
  // Only where a land still holds the folder: after the test's own `land down`, another would cost a node start.
  const held = backgrounds.splice(0).filter((dir) => existsSync(join(dir, '.land', 'run', 'land.pid')));
  await Promise.all(held.map((dir) => landDone(['down'], dir)));
  removeProjects();
});

async function status(dir: string): Promise<StackSnapshot> {
  const result = await landDone(['status', '--json'], dir);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as StackSnapshot;
}

const tierOf = (snapshot: StackSnapshot, name: string) => snapshot.tiers.find((tier) => tier.name === name)!;

/** The job's lines of the plain output, in order: what it spawned and each of its transitions. */
const jobLines = (stdout: string) => stdout.split('\n').filter((line) => /^mountain +\| job: (spawned pid|\w+ → \w+)/.test(line));

describe.concurrent('scheduled tiers', () => {
  it('runs at each time, a failed run does not stop the stack nor re-run, and status shows the last run and the next', { timeout: 60_000 }, async () => {
    const pids = join(makeProject({ config: { tiers: {} } }), 'pids');
    const dir = makeProject({
      config: {
        tiers: {
          web: { command: child('--say', 'web up', '--pidfile', pids) },
          // Every second; each run fails (exit 3): the default restart policy does not apply to a scheduled tier. A
          // shell, not node: a run must end within its second even on a loaded machine, or the next time is skipped.
          job: { command: ['sh', '-c', 'echo job ran; exit 3'], schedule: '* * * * * *' },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/job: \w+ → scheduled \(waiting for its first time \(\* \* \* \* \* \*\)\)/);
    await run.waitFor(/(job: spawned pid \d+[^]*){3}/);
    await run.waitFor(/(job: \w+ → scheduled \(waiting for its next time[^]*){2}/);
    const snapshot = await status(dir);
    const job = tierOf(snapshot, 'job');
    expect(job.schedule).toMatchObject({ expression: '* * * * * *' });
    expect(job.schedule!.runs).toBeGreaterThanOrEqual(3);
    // Skipping is the next test's subject; here a time is skipped only if a run outlived its second (a loaded CI).
    expect(job.schedule!.skipped).toBeLessThan(job.schedule!.runs);
    expect(job.schedule!.nextRunAt).toBeGreaterThan(Date.now() - 1000);
    expect(job.lastExit).toMatchObject({ code: 3 });
    expect(tierOf(snapshot, 'web').state).toBe('ready');
    // A failed run goes back to scheduled: never backoff, never failed (which would be a restart policy at work).
    expect(run.stdout).toMatch(/job: \w+ → crashed \(exited with code 3\)/);
    expect(run.stdout).not.toMatch(/job: .*→ (backoff|failed)/);
    const table = await landDone(['status'], dir);
    expect(table.stdout).toMatch(/^job +(scheduled|starting|ready|stopping) .* code 3 .*· next run \d\d:\d\d:\d\d · \d+ runs?/m);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await run.exited).code).toBe(0);
    expect(survivorsIn(pids)).toEqual([]);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });

  it('skips a time that comes while the last run still goes, and says so: never two runs at once', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: { tiers: { job: { command: ['node', '-e', 'console.log("job start"); setTimeout(() => {}, 2500)'], schedule: '* * * * * *' } } },
    });
    const run = land(['up', '--no-tui'], dir);
    // Said once, as the tier's own `[land]` line (the error event, for telemetry, is not printed again).
    await run.waitFor(/job +\| \[land\] the run due at \d\d:\d\d:\d\d was skipped: the last run \(pid \d+\) is still going/);
    await run.waitFor(/(job: spawned pid \d+[^]*){2}/, 30_000);
    const snapshot = await status(dir);
    expect(tierOf(snapshot, 'job').schedule!.skipped).toBeGreaterThanOrEqual(1);
    expect(tierOf(snapshot, 'job').schedule!.lastSkip!.reason).toMatch(/is still going/);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await run.exited;
    // The skip is in the tier's log file too, marked as land's own line: `land logs` with no stack reads the file.
    const logs = await landDone(['logs', 'job'], dir);
    expect(logs.stdout).toMatch(/^\[land\] the run due at \d\d:\d\d:\d\d was skipped: the last run \(pid \d+\) is still going$/m);
    expect(logs.stdout).toMatch(/^job start$/m);
    // Each skip printed once, as the `[land]` line the log file holds: never also as the error event's line.
    expect(run.stdout).not.toContain('schedule-skipped');
    const skipsIn = (text: string) => text.match(/\[land\] the run due at \S+ was skipped: /g)?.length ?? 0;
    expect(skipsIn(run.stdout)).toBe(skipsIn(logs.stdout));
    expect(skipsIn(run.stdout)).toBeGreaterThanOrEqual(1);
    // Each spawn comes after the last run went back to scheduled (or stopped, at the shutdown).
    const lines = jobLines(run.stdout);
    expect(lines.filter((line) => line.includes('spawned pid')).length).toBeGreaterThanOrEqual(2);
    let running = false;
    for (const line of lines) {
      if (line.includes('spawned pid')) {
        expect(running, lines.join('\n')).toBe(false);
        running = true;
      } else if (/→ (scheduled|stopped)/.test(line)) running = false;
    }
  });

  it('waits for its dependencies: a time before they are ready is skipped; the stack is up without its first run', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Ready only once the test says so (the file `go`): a time surely comes while it is not (`--say` is at start).
          db: { command: ['sh', '-c', 'while [ ! -e go ]; do sleep 0.1; done; echo db ready; exec sleep 300'], ready: { log: 'db ready' } },
          job: { command: ['node', '-e', 'console.log("job ran")'], schedule: '* * * * * *', dependsOn: { db: 'ready' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/job +\| \[land\] the run due at \S+ was skipped: waiting for its dependencies \(db ready: db starting\)/);
    writeFileSync(join(dir, 'go'), '');
    await run.waitFor(/db: \w+ → ready[^]*job: spawned pid/);
    // While the stack runs, `land logs` has it among the tier's lines.
    const logs = await landDone(['logs', 'job'], dir);
    expect(logs.stdout).toMatch(/^\[land\] the run due at \S+ was skipped: waiting for its dependencies \(db ready: db starting\)$/m);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await run.exited;
  });

  it('a dependency once ready that failed since: its times are skipped, said and counted; land start is refused', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: {
        tiers: {
          // Ready at once (no probe), then fails for good: `ready` was met, and is not any more.
          db: { command: ['sh', '-c', 'while [ ! -e go ]; do sleep 0.1; done; exit 3'], restart: { policy: 'never' } },
          job: { command: ['node', '-e', 'console.log("job ran")'], schedule: '* * * * * *', dependsOn: { db: 'ready' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: \w+ → ready/);
    writeFileSync(join(dir, 'go'), '');
    await run.waitFor(/db: \w+ → failed/);
    const after = run.stdout.length;
    await run.waitFor(/(job +\| \[land\] the run due at \S+ was skipped: waiting for its dependencies \(db ready: db failed\)[^]*){2}/);
    expect(run.stdout.slice(after)).not.toMatch(/job: spawned pid/);
    const job = tierOf(await status(dir), 'job');
    expect(job.schedule!.skipped).toBeGreaterThanOrEqual(2);
    expect(job.schedule!.lastSkip!.reason).toBe('waiting for its dependencies (db ready: db failed)');
    const start = await landDone(['start', 'job'], dir);
    expect(start.code).toBe(4);
    expect(start.stderr.trim()).toBe('land: job needs db ready: db failed; `land start db` first, or `land spawn job` starts it anyway');
    expect(run.stdout.slice(after)).not.toMatch(/job: spawned pid/);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await run.exited;
  });

  it('land start runs it now; land stop pauses its schedule until the next start', { timeout: 60_000 }, async () => {
    // The first of January at midnight: no run comes by itself during the test.
    const dir = makeProject({ config: { tiers: { job: { command: ['node', '-e', 'console.log("job ran")'], schedule: '0 0 1 1 *' } } } });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/job: \w+ → scheduled/);
    let job = tierOf(await status(dir), 'job');
    expect(job.state).toBe('scheduled');
    expect(new Date(job.schedule!.nextRunAt!).getMonth()).toBe(0);
    expect((await landDone(['start', 'job'], dir)).code).toBe(0);
    await run.waitFor(/job +\| job ran[^]*job: \w+ → scheduled \(waiting for its next time/);
    job = tierOf(await status(dir), 'job');
    expect(job).toMatchObject({ state: 'scheduled', lastExit: { code: 0 }, schedule: { runs: 0 } });
    expect((await landDone(['stop', 'job'], dir)).code).toBe(0);
    job = tierOf(await status(dir), 'job');
    expect(job.state).toBe('stopped');
    expect(job.schedule!.nextRunAt).toBeUndefined();
    expect((await landDone(['status'], dir)).stdout).toMatch(/^job +stopped .*· no next run/m);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await run.exited;
  });

  it('land up -d returns once the rest is up: a scheduled tier does not hold the stack up', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: { tiers: { web: { command: child('--say', 'up') }, job: { command: ['node', '-e', 'process.exit(1)'], schedule: '0 0 1 1 *' } } },
    });
    backgrounds.push(dir);
    const up = await landDone(['up', '-d', '--wait-timeout', '20'], dir);
    expect(up.code, up.stdout + up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^job +scheduled /m);
    expect((await landDone(['down'], dir)).code).toBe(0);
  });
});

describe.concurrent('a bad schedule', () => {
  it.each([
    ['61 * * * *', /^land: land\.config\.mjs: tiers\.job\.schedule: expected a cron expression such as '\*\/5 \* \* \* \*' \(.+\), got "61 \* \* \* \*"$/],
    ['every minute', /^land: land\.config\.mjs: tiers\.job\.schedule: expected a cron expression such as '\*\/5 \* \* \* \*' \(.+\), got "every minute"$/],
    [5, /^land: land\.config\.mjs: tiers\.job\.schedule: expected a cron expression such as '\*\/5 \* \* \* \*', got 5$/],
  ])('%s: land up exits 2 with one line naming the file, the key and what was expected; land check too', async (schedule, line) => {
    const dir = makeProject({ config: { tiers: { job: { command: ['true'], schedule } } } });
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr.trim()).toMatch(line);
    expect(up.stderr.trim().split('\n')).toHaveLength(1);
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(2);
    expect(check.stdout + check.stderr).toContain('tiers.job.schedule: expected a cron expression');
  });

  it.each([
    [{ replicas: 2 }, 'tiers.job.replicas: expected no replicas on a scheduled tier (it runs one process at a time), got 2'],
    [{ restart: { policy: 'always' } }, 'tiers.job.restart.policy: expected never on a scheduled tier (a failed run waits for its next time), got "always"'],
    [{ exitWith: true }, 'tiers.job.exitWith: expected no exitWith on a scheduled tier (it never ends for good), got true'],
  ])('%o with a schedule: refused at load (exit 2)', async (extra, message) => {
    const dir = makeProject({ config: { tiers: { job: { command: ['true'], schedule: '* * * * *', ...extra } } } });
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr.trim()).toBe(`land: land.config.mjs: ${message}`);
  });
});
