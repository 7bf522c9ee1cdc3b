/**
 * `land reload` through the real CLI, with real processes: a 3-replica tier with an http readiness probe is
 * restarted one replica at a time, each ready before the next, so at least two serve at every moment (the replicas
 * write down when they start and stop serving: test/fixtures/replica-server.mjs); a replica whose new start fails its
 * probe stops the roll and the later ones keep their process; a tier without replicas is restarted; commands sent
 * during a roll (scale, down) behave; a watched tier with replicas rolls on a change.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ROOT, child, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http, status, tierOf, waitForTier } from '../control/helpers.js';
import { E2E_TIMEOUT, freePortRange } from './helpers.js';

const SERVER = join(ROOT, 'test', 'fixtures', 'replica-server.mjs');
const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
});
afterAll(removeProjects);

/** `api`: 3 replicas serving HTTP (the files they read are relative to the project); `web`: no replicas. */
async function rollingStack(options: { readyTimeoutMs?: number; watch?: boolean } = {}) {
  const base = await freePortRange(3);
  const api = {
    command: ['node', SERVER, '--events', 'events.log', '--never-if', 'never', '--wait-if', 'wait', '--crash-if', 'crash'],
    replicas: 3,
    port: base,
    ready: { http: `http://127.0.0.1:${base}/`, ...(options.readyTimeoutMs ? { timeoutMs: options.readyTimeoutMs } : {}) },
    ...(options.watch ? { watch: { paths: ['src/**'], debounceMs: 200 } } : {}),
  };
  const dir = makeProject({
    config: { tiers: { api, web: { command: child('--say', 'web up'), ready: { log: 'web up' } } } },
    files: { 'events.log': '', 'src/app.js': '1\n' },
  });
  const run = land(['up', '--no-tui', '--no-dashboard'], dir);
  runs.push(run);
  await run.waitFor(/api\.3: starting → ready/);
  await run.waitFor(/web: starting → ready/);
  return { dir, run, base };
}

const pidsOf = async (dir: string) => Object.fromEntries((await status(dir)).tiers.map((tier) => [tier.name, tier.pid]));
const events = (dir: string) => readFileSync(join(dir, 'events.log'), 'utf8');

/**
 * The fewest replicas serving at any moment of the events written from `offset` on (each replica's own `up` and
 * `down`, in the order they happened), starting from `serving`.
 */
function fewestServing(text: string, serving: Set<string>): number {
  const now = new Set(serving);
  let fewest = now.size;
  for (const line of text.trim().split('\n').filter(Boolean)) {
    const [what, , pid] = line.split(' ');
    if (what === 'up') now.add(pid!);
    else now.delete(pid!);
    fewest = Math.min(fewest, now.size);
  }
  return fewest;
}

