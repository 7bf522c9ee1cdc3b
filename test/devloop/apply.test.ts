/**
 * `land apply` through the real CLI: the running land reads its edited config again and acts on the difference.
 * Added tiers start, removed ones stop and go, changed ones restart with their new definition (their process sees
 * the new environment), unchanged ones keep their process; a dry run and a bad config change nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, CHILD, envReports, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, http, status, tierOf, waitForTier } from '../control/helpers.js';
import type { ApplyResult } from '../../src/supervisor/apply-plan.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';
import { E2E_TIMEOUT, writeConfig } from './helpers.js';

// The tests run side by side (each its own folder and stack): one clean-up after them all, which an afterEach would
// run under the others. After-hooks run in reverse: the lands are stopped, then their folders go.
const runs: LandRun[] = [];
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

const pids = (snapshot: StackSnapshot) => Object.fromEntries(snapshot.tiers.map((tier) => [tier.name, tier.pid]));

/** `land up` with each of `names` ready, as its printer says (a poll of `land status` would start a node each time). */
async function upAndReady(dir: string, names: string[]): Promise<LandRun> {
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  for (const name of names) await run.waitFor(new RegExp(`\\| ${name.replace(/\./g, '\\.')}: \\w+ → ready`));
  return run;
}

// Side by side: each test has its own folder, stack and reports folder.
describe.concurrent('land apply', () => {
  it('starts added tiers, stops removed ones, restarts changed ones with their new env and leaves the rest alone', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const api = (greeting: string) => ({
      command: child('--report-env', reports, '--say', 'api up'),
      env: { GREETING: greeting },
      dependsOn: { db: 'ready' },
      ready: { log: 'api up' },
    });
    const tiers = {
      db: { command: child('--say', 'db up'), ready: { log: 'db up' } },
      api: api('one'),
      // Depends on api: left running when api restarts, as `land restart api` leaves it.
      side: { command: child('--say', 'side up'), dependsOn: { api: 'ready' }, ready: { log: 'side up' } },
      old: { command: child('--say', 'old up'), ready: { log: 'old up' } },
    };
    const dir = makeProject({ config: { tiers } });
    const run = await upAndReady(dir, ['db', 'api', 'side', 'old']);
    const before = pids(await status(dir));

    const web = { command: child('--say', 'web up'), dependsOn: { api: 'ready' }, ready: { log: 'web up' } };
    writeConfig(dir, { tiers: { db: tiers.db, api: api('two'), side: tiers.side, web } });

    // A dry run prints the plan and changes nothing.
    const dry = await landDone(['apply', '--dry-run'], dir);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^land: apply --dry-run: land\.config\.mjs \(profile debug\); nothing was changed$/m);
    expect(dry.stdout).toMatch(/^ {2}= db +unchanged: leave it alone$/m);
    expect(dry.stdout).toMatch(/^ {2}~ api +changed \(env GREETING\): restart it with the new definition$/m);
    expect(dry.stdout).toMatch(/^ {2}= side +unchanged: leave it alone$/m);
    expect(dry.stdout).toMatch(/^ {2}\+ web +added: start once api ready$/m);
    expect(dry.stdout).toMatch(/^ {2}- old +removed: stop and forget it$/m);
    const afterDry = await status(dir);
    expect(pids(afterDry)).toEqual(before);
    expect(afterDry.tiers.map((tier) => tier.name)).toEqual(['db', 'api', 'side', 'old']);

    // The JSON answer: the plan, tier by tier.
    const socketPath = join(dir, '.land', 'run', 'land.sock');
    const raw = await http({ socketPath }, '/apply?dryRun=1', { method: 'POST' });
    expect(raw.status).toBe(200);
    const planned = JSON.parse(raw.body) as ApplyResult;
    expect(planned.steps.map(({ tier, change }) => [tier, change])).toEqual([
      ['db', 'unchanged'],
      ['api', 'changed'],
      ['side', 'unchanged'],
      ['web', 'added'],
      ['old', 'removed'],
    ]);
    expect((await http({ socketPath }, '/apply?dryRun=yes', { method: 'POST' })).status).toBe(400);

    const applied = await landDone(['apply'], dir);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^land: applied land\.config\.mjs \(profile debug\)$/m);
    // Said after acting: what was done, not the plan's wording.
    expect(applied.stdout).toMatch(/^ {2}~ api +changed \(env GREETING\): restarted with the new definition$/m);
    expect(applied.stdout).toMatch(/^ {2}= db +unchanged: left it alone$/m);
    expect(applied.stdout).toMatch(/^ {2}\+ web +added: starting once api ready$/m);
    expect(applied.stdout).toMatch(/^ {2}- old +removed: stopped and forgot it$/m);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    const newApi = await waitForTier(dir, 'api', (tier) => tier.state === 'ready', 'ready');
    const after = await status(dir);
    expect(after.tiers.map((tier) => tier.name)).toEqual(['db', 'api', 'side', 'web']);
    expect(tierOf(after, 'db').pid).toBe(before.db);
    expect(tierOf(after, 'side').pid).toBe(before.side);
    expect(newApi.pid).not.toBe(before.api);
    await waitUntil(() => !isAlive(before.api!) && !isAlive(before.old!), 10_000, 'the old api and the removed tier to exit');
    // The new process of the changed tier sees the new env; land says why each changed.
    const envs = envReports(reports, 'api');
    expect(envs.map((env) => env.GREETING)).toEqual(['one', 'two']);
    expect(envs[1]!.LAND_BOOT_ID).toBe(run.bootId);
    expect(run.stdout).toMatch(/old: ready → stopping \(removed from the config \(land apply\)\)/);
    expect(run.stdout).toMatch(/api: ready → stopping \(restarting with its new definition: env GREETING \(land apply\)\)/);

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('an added tier that depends on a changed one starts once the changed one\'s new life is ready', async () => {
    const plain = (greeting: string) => ({ command: child('--say', 'plain up'), env: { GREETING: greeting }, ready: { log: 'plain up' } });
    const dir = makeProject({ config: { tiers: { plain: plain('one') } } });
    const run = await upAndReady(dir, ['plain']);
    const before = tierOf(await status(dir), 'plain').pid;

    const extra = { command: child('--say', 'extra up'), dependsOn: { plain: 'ready' }, ready: { log: 'extra up' } };
    writeConfig(dir, { tiers: { plain: plain('two'), extra } });
    const applied = await landDone(['apply'], dir);
    expect(applied.code).toBe(0);
    await waitForTier(dir, 'extra', (tier) => tier.state === 'ready', 'ready');
    const after = tierOf(await status(dir), 'plain');
    expect(after.pid).not.toBe(before);
    // Before the fix, extra started in the moment plain was stopped, on the old life's "ready once".
    const lines = run.stdout.split('\n');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const stopped = at(/plain: \w+ → stopped \(/);
    const extraStarts = at(/extra: pending → starting \(dependencies met: plain ready\)/);
    const newPlainReady = lines.findIndex((line, index) => index > stopped && /plain: \w+ → ready/.test(line));
    expect(stopped).toBeGreaterThan(-1);
    expect(newPlainReady, run.stdout).toBeGreaterThan(stopped);
    expect(extraStarts, run.stdout).toBeGreaterThan(newPlainReady);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('refuses a bad config with one line and exit 2, changing nothing; without a stack it says so (exit 3)', async () => {
    const config = { tiers: { a: { command: child('--say', 'a up'), ready: { log: 'a up' } }, b: { command: child('--say', 'b up'), ready: { log: 'b up' } } } };
    const dir = makeProject({ config });
    const none = await landDone(['apply'], dir);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^land: no stack is running in /);

    const run = await upAndReady(dir, ['a', 'b']);
    const before = pids(await status(dir));
    const bad: Array<[string, RegExp]> = [
      ['export default { tiers: { a: { command: [ };\n', /^land: land\.config\.mjs:1:\d+: failed to load: /],
      [`export default ${JSON.stringify({ tiers: { a: { command: 42 } } })};\n`, /^land: land\.config\.mjs: tiers\.a\.command: expected /],
      [`export default ${JSON.stringify({ tiers: { a: { command: child(), dependsOn: { b: 'ready' } }, b: { command: child(), dependsOn: { a: 'ready' } } } })};\n`, /^land: land\.config\.mjs: .*cycle/],
      [`export default ${JSON.stringify({ tiers: { a: { command: ['no-such-command-here'] } } })};\n`, /^land: .*no-such-command-here/],
    ];
    for (const [text, expected] of bad) {
      writeFileSync(join(dir, 'land.config.mjs'), text);
      const result = await landDone(['apply'], dir);
      expect(result.code, text).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd().split('\n'), text).toHaveLength(1);
      expect(result.stderr).toMatch(expected);
    }
    const after = await status(dir);
    expect(pids(after)).toEqual(before);
    expect(after.tiers.map((tier) => [tier.name, tier.state])).toEqual([['a', 'ready'], ['b', 'ready']]);

    // Once the config is good again, it applies (nothing changed: every tier left alone).
    writeConfig(dir, config);
    const good = await landDone(['apply'], dir);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^ {2}= a +unchanged: left it alone$/m);
    expect(pids(await status(dir))).toEqual(before);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a tier the edited profile gates off stops and shows disabled; one it no longer gates off starts', async () => {
    const tiers = {
      extra: { command: child('--say', 'extra up'), gate: 'Extra', ready: { log: 'extra up' } },
      other: { command: child('--say', 'other up'), gate: 'Other', ready: { log: 'other up' } },
    };
    const dir = makeProject({ config: { tiers }, profiles: { debug: 'Extra=false\nOther=true\n' } });
    const run = await upAndReady(dir, ['other']);
    const before = await status(dir);
    expect(tierOf(before, 'extra')).toMatchObject({ state: 'disabled', gatedBy: 'Extra=false' });

    writeFileSync(join(dir, 'profiles', 'debug.env'), 'Extra=true\nOther=false\n');
    const applied = await landDone(['apply'], dir);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^ {2}~ extra +changed \(no longer gated off \(was Extra=false\); env Extra, Other\): starting it once its dependencies are met$/m);
    expect(applied.stdout).toMatch(/^ {2}~ other +changed \(gated off \(Other=false\); env Extra, Other\): stopped it$/m);
    await waitForTier(dir, 'extra', (tier) => tier.state === 'ready', 'ready');
    const other = await waitForTier(dir, 'other', (tier) => tier.state === 'disabled', 'disabled');
    expect(other.reason).toBe('gated off by Other=false (land apply)');
    await waitUntil(() => !isAlive(tierOf(before, 'other').pid!), 10_000, 'the gated-off tier to exit');
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('a changed count of replicas scales the tier, keeping the replicas that stay', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const web = (replicas: number) => ({ command: ['node', CHILD, '--report-env', reports, '--say', 'web up'], replicas, ready: { log: 'web up' } });
    const dir = makeProject({ config: { tiers: { web: web(2) } } });
    const run = await upAndReady(dir, ['web.1', 'web.2']);
    const before = pids(await status(dir));

    writeConfig(dir, { tiers: { web: web(3) } });
    const applied = await landDone(['apply'], dir);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^ {2}~ web +scaled \(replicas 2 → 3\): scaled 2 → 3$/m);
    await waitForTier(dir, 'web.3', (tier) => tier.state === 'ready', 'ready');
    const after = await status(dir);
    expect(tierOf(after, 'web.1').pid).toBe(before['web.1']);
    expect(tierOf(after, 'web.2').pid).toBe(before['web.2']);
    expect(envReports(reports, 'web').map((env) => env.LAND_REPLICA).sort()).toEqual(['1', '2', '3']);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);
});
