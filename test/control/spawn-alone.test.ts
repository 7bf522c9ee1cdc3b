/** `land spawn <tier>` with no stack running: that tier alone, in the foreground, hydrated exactly as in `land up`. */
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { child, envReports, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from './helpers.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
});
afterAll(removeProjects);

/** Values that belong to one boot; everything else a child receives must not depend on how it was started. */
// Per boot too: each boot's OTLP receiver has its own free port (OTEL_EXPORTER_OTLP_ENDPOINT, OTLPEndpoint, Pipe).
const PER_BOOT = ['LAND_BOOT_ID', 'OTLP_TRACE_ID', 'TRACEPARENT', 'OTEL_RESOURCE_ATTRIBUTES', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTLPEndpoint', 'Pipe'];
const withoutBoot = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).filter(([key]) => !PER_BOOT.includes(key)));

function stack() {
  const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
  const dir = makeProject({
    config: {
      app: 'shop',
      tiers: {
        db: { command: child('--report-env', reports, '--delay', 200, '--say', 'db ready'), ready: { log: 'db ready' } },
        worker: {
          command: child('--report-env', reports, '--say', 'worker up'),
          gate: 'Spawn',
          dependsOn: { db: 'ready' },
          env: { FROM_TIER: 'tier' },
          ready: { log: 'worker up' },
        },
        api: { command: child('--say', 'api up') },
      },
    },
    profiles: { debug: 'Spawn=false\nPROFILE_KEY=debug-value\nEmit=true\n' },
    files: {
      '.env.Land': 'FROM_FILE=file\n',
      '.env.Land.PostHog.Sample': 'Authorize=\nOTLPEndpoint=http://127.0.0.1:4999\n',
    },
  });
  return { dir, reports };
}

const cleanEnv = { TRACEPARENT: undefined, Spawn: 'true' };

describe('land spawn without a running stack', () => {
  it('runs one tier with the same environment mountain gives it, its own boot, and stops cleanly on Ctrl-C', async () => {
    const { dir, reports } = stack();
    // The reference: the tier as a full boot starts it.
    const full = land(['up', '--no-tui'], dir, cleanEnv);
    runs.push(full);
    await full.waitFor(/worker: starting → ready/);
    expect(await landDone(['down'], dir)).toMatchObject({ code: 0 });
    const [reference] = envReports(reports, 'worker');
    expect(reference!.LAND_BOOT_ID).toBe(full.bootId);

    const alone = land(['spawn', 'worker'], dir, cleanEnv);
    runs.push(alone);
    await alone.waitFor(/worker: starting → ready/);
    const bootId = alone.bootId;
    expect(bootId).not.toBe(full.bootId);

    // Only the requested tier: it does not wait for a dependency nobody asked for.
    const snapshot = await status(dir);
    expect(snapshot.bootId).toBe(bootId);
    expect(tierOf(snapshot, 'worker').state).toBe('ready');
    expect(tierOf(snapshot, 'db')).toMatchObject({ state: 'disabled', gatedBy: 'not requested' });
    expect(tierOf(snapshot, 'api')).toMatchObject({ state: 'disabled', gatedBy: 'not requested' });
    expect(envReports(reports, 'db')).toHaveLength(1); // only the full boot's

    const spawned = envReports(reports, 'worker').at(-1)!;
    expect(withoutBoot(spawned)).toEqual(withoutBoot(reference!));
    expect(spawned.LAND_BOOT_ID).toBe(bootId);
    expect(spawned.LAND_TIER).toBe('worker');
    expect(spawned.LAND_PROFILE).toBe('debug');
    expect(spawned.LAND_SUPERVISED).toBe('1');
    expect(spawned.OTLP_TRACE_ID).toBe(snapshot.traceId);
    expect(spawned.OTLP_TRACE_ID).not.toBe(reference!.OTLP_TRACE_ID);
    expect(spawned.TRACEPARENT).toMatch(new RegExp(`^00-${snapshot.traceId}-[0-9a-f]{16}-01$`));
    expect(spawned.OTEL_SERVICE_NAME).toBe('shop-worker');
    expect(spawned.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(spawned.Pipe).toBe(spawned.OTEL_EXPORTER_OTLP_ENDPOINT);
    expect(spawned.OTEL_RESOURCE_ATTRIBUTES).toBe(`land.tier=worker,land.profile=debug,land.boot_id=${bootId}`);
    expect(spawned).toMatchObject({ PROFILE_KEY: 'debug-value', FROM_FILE: 'file', FROM_TIER: 'tier', Emit: 'true', OTLPEnabled: 'true' });

    // A second spawn of it now goes to the running (foreground) stack, where it is already running.
    const twice = await landDone(['spawn', 'worker'], dir);
    expect(twice.code).toBe(4);

    expect((await alone.stop('SIGINT')).code).toBe(0);
    expect(markedProcesses(bootId)).toEqual([]);
    expect((await landDone(['status'], dir)).code).toBe(3);
  });

  it('with --with-deps starts what the tier depends on first, and overrides the profile gate', async () => {
    const { dir, reports } = stack();
    const run = land(['spawn', 'worker', '--with-deps'], dir, { TRACEPARENT: undefined });
    runs.push(run);
    await run.waitFor(/worker: starting → ready/);
    const out = run.stdout;
    expect(out.indexOf('db: starting → ready')).toBeGreaterThan(-1);
    expect(out.indexOf('db: starting → ready')).toBeLessThan(out.indexOf('worker: pending → starting'));
    const snapshot = await status(dir);
    expect(tierOf(snapshot, 'api')).toMatchObject({ state: 'disabled', gatedBy: 'not requested' });
    expect(tierOf(snapshot, 'db').state).toBe('ready');
    await waitUntil(() => envReports(reports, 'worker').length === 1, 10_000, 'the worker report');
    const [worker] = envReports(reports, 'worker');
    expect(worker!.Spawn).toBe('false'); // the profile gates it off; the explicit request won
    expect(worker!.LAND_BOOT_ID).toBe(run.bootId);
    expect(envReports(reports, 'db')[0]!.OTLP_TRACE_ID).toBe(worker!.OTLP_TRACE_ID);
    expect((await run.stop('SIGINT')).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });

  it('refuses an unknown tier before starting anything', async () => {
    const { dir } = stack();
    const result = await landDone(['spawn', 'nope'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual(['land: unknown tier "nope" (known: db, worker, api)']);
    expect(result.stdout).toBe('');
  });
});
