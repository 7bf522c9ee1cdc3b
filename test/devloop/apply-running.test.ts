/**
 * `land apply` and the running stack: it reads the config under the profile the stack runs (refused when that
 * profile's file is gone); a follower of one tier's lines (`land logs <tier> -f`, `land attach`, also of a tier with
 * replicas) ends when apply removes that tier, saying so (exit 4), rather than waiting for lines that cannot come; a tier apply sets
 * waiting again says what it waits for, not only that apply made it wait.
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, LAND_BIN, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf, waitForTier } from '../control/helpers.js';
import { E2E_TIMEOUT, writeConfig } from './helpers.js';

const runs: LandRun[] = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

/** `land attach` with a stdin that stays open (as `sleep 100 | land attach`): only the tier's end can end it. */
function attachOpen(dir: string, tier: string) {
  const proc = spawn(process.execPath, [LAND_BIN, 'attach', tier, '-n', '0'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  proc.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((done) => proc.once('close', (code) => done(code)));
  return { proc, exited, out: () => stdout, err: () => stderr };
}

/** `attempt` (awaited), then up to a second for `check`, again until it holds (30 s at most). */
async function until(attempt: () => Promise<unknown>, check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await attempt();
    for (let waited = 0; waited < 1000 && !check(); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Side by side: each test has its own project and stack.
describe.concurrent('land apply and what follows a tier', () => {
  it('land logs <tier> -f and land attach end with one line and exit 4 when apply removes the tier', async () => {
    const rep = { command: ['sh', '-c', 'while read l; do echo "rep $l"; done'], stdin: true };
    const other = { command: child('--say', 'other up'), ready: { log: 'other up' } };
    const dir = makeProject({ config: { tiers: { rep, other } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'other', (tier) => tier.state === 'ready', 'ready');
    const follower = land(['logs', 'rep', '-f'], dir);
    runs.push(follower);
    const attach = attachOpen(dir, 'rep');
    try {
      // Both are following once a line sent now reaches both.
      await until(
        () => landDone(['send', 'rep', 'hello'], dir),
        () => follower.stdout.includes('rep hello') && attach.out().includes('rep hello'),
        'both followers to see a line',
      );
      writeConfig(dir, { tiers: { other } });
      const applied = await landDone(['apply'], dir);
      expect(applied.code, applied.stderr).toBe(0);
      expect(applied.stdout).toMatch(/- rep +removed/);
      expect((await follower.exited).code).toBe(4);
      expect(follower.stderr).toBe('land: rep was removed from the config (land apply); stopped following it\n');
      expect(await attach.exited).toBe(4);
      expect(attach.err()).toBe('land: rep was removed from the config (land apply); detached from rep\n');
    } finally {
      attach.proc.stdin.end();
      attach.proc.kill();
    }
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('land logs <tier> -f of a tier with replicas follows on when land scale removes one, and ends (exit 4, one line) when apply removes the tier', async () => {
    // Each replica says a numbered line every 100 ms: whose lines still come is plain to see.
    const web = (replicas: number) => ({ command: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "web.$LAND_REPLICA says $i"; sleep 0.1; done'], replicas });
    const other = { command: child('--say', 'other up'), ready: { log: 'other up' } };
    const dir = makeProject({ config: { tiers: { web: web(2), other } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'web.2', (tier) => tier.state === 'ready', 'ready');
    const follower = land(['logs', 'web', '-f', '-n', '0'], dir);
    // Every tier (none named): a removal never ends it, only the stack's end.
    const everyTier = land(['logs', '-f', '-n', '0'], dir);
    runs.push(follower, everyTier);
    await until(async () => undefined, () => /web\.1 +\| web\.1 says/.test(follower.stdout) && /web\.2 +\| web\.2 says/.test(follower.stdout), 'both replicas in the follower');
    // One replica removed: web.1 is still followed.
    expect((await landDone(['scale', 'web', '1'], dir)).code).toBe(0);
    const afterScale = follower.stdout.length;
    await until(async () => undefined, () => /web\.1 +\| web\.1 says/.test(follower.stdout.slice(afterScale)), 'web.1 lines after the scale');
    // The tier removed: the follower ends, saying so, as one instance's does.
    writeConfig(dir, { tiers: { other } });
    expect((await landDone(['apply'], dir)).code).toBe(0);
    expect((await follower.exited).code).toBe(4);
    expect(follower.stderr).toBe('land: web was removed from the config (land apply); stopped following it\n');
    expect(everyTier.proc.exitCode).toBeNull();
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(await everyTier.exited).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a replica apply makes no more (the tier drops replicas): its follower ends (exit 4, one line); the tier\'s follows on', async () => {
    const web = (replicas?: number) => ({ command: ['sh', '-c', 'i=0; while :; do i=$((i+1)); echo "web${LAND_REPLICA:+.$LAND_REPLICA} says $i"; sleep 0.1; done'], ...(replicas ? { replicas } : {}) });
    const other = { command: child('--say', 'other up'), ready: { log: 'other up' } };
    const dir = makeProject({ config: { tiers: { web: web(2), other } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'web.2', (tier) => tier.state === 'ready', 'ready');
    const replica = land(['logs', 'web.1', '-f', '-n', '0'], dir);
    const group = land(['logs', 'web', '-f', '-n', '0'], dir);
    runs.push(replica, group);
    await until(async () => undefined, () => replica.stdout.includes('web.1 says') && /web\.2 +\| web\.2 says/.test(group.stdout), 'both followers to see lines');
    writeConfig(dir, { tiers: { web: web(), other } });
    const applied = await landDone(['apply'], dir);
    expect(applied.code, applied.stderr).toBe(0);
    // web.1 is gone for good (web is another instance): its follower ends as a removed tier's does.
    expect((await replica.exited).code).toBe(4);
    // The reason is what changed in the config: not LAND_REPLICA, which land sets itself per instance.
    expect(replica.stderr).toBe('land: web.1 was replaced by web: replicas dropped (land apply); stopped following it\n');
    expect(applied.stdout).toMatch(/^ {2}~ web +changed \(replicas dropped\): replaced its instances/m);
    // `land logs web` named the tier: it goes on with the instance made instead.
    await until(async () => undefined, () => /web +\| web says/.test(group.stdout), 'the new web in the tier\'s follower');
    expect(group.proc.exitCode).toBeNull();
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(await group.exited).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('land attach to a tier whose stdin apply turns off: the next line is refused, exit 4 (no longer taking input)', async () => {
    const rep = (stdin: boolean) => ({ command: ['sh', '-c', 'echo rep up; while read l; do echo "rep $l"; done; exec sleep 300'], stdin, ready: { log: 'rep up' } });
    const dir = makeProject({ config: { tiers: { rep: rep(true) } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'rep', (tier) => tier.state === 'ready', 'ready');
    const attach = attachOpen(dir, 'rep');
    try {
      await until(async () => attach.proc.stdin.write('one\n'), () => attach.out().includes('rep one'), 'the attached line to come back');
      writeConfig(dir, { tiers: { rep: rep(false) } });
      expect((await landDone(['apply'], dir)).code).toBe(0);
      await waitForTier(dir, 'rep', (tier) => tier.state === 'ready' && tier.stdin === undefined, 'restarted without stdin');
      attach.proc.stdin.write('two\n');
      expect(await attach.exited).toBe(4);
      expect(attach.err()).toBe('land: rep takes no input (its stdin is /dev/null): set tiers.rep.stdin: true in the config to type into it (it took input when attach began)\n');
    } finally {
      attach.proc.stdin.end();
      attach.proc.kill();
    }
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a tier apply restarts to wait on a dependency says what it waits for', async () => {
    const aa = { command: child('--say', 'aa up'), ready: { log: 'aa up' } };
    const bb = (dependsOn: Record<string, string>, greeting: string) => ({ command: child('--say', 'bb up'), env: { GREETING: greeting }, dependsOn });
    const dir = makeProject({ config: { tiers: { aa, bb: bb({ aa: 'ready' }, 'one') } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'bb', (tier) => tier.state === 'ready', 'ready');
    // A new env restarts bb (a changed dependsOn alone does not); aa never completes (it runs on): bb waits for good,
    // and its reason says for what.
    writeConfig(dir, { tiers: { aa, bb: bb({ aa: 'completed' }, 'two') } });
    expect((await landDone(['apply'], dir)).code).toBe(0);
    const waiting = await waitForTier(dir, 'bb', (tier) => tier.state === 'pending', 'pending');
    expect(waiting.reason).toBe('its new definition (land apply); waiting for aa completed');
    expect(tierOf(await status(dir), 'aa').state).toBe('ready');
    expect((await landDone(['status'], dir)).stdout).toMatch(/^bb +pending .*waiting for aa completed/m);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('apply during the boot restarts a tier still starting: its waiting dependent starts once the new life is ready (not failed by the stop)', async () => {
    // slow is ready only once the file `go` is there, made after apply's answer: apply changes it while it starts, so
    // its restart stops a life that was never ready (however slow the machine), and the new life is ready at once.
    const slow = (greeting: string) => ({ command: ['sh', '-c', 'while [ ! -e go ]; do sleep 0.1; done; echo slow up; exec sleep 300'], env: { GREETING: greeting }, ready: { log: 'slow up', timeoutMs: 120_000 } });
    const after = { command: child('--say', 'after up'), ready: { log: 'after up' }, dependsOn: { slow: 'ready' } };
    const dir = makeProject({ config: { tiers: { slow: slow('one'), after } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/slow: spawned pid/);
    writeConfig(dir, { tiers: { slow: slow('two'), after } });
    const applied = await landDone(['apply'], dir);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/slow/);
    expect(tierOf(await status(dir), 'after').state).toBe('pending');
    writeFileSync(join(dir, 'go'), '');
    // The restart's stop left slow stopped a moment: after was failed for good there ("dependency slow stopped
    // before it was ready") and stayed failed once the new slow was ready.
    const ready = await waitForTier(dir, 'after', (tier) => tier.state === 'ready' || tier.state === 'failed', 'ready or failed');
    expect(ready).toMatchObject({ state: 'ready' });
    expect(tierOf(await status(dir), 'slow')).toMatchObject({ state: 'ready', restarts: 1 });
    expect(run.stdout).not.toMatch(/after: \w+ → failed/);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('apply replacing a tier still starting (it gains replicas): its waiting dependent starts once the new instance is ready, neither failed by the stop nor started while the tier has no instance', async () => {
    // As above: slow is ready only once `go` is there, made after apply's answer. other's env changes too: apply
    // restarts it after slow's old instance is gone and before slow.1 is made, so a start pass runs in that gap.
    const slow = { command: ['sh', '-c', 'while [ ! -e go ]; do sleep 0.1; done; echo slow up; exec sleep 300'], ready: { log: 'slow up', timeoutMs: 120_000 } };
    const other = (greeting: string) => ({ command: child('--say', 'other up'), env: { GREETING: greeting }, ready: { log: 'other up' } });
    const after = { command: child('--say', 'after up'), ready: { log: 'after up' }, dependsOn: { slow: 'ready' } };
    const dir = makeProject({ config: { tiers: { slow, other: other('one'), after } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/slow: spawned pid/);
    await waitForTier(dir, 'other', (tier) => tier.state === 'ready', 'ready');
    writeConfig(dir, { tiers: { slow: { ...slow, replicas: 1 }, other: other('two'), after } });
    const applied = await landDone(['apply'], dir);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/slow +changed/);
    // Before: the old slow's `stopped` failed after for good ("dependency slow stopped before it was ready"); with
    // that mended, the empty group read as met and after started with no slow at all.
    const waiting = await status(dir);
    expect(tierOf(waiting, 'after').state).toBe('pending');
    expect(tierOf(waiting, 'slow.1').state).not.toBe('ready');
    writeFileSync(join(dir, 'go'), '');
    const ready = await waitForTier(dir, 'after', (tier) => tier.state === 'ready' || tier.state === 'failed', 'ready or failed');
    expect(ready).toMatchObject({ state: 'ready' });
    expect(tierOf(await status(dir), 'slow.1').state).toBe('ready');
    expect(run.stdout).not.toMatch(/after: \w+ → failed/);
    // after started once, on slow.1's readiness.
    const starts = run.stdout.match(/after: pending → starting \(([^)]*)\)/g) ?? [];
    expect(starts).toEqual(['after: pending → starting (dependencies met: slow ready)']);
    expect(run.stdout.indexOf('after: pending → starting')).toBeGreaterThan(run.stdout.search(/slow\.1: \w+ → ready/));
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('reads the config under the profile the stack runs: with its file gone, apply is refused and changes nothing', async () => {
    const tiers = { web: { command: child('--say', 'web up'), ready: { log: 'web up' } }, extra: { command: child('--say', 'extra up'), gate: 'Extra' } };
    const dir = makeProject({ config: { defaultProfile: 'dev', tiers }, profiles: { dev: 'Extra=false\n' } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    const web = await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    expect(tierOf(await status(dir), 'extra')).toMatchObject({ state: 'disabled', gatedBy: 'Extra=false' });
    // No profile file left: read afresh, the files would choose `default`, where nothing gates extra off.
    rmSync(join(dir, 'profiles', 'dev.env'));
    const applied = await landDone(['apply'], dir);
    expect(applied.code).toBe(2);
    expect(applied.stdout).toBe('');
    expect(applied.stderr).toBe('land: profile dev: profiles/dev.env is gone, and this stack runs with it: put it back, or `land down` and `land up --profile <name>`\n');
    const after = await status(dir);
    expect(after.profile).toBe('dev');
    expect(tierOf(after, 'extra')).toMatchObject({ state: 'disabled', gatedBy: 'Extra=false' });
    expect(tierOf(after, 'web').pid).toBe(web.pid);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('land start of a dependent while apply replaces its dependency waits for apply, then starts against the new instance', async () => {
    // db stops slowly (2 s): apply's replace (db gains replicas) is under way that long.
    const db = { command: ['sh', '-c', 'trap "sleep 2; exit 0" TERM; echo db up; while :; do sleep 0.1; done'], ready: { log: 'db up' } };
    const web = { command: child('--say', 'web up'), ready: { log: 'web up' }, dependsOn: { db: 'ready' } };
    const dir = makeProject({ config: { tiers: { db, web } } });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await waitForTier(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    expect((await landDone(['stop', 'web'], dir)).code).toBe(0);
    writeConfig(dir, { tiers: { db: { ...db, replicas: 1 }, web } });
    const applied = landDone(['apply'], dir);
    await waitForTier(dir, 'db', (tier) => tier.state === 'stopping', 'stopping');
    const started = await landDone(['start', 'web'], dir);
    expect(started.code, started.stderr).toBe(0);
    expect((await applied).code).toBe(0);
    // Before: web started at once, beside a db on its way out; now only once apply has made db.1.
    const lines = run.stdout.split('\n');
    const webStart = lines.findIndex((line, index) => /web: stopped → starting/.test(line) && index > lines.findIndex((l) => /db: \w+ → stopping/.test(l)));
    const dbNew = lines.findIndex((line) => /db\.1: \w+ → (pending|starting)/.test(line));
    expect(dbNew, run.stdout).toBeGreaterThan(-1);
    expect(webStart, run.stdout).toBeGreaterThan(dbNew);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);
});
