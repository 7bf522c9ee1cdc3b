/**
 * A real `land up` driven from a second process through the CLI clients: status, spawn, stop, restart, logs,
 * metrics, down — and the one-line errors with their exit codes.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, envReports, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http, parseProm, sampleValue, status, tierOf, waitForTier } from './helpers.js';

const runs: LandRun[] = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

function stackProject() {
  const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
  const dir = makeProject({
    config: {
      app: 'shop',
      tiers: {
        api: { command: child('--report-env', reports, '--say', 'api listening'), ready: { log: 'api listening' } },
        worker: { command: child('--report-env', reports, '--say', 'worker up'), gate: 'Spawn', ready: { log: 'worker up' } },
      },
    },
    profiles: { debug: 'Spawn=false\n' },
    files: { '.env.Land.PostHog': 'Record=1\n' },
  });
  return { dir, reports };
}

async function startStack(dir: string): Promise<LandRun> {
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/api: starting → ready/);
  return run;
}

// Side by side: each test has its own project and stack.
describe.concurrent('land status / spawn / stop / restart / logs / down against a running stack', () => {
  it('reports the stack, changes it on request, serves its logs and metrics, and brings it down', async () => {
    const { dir, reports } = stackProject();
    const run = await startStack(dir);

    // The socket: only this user can reach it.
    const socketPath = join(dir, '.land', 'run', 'land.sock');
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.land', 'run')).mode & 0o777).toBe(0o700);

    // status --json is the supervisor's snapshot.
    const first = await status(dir);
    expect(first.bootId).toBe(run.bootId);
    expect(first.pid).toBe(run.proc.pid);
    expect(first.profile).toBe('debug');
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    const api = tierOf(first, 'api');
    expect(api.state).toBe('ready');
    expect(envReports(reports, 'api')[0]!.LAND_BOOT_ID).toBe(run.bootId);
    expect(tierOf(first, 'worker')).toMatchObject({ state: 'disabled', reason: expect.stringContaining('Spawn=false') });

    // The table for people names every tier.
    const table = await landDone(['status'], dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`boot ${run.bootId}`);
    expect(table.stdout).toMatch(new RegExp(`^api\\s+ready\\s+${api.pid}\\s`, 'm'));
    expect(table.stdout).toMatch(/^worker\s+disabled\s+-/m);

    // spawn overrides the gate inside the same boot and trace.
    const spawned = await landDone(['spawn', 'worker'], dir);
    expect(spawned.code).toBe(0);
    expect(spawned.stdout).toMatch(new RegExp(`spawned worker in boot ${run.bootId}`));
    const worker = await waitForTier(dir, 'worker', (tier) => tier.state === 'ready', 'ready');
    expect(worker.pid).toBeGreaterThan(0);
    const workerEnv = envReports(reports, 'worker')[0]!;
    expect(workerEnv.LAND_BOOT_ID).toBe(run.bootId);
    expect(workerEnv.OTLP_TRACE_ID).toBe(first.traceId);
    expect(workerEnv.TRACEPARENT).not.toBe(envReports(reports, 'api')[0]!.TRACEPARENT);

    // restart: a new pid and one more restart.
    const restarted = await landDone(['restart', 'api'], dir);
    expect(restarted.code).toBe(0);
    const again = await waitForTier(dir, 'api', (tier) => tier.state === 'ready' && tier.pid !== api.pid, 'ready again');
    expect(again.restarts).toBe(1);
    expect(restarted.stdout).toContain(`restarted api (pid ${again.pid}, restart 1)`);

    // logs: the tier's real lines.
    const logs = await landDone(['logs', 'api'], dir);
    expect(logs.code).toBe(0);
    expect(logs.stdout.split('\n').filter((line) => line === 'api listening')).toHaveLength(2);
    const json = await landDone(['logs', 'api', '--json', '-n', '1'], dir);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ tier: 'api', stream: 'stdout' });

    // /metrics parses as Prometheus text and agrees with status.
    const metrics = await http({ socketPath }, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    const { samples, types } = parseProm(metrics.body);
    const now = await status(dir);
    for (const tier of now.tiers) {
      const up = tier.state === 'ready' ? 1 : 0;
      expect(sampleValue(samples, 'land_tier_up', { tier: tier.name })).toBe(up);
      expect(sampleValue(samples, 'land_tier_ready', { tier: tier.name })).toBe(up);
      expect(sampleValue(samples, 'land_tier_restarts_total', { tier: tier.name })).toBe(tier.restarts);
    }
    expect(sampleValue(samples, 'land_tier_last_exit_code', { tier: 'api' })).toBe(tierOf(now, 'api').lastExit!.code);
    expect(sampleValue(samples, 'land_tier_uptime_seconds', { tier: 'worker' })).toBeGreaterThan(0);
    expect(types.get('land_tier_restarts_total')).toBe('counter');
    for (const pipe of ['posthog', 'otlp', 'record'] as const) {
      expect(sampleValue(samples, 'land_telemetry_events_sent_total', { pipe })).toBe(now.telemetry[pipe].sent);
      expect(sampleValue(samples, 'land_telemetry_events_dropped_total', { pipe })).toBe(now.telemetry[pipe].dropped);
    }
    expect(sampleValue(samples, 'land_boot_info', { boot_id: run.bootId, trace_id: now.traceId })).toBe(1);
    expect(sampleValue(samples, 'process_resident_memory_bytes', {})).toBeGreaterThan(0);

    // stop: the tier ends, the stack stays.
    const stopped = await landDone(['stop', 'worker'], dir);
    expect(stopped.code).toBe(0);
    expect(tierOf(await status(dir), 'worker')).toMatchObject({ state: 'stopped' });
    expect(tierOf(await status(dir), 'worker').pid).toBeUndefined();

    // down: everything stops, land exits 0, nothing of the boot is left, the socket is gone.
    const down = await landDone(['down'], dir);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain(`stack stopped (boot ${run.bootId})`);
    expect(run.proc.exitCode ?? (await run.exited).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(() => statSync(socketPath)).toThrow();

    // Each start through the control API is a start like any other: its session:start and its own spawn span.
    const recording = join(dir, '.land', 'telemetry', run.bootId);
    const readNdjson = (file: string) =>
      readFileSync(join(recording, file), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    const starts = readNdjson('events.ndjson').filter((event) => /^land:(api|worker):session:start$/.test(event.event));
    expect(starts.map((event) => [event.event, event.properties.restart, event.properties.pid])).toEqual([
      ['land:api:session:start', 0, api.pid],
      ['land:worker:session:start', 0, worker.pid],
      ['land:api:session:start', 1, again.pid],
    ]);
    const spawnSpans = readNdjson('spans.ndjson').filter((span) => String(span.name).startsWith('land.spawn '));
    const childSpanIds = envReports(reports).map((env) => env.TRACEPARENT!.split('-')[2]);
    expect(spawnSpans.map((span) => span.spanId).sort()).toEqual([...childSpanIds].sort());
  }, 180_000);

  it('follows a tier with logs -f until the stack shuts down', async () => {
    const { dir } = stackProject();
    const run = await startStack(dir);
    const follow = land(['logs', 'api', '-f'], dir);
    await follow.waitFor(/api listening/);
    expect(await landDone(['restart', 'api'], dir)).toMatchObject({ code: 0 });
    // The new life's line arrives through the open stream.
    await follow.waitFor(/api listening\n(.*\n)*api listening/);
    expect(await landDone(['down'], dir)).toMatchObject({ code: 0 });
    expect((await follow.exited).code).toBe(0);
    expect((await run.exited).code).toBe(0);
    expect(follow.stdout).toMatch(/got SIGTERM, exiting/);
  }, 120_000);

  it('answers bad input, conflicts and a missing stack with one line and a distinct exit code', async () => {
    const { dir } = stackProject();

    // No stack: 3, for every client.
    const clients = [['status'], ['stop', 'api'], ['restart', 'api'], ['logs', 'api'], ['down'], ['watch']];
    const missing = await Promise.all(clients.map((args) => landDone(args, dir)));
    clients.forEach((args, index) => {
      expect(missing[index]!.code, args.join(' ')).toBe(3);
      expect(missing[index]!.stderr.trim().split('\n'), args.join(' ')).toEqual([expect.stringMatching(/^land: no stack is running in .*land up/)]);
    });
    // `status --json | jq` gets an object on stdout either way, with the same exit code.
    const json = await landDone(['status', '--json'], dir);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toEqual({ running: false, message: expect.stringMatching(/^no stack is running in .*land up/) });
    expect(json.stderr).toMatch(/^land: no stack is running in /);

    const run = await startStack(dir);
    const cases: Array<[string[], number, RegExp]> = [
      [['spawn', 'nope'], 2, /^land: unknown tier "nope" \(known: /],
      [['stop', 'nope'], 2, /^land: unknown tier "nope" \(known: /],
      [['logs', 'nope'], 2, /^land: unknown tier "nope"/],
      [['logs', 'api', '-n', 'many'], 2, /^land: --lines: expected a whole number/],
      [['spawn', 'api'], 4, /^land: api is already running \(pid \d+\)/],
      [['stop', 'worker'], 4, /^land: worker is not running \(disabled\)/],
      [['restart', 'worker'], 4, /^land: worker is gated off by Spawn=false/],
      [['spawn', 'worker', '--profile', 'other'], 4, /^land: the stack running here uses profile debug/],
      [['up', '--no-tui'], 4, new RegExp(`^land: land is already running this stack \\(pid ${run.proc.pid}, boot ${run.bootId}\\)`)],
      // Not a terminal: watch refuses, the stack is untouched.
      [['watch'], 2, /^land: land watch needs a terminal/],
    ];
    // None of these changes the stack, so they can all ask at once.
    const results = await Promise.all(cases.map(([args]) => landDone(args, dir)));
    for (const [index, [args, code, message]] of cases.entries()) {
      const result = results[index]!;
      expect(result.code, args.join(' ')).toBe(code);
      const lines = result.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0], args.join(' ')).toMatch(message);
    }
    const running = await status(dir);
    expect(tierOf(running, 'api').state).toBe('ready');
    expect(running).toMatchObject({ running: true });
    expect(await landDone(['down'], dir)).toMatchObject({ code: 0 });
    expect((await run.exited).code).toBe(0);
  }, 180_000);
});
