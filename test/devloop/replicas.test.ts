/**
 * Replicas through the real CLI: `replicas: N` runs `<tier>.1` … `<tier>.N`, each with LAND_REPLICA, its own PORT
 * (base + n - 1), its own TRACEPARENT span and log file; a dependent waits for every replica; `land scale` changes
 * the count of the running stack; commands that name the tier address all its replicas.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, envReports, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, http, status, tierOf, waitForTier } from '../control/helpers.js';
import { E2E_TIMEOUT, freePortRange } from './helpers.js';

const runs: LandRun[] = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

async function replicaStack() {
  const base = await freePortRange(4);
  const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
  // Later replicas take longer to listen, so the dependent visibly waits for the last of them.
  const api = `node ${CHILD} --report-env ${reports} --say "replica $LAND_REPLICA on $PORT" --tcp PORT --delay $((LAND_REPLICA * 300))`;
  const dir = makeProject({
    config: {
      app: 'shop',
      tiers: {
        api: { command: api, shell: true, replicas: 3, port: base, ready: { tcp: base } },
        web: { command: ['node', CHILD, '--report-env', reports, '--say', 'web up'], dependsOn: { api: 'ready' }, ready: { log: 'web up' } },
      },
    },
  });
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/web: starting → ready/);
  return { dir, reports, base, run };
}

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project and stack.
describe.concurrent('replicas', () => {
  it('runs N instances with their own replica number, port, span and log; a dependent waits for all of them', async () => {
    const { dir, reports, base, run } = await replicaStack();
    const snapshot = await status(dir);
    expect(snapshot.tiers.map((tier) => tier.name)).toEqual(['api.1', 'api.2', 'api.3', 'web']);
    const replicas = [1, 2, 3].map((n) => tierOf(snapshot, `api.${n}`));
    for (const [i, replica] of replicas.entries()) {
      expect(replica).toMatchObject({ state: 'ready', group: 'api', replica: i + 1, tier: 'api' });
      expect(replica.pid).toBeGreaterThan(0);
    }
    expect(new Set(replicas.map((replica) => replica.pid)).size).toBe(3);
    // web started only once the slowest replica was ready.
    const web = tierOf(snapshot, 'web');
    expect(web.startedAt!).toBeGreaterThanOrEqual(Math.max(...replicas.map((replica) => replica.readyAt!)));

    const envs = envReports(reports, 'api').sort((a, b) => Number(a.LAND_REPLICA) - Number(b.LAND_REPLICA));
    expect(envs.map((env) => env.LAND_REPLICA)).toEqual(['1', '2', '3']);
    expect(envs.map((env) => env.PORT)).toEqual([String(base), String(base + 1), String(base + 2)]);
    expect(new Set(envs.map((env) => env.TRACEPARENT)).size).toBe(3);
    expect(new Set(envs.map((env) => env.OTLP_TRACE_ID))).toEqual(new Set([snapshot.traceId]));
    expect(envs.every((env) => env.LAND_TIER === 'api' && env.OTEL_SERVICE_NAME === 'shop-api')).toBe(true);
    expect(envReports(reports, 'web')[0]!.LAND_REPLICA).toBeUndefined();

    // Each replica has its own log file and its own lines.
    const logDir = join(dir, '.land', 'logs', run.bootId);
    for (const n of [1, 2, 3]) {
      expect(readFileSync(join(logDir, `api.${n}.log`), 'utf8')).toBe(`replica ${n} on ${base + n - 1}\n`);
    }
    const logs = await landDone(['logs', 'api.2'], dir);
    expect(logs.stdout).toBe(`replica 2 on ${base + 1}\n`);
    // The tier's name: every replica's lines, each prefixed with the replica's name.
    const all = await landDone(['logs', 'api'], dir);
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split('\n').sort()).toEqual([1, 2, 3].map((n) => `api.${n}    | replica ${n} on ${base + n - 1}`));

    // The plain output prefixes each replica's lines with its own name.
    expect(run.stdout).toMatch(new RegExp(`^api\\.3 +\\| replica 3 on ${base + 2}$`, 'm'));
  }, E2E_TIMEOUT);

  it('land scale down removes a stopped replica before a running one; a scale up takes the free number back', async () => {
    const { dir, reports, base, run } = await replicaStack();
    expect((await landDone(['stop', 'api.1'], dir)).code).toBe(0);
    const pids = await status(dir).then((snapshot) => ['api.2', 'api.3'].map((name) => tierOf(snapshot, name).pid!));
    const down = await landDone(['scale', 'api', '2'], dir);
    expect(down.code).toBe(0);
    // The stopped api.1 went; both running replicas stay, untouched.
    expect(down.stdout).toBe(`land: api runs 2 replicas: api.2 (pid ${pids[0]}), api.3 (pid ${pids[1]})\n`);
    const after = await status(dir);
    expect(after.tiers.map((tier) => tier.name)).toEqual(['api.2', 'api.3', 'web']);
    expect(['api.2', 'api.3'].map((name) => tierOf(after, name).pid)).toEqual(pids);
    // Up again: the lowest free number, with the tier's own config for it (its port, the probe on that port).
    const up = await landDone(['scale', 'api', '3'], dir);
    expect(up.code).toBe(0);
    await waitForTier(dir, 'api.1', (tier) => tier.state === 'ready', 'ready');
    expect((await status(dir)).tiers.map((tier) => tier.name)).toEqual(['api.1', 'api.2', 'api.3', 'web']);
    const ones = envReports(reports, 'api').filter((env) => env.LAND_REPLICA === '1');
    expect(ones).toHaveLength(2);
    expect(ones.map((env) => env.PORT)).toEqual([String(base), String(base)]);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('land scale adds and removes replicas of the running stack; restart and stop address every replica', async () => {
    const { dir, reports, base, run } = await replicaStack();
    const up = await landDone(['scale', 'api', '4'], dir);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^land: api runs 4 replicas: api\.1 \(pid \d+\), .*api\.4 \(/);
    const fourth = await waitForTier(dir, 'api.4', (tier) => tier.state === 'ready', 'ready');
    expect(fourth).toMatchObject({ group: 'api', replica: 4 });
    const env4 = envReports(reports, 'api').find((env) => env.LAND_REPLICA === '4')!;
    expect(env4.PORT).toBe(String(base + 3));
    expect(run.stdout).toMatch(/api: scaled from 3 to 4 replicas/);

    const before = await status(dir);
    const removedPids = ['api.3', 'api.4'].map((name) => tierOf(before, name).pid!);
    const down = await landDone(['scale', 'api', '2'], dir);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/^land: api runs 2 replicas: api\.1 \(pid \d+\), api\.2 \(pid \d+\)\n$/);
    const after = await status(dir);
    expect(after.tiers.map((tier) => tier.name)).toEqual(['api.1', 'api.2', 'web']);
    await waitUntil(() => removedPids.every((pid) => !isAlive(pid)), 10_000, 'removed replicas to exit');
    // Their log files stay, complete.
    expect(existsSync(join(dir, '.land', 'logs', run.bootId, 'api.4.log'))).toBe(true);

    // restart api: every replica gets a new pid.
    const pids = ['api.1', 'api.2'].map((name) => tierOf(after, name).pid);
    const restarted = await landDone(['restart', 'api'], dir);
    expect(restarted.code).toBe(0);
    for (const [i, name] of ['api.1', 'api.2'].entries()) {
      const tier = await waitForTier(dir, name, (t) => t.state === 'ready' && t.restarts === 1, 'restarted');
      expect(tier.pid).not.toBe(pids[i]);
    }
    // Said of every replica, not only the first.
    expect(restarted.stdout).toMatch(/^land: restarted api\.1 \(pid \d+, restart 1\), api\.2 \(pid \d+, restart 1\)\n$/);
    // A start with one replica running starts the other, and says the running one is left as it was.
    expect((await landDone(['stop', 'api.1'], dir)).code).toBe(0);
    const api2 = tierOf(await status(dir), 'api.2').pid!;
    const started = await landDone(['start', 'api'], dir);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(new RegExp(`^land: started api\\.1 \\(pid \\d+\\); already running: api\\.2 \\(pid ${api2}\\)\n$`));
    await waitForTier(dir, 'api.1', (t) => t.state === 'ready', 'started again');

    // Refusals: one line, exit 2.
    const cases: Array<[string[], RegExp]> = [
      [['scale', 'web', '2'], /web does not declare replicas: set replicas in the config \(a Procfile: land up -m all=1\)/],
      [['scale', 'api', '0'], /<replicas>: expected a whole number 1..64, got "0"/],
      [['scale', 'api', '65'], /<replicas>: expected a whole number 1\.\.64, got "65"/],
      [['scale', 'api.2', '3'], /api\.2 is a replica: scale its tier, api/],
      [['scale', 'ghost', '2'], /unknown tier "ghost" \(known: api\.1, api\.2, web\)/],
    ];
    const results = await Promise.all(cases.map(([args]) => landDone(args, dir)));
    for (const [index, [args, expected]] of cases.entries()) {
      const result = results[index]!;
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(expected);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }

    // The API itself: a count that is not a number is a 400 with its code.
    const raw = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/tiers/api/scale?replicas=abc', { method: 'POST' });
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body)).toEqual({ error: { code: 'bad-request', message: 'replicas: expected a whole number 1..64, got "abc"' } });
    // Given twice, it is refused as the log routes refuse theirs, not read as its first; nothing scaled.
    const twice = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/tiers/api/scale?replicas=3&replicas=4', { method: 'POST' });
    expect(twice.status).toBe(400);
    expect(JSON.parse(twice.body)).toEqual({ error: { code: 'bad-request', message: 'replicas: given 2 times, expected once' } });
    expect((await landDone(['status', '--json'], dir)).stdout).not.toContain('"api.3"');

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);
});
