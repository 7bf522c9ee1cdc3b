/**
 * Where scheduled tiers meet the wave's other commands, through the real CLI with real processes and per-second
 * schedules: `land apply` schedules an added scheduled tier, takes a changed expression as a new cron and replaces a
 * tier that drops its schedule by a service; `land reload --all` and `land restart --all` leave a run under way alone,
 * and `land reload job` says to use `land start job` (exit 4); a gate lifted by the edited profile does not run a job
 * at once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf, waitForTier } from '../control/helpers.js';
import { E2E_TIMEOUT, writeConfig } from './helpers.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
});
afterAll(removeProjects);

/** A job that says it ran, then ends. */
const says = (word: string) => ['node', '-e', `console.log(${JSON.stringify(word)})`];
/** The first of January at midnight: no time of it comes during a test. */
const NEVER = '0 0 1 1 *';
const EVERY_SECOND = '* * * * * *';

describe('scheduled tiers and the other commands', () => {
  it('land apply schedules an added scheduled tier, takes a new expression, and replaces a tier that drops its schedule', async () => {
    const web = { command: child('--say', 'web up'), ready: { log: 'web up' } };
    const tiers = {
      web,
      job: { command: says('job ran'), schedule: NEVER },
      // A scheduled tier that becomes a service: it must start, not wait for a time that no longer exists.
      flip: { command: child('--say', 'flip up'), ready: { log: 'flip up' }, schedule: NEVER },
    };
    const dir = makeProject({ config: { tiers } });
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    runs.push(run);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    await waitForTier(dir, 'flip', (tier) => tier.state === 'scheduled', 'scheduled');
    const webPid = tierOf(await status(dir), 'web').pid;

    writeConfig(dir, {
      tiers: {
        web,
        job: { ...tiers.job, schedule: EVERY_SECOND },
        flip: { command: tiers.flip.command, ready: tiers.flip.ready },
        job2: { command: says('job2 ran'), schedule: EVERY_SECOND },
      },
    });
    const applied = await landDone(['apply'], dir);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^ {2}= web +unchanged: left it alone$/m);
    expect(applied.stdout).toMatch(/^ {2}~ job +changed \(schedule 0 0 1 1 \* → \* \* \* \* \* \*\): rescheduled it$/m);
    expect(applied.stdout).toMatch(/^ {2}~ flip +changed \(.*schedule dropped\): replaced its instances: stopped them, started the new ones$/m);
    expect(applied.stdout).toMatch(/^ {2}\+ job2 +added: scheduled it \(\* \* \* \* \* \*\)$/m);

    // The added job waits for its first time (not run at once as a pending tier), then runs at its times.
    await run.waitFor(/job2: \w+ → scheduled \(added to the config \(land apply\); waiting for its first time \(\* \* \* \* \* \*\)\)/);
    await run.waitFor(/(job2 +\| job2 ran[^]*){2}/, 30_000);
    // The changed expression is the job's new cron: it runs every second now.
    await run.waitFor(/(job +\| job ran[^]*){2}/, 30_000);
    const flip = await waitForTier(dir, 'flip', (tier) => tier.state === 'ready', 'ready');
    expect(flip.schedule).toBeUndefined();
    const after = await status(dir);
    expect(tierOf(after, 'job2').schedule).toMatchObject({ expression: EVERY_SECOND });
    expect(tierOf(after, 'job2').schedule!.runs).toBeGreaterThanOrEqual(2);
    expect(tierOf(after, 'job').schedule!.expression).toBe(EVERY_SECOND);
    expect(tierOf(after, 'web').pid).toBe(webPid);

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('reload --all and restart --all leave a run under way alone; land reload of a scheduled tier is refused (exit 4)', async () => {
    const tiers = {
      web: { command: child('--say', 'web up'), ready: { log: 'web up' } },
      // Its first run lasts the whole test: every later time is skipped, so its pid is the run's.
      job: { command: child('--say', 'job running'), schedule: EVERY_SECOND },
    };
    const dir = makeProject({ config: { tiers } });
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    runs.push(run);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    const job = await waitForTier(dir, 'job', (tier) => tier.state === 'ready', 'ready');

    const reloaded = await landDone(['reload', '--all'], dir);
    expect(reloaded.stderr).toBe('');
    expect(reloaded.code).toBe(0);
    expect(reloaded.stdout).toMatch(/^land: web has no replicas: reloaded as a restart/m);
    expect(reloaded.stdout).not.toContain('job');

    const restarted = await landDone(['restart', '--all'], dir);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).not.toContain('job');

    const refused = await landDone(['reload', 'job'], dir);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe('land: job is a scheduled tier (* * * * * *): there is nothing to reload; land start job runs it now\n');
    expect(tierOf(await status(dir), 'job').pid).toBe(job.pid);

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);
  it('a scheduled tier whose gate the edited profile lifts waits for its next time, not run at once', async () => {
    const tiers = {
      web: { command: child('--say', 'web up'), ready: { log: 'web up' } },
      job: { command: says('job ran'), schedule: NEVER, gate: 'Job' },
    };
    const dir = makeProject({ config: { tiers }, profiles: { debug: 'Job=false\n' } });
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    runs.push(run);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    expect(tierOf(await status(dir), 'job').state).toBe('disabled');

    writeFileSync(join(dir, 'profiles', 'debug.env'), 'Job=true\n');
    const applied = await landDone(['apply'], dir);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/^ {2}~ job +changed \(no longer gated off \(was Job=false\); env Job\): scheduled it \(0 0 1 1 \*\)$/m);
    await run.waitFor(/job: disabled → scheduled \(no longer gated off \(land apply\); waiting for its next time \(0 0 1 1 \*\)\)/);
    const job = tierOf(await status(dir), 'job');
    expect(job).toMatchObject({ state: 'scheduled', schedule: { runs: 0 } });
    expect(job.lastExit).toBeUndefined();
    expect(run.stdout).not.toMatch(/job: spawned pid/);

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);
});