describe('land reload', () => {
  it('rolls the replicas one at a time (two serve at every moment), every pid changes; a tier without replicas restarts; bad names', async () => {
    const { dir, run, base } = await rollingStack();
    const before = await pidsOf(dir);
    const offset = events(dir).length;

    const reload = await landDone(['reload', 'api'], dir);
    expect([reload.code, reload.stderr]).toEqual([0, '']);
    const after = await pidsOf(dir);
    expect(reload.stdout).toBe(
      [1, 2, 3].map((n) => `land: api.${n} restarted, ready (pid ${before[`api.${n}`]} → ${after[`api.${n}`]})\n`).join('') +
        'land: reloaded api: 3 replicas, one at a time\n',
    );
    for (const n of [1, 2, 3]) expect(after[`api.${n}`]).not.toBe(before[`api.${n}`]);
    // Each new process serves on its replica's port.
    for (const port of [base, base + 1, base + 2]) expect((await http({ port }, '/')).status).toBe(200);
    // The replicas' own account: each old one stopped serving only while the two others served.
    const rolled = events(dir).slice(offset);
    const old = new Set([1, 2, 3].map((n) => String(before[`api.${n}`])));
    expect(fewestServing(rolled, old)).toBe(2);
    expect(rolled.trim().split('\n').map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['down 1', 'up 1', 'down 2', 'up 2', 'down 3', 'up 3']);
    // A restart like any other: counted, and each replica's new life has its own spawn.
    expect((await status(dir)).tiers.filter((tier) => tier.group === 'api').map((tier) => [tier.restarts, tier.state])).toEqual([
      [1, 'ready'],
      [1, 'ready'],
      [1, 'ready'],
    ]);

    const web = await landDone(['reload', 'web'], dir);
    const webPid = (await pidsOf(dir)).web;
    expect([web.code, web.stdout]).toEqual([0, `land: web has no replicas: reloaded as a restart (pid ${after.web} → ${webPid}, ready)\n`]);
    expect(webPid).not.toBe(after.web);

    const ghost = await landDone(['reload', 'api', 'ghost'], dir);
    expect([ghost.code, ghost.stdout, ghost.stderr]).toEqual([2, '', 'land: unknown tier "ghost" (known: api.1, api.2, api.3, web)\n']);
    expect(await pidsOf(dir)).toEqual({ ...after, web: webPid });
    const none = await landDone(['reload'], dir);
    expect([none.code, none.stderr]).toEqual([2, 'land: reload: expected a tier name, or --all for every running tier\n']);
    const both = await landDone(['reload', 'web', '--all'], dir);
    expect([both.code, both.stderr]).toEqual([2, 'land: --all: reloads every running tier; name none (got web)\n']);

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('a replica whose new start fails its probe (or crashes) stops the roll: the later replicas keep their process; exit 8', async () => {
    const { dir, run, base } = await rollingStack({ readyTimeoutMs: 1500 });
    const before = await pidsOf(dir);
    writeFileSync(join(dir, 'never'), '2');

    const reload = await landDone(['reload', '--all'], dir);
    const after = await pidsOf(dir);
    expect(reload.code).toBe(8);
    expect(reload.stdout).toBe(`land: api.1 restarted, ready (pid ${before['api.1']} → ${after['api.1']})\n`);
    const lines = reload.stderr.split('\n');
    const probe = `readiness probe (http http://127.0.0.1:${base + 1}/) did not pass within 1500 ms`;
    expect(lines[0]).toBe(`land: api.2 did not become ready: crashed (${probe})`);
    expect(lines.slice(1)).toEqual([`land: the reload of api stopped at api.2; left as it was: api.3 (pid ${before['api.3']})`, 'land: not reloaded: web', '']);
    expect(after['api.1']).not.toBe(before['api.1']);
    expect([after['api.3'], after.web]).toEqual([before['api.3'], before.web]);

    rmSync(join(dir, 'never'));
    await waitForTier(dir, 'api.2', (tier) => tier.state === 'ready', 'ready again');
    // A crash: said as it was (its backoff follows in the same turn).
    writeFileSync(join(dir, 'crash'), '3');
    const crash = await landDone(['reload', 'api'], dir);
    expect(crash.code).toBe(8);
    expect(crash.stderr).toBe('land: api.3 did not become ready: crashed (exited with code 1)\nland: the reload of api stopped at api.3\n');
    rmSync(join(dir, 'crash'));
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('a later command on the tier (scale) or the shutdown cuts a roll short after the replica under way', async () => {
    const { dir, run } = await rollingStack({ readyTimeoutMs: 600_000 });
    const before = await pidsOf(dir);
    // api.2's new start waits to serve (its probe would wait 10 minutes) until the file is gone.
    writeFileSync(join(dir, 'wait'), '2');
    const reload = land(['reload', 'api'], dir);
    await run.waitFor(/api\.2 +\| replica 2 waits/);
    const scale = await landDone(['scale', 'api', '2'], dir);
    expect([scale.code, scale.stdout]).toEqual([0, expect.stringMatching(/^land: api runs 2 replicas: api\.1 \(pid \d+\), api\.2 \(pid \d+\)\n$/)]);
    expect((await reload.exited).code).toBe(4);
    const now = await pidsOf(dir);
    expect(reload.stdout).toBe(
      `land: api.1 restarted, ready (pid ${before['api.1']} → ${now['api.1']})\n` + `land: api.2 restarted (pid ${before['api.2']} → ${now['api.2']}), not waited for\n`,
    );
    // api.3 was left as it was, then removed by the scale: the roll gave way to it.
    expect(reload.stderr).toBe(`land: the reload of api was cut short by land scale api 2; left as it was: api.3 (pid ${before['api.3']})\n`);
    rmSync(join(dir, 'wait'));
    await waitForTier(dir, 'api.2', (tier) => tier.state === 'ready', 'ready');

    // The shutdown: land down does not wait for the rest of the roll (nor for api.2's ten minutes).
    writeFileSync(join(dir, 'wait'), '2');
    const held = land(['reload', 'api'], dir);
    await run.waitFor(/api\.2 +\| replica 2 waits[\s\S]*api\.2 +\| replica 2 waits/);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await held.exited).code).toBe(4);
    expect(held.stderr).toBe(`land: the reload of api was cut short by the stack's shutdown\n`);
    expect(held.stdout).toMatch(/^land: api\.1 restarted, ready \(pid \d+ → \d+\)\nland: api\.2 restarted \(pid \d+ → \d+\), not waited for\n$/);
    expect((await run.exited).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('a change of a watched tier with replicas rolls them, two serving at every moment', async () => {
    const { dir, run } = await rollingStack({ watch: true });
    await waitForTier(dir, 'api.1', (tier) => tier.watch?.watching === true, 'watching');
    const before = await pidsOf(dir);
    const offset = events(dir).length;
    writeFileSync(join(dir, 'src', 'app.js'), '2\n');
    for (const n of [1, 2, 3]) await waitForTier(dir, `api.${n}`, (tier) => tier.restarts === 1 && tier.state === 'ready', 'restarted');
    const rolled = events(dir).slice(offset);
    expect(fewestServing(rolled, new Set([1, 2, 3].map((n) => String(before[`api.${n}`]))))).toBe(2);
    expect(rolled.trim().split('\n').map((line) => line.split(' ').slice(0, 2).join(' '))).toEqual(['down 1', 'up 1', 'down 2', 'up 2', 'down 3', 'up 3']);
    const history = tierOf(await status(dir), 'api.3').history;
    expect(history.some((step) => step.state === 'starting' && step.reason === 'restarted: src/app.js changed')).toBe(true);
    expect((await run.stop()).code).toBe(0);
  }, E2E_TIMEOUT);
});
