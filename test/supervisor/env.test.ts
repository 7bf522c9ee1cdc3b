import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, envReports, land, makeProject, removeProjects, waitUntil } from '../helpers/land.js';

afterAll(removeProjects);

describe('the environment each child receives', () => {
  it('layers shell < files < profile < tier env < injected, and injects the boot contract', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const dir = makeProject({
      config: {
        app: 'shop',
        tiers: {
          api: {
            command: child('--report-env', reports),
            env: { FROM_TIER: 'tier', SHARED: 'tier wins' },
          },
          worker: {
            tier: 'rest',
            command: child('--report-env', reports),
            inheritEnv: false,
            allowEnv: ['KEEP_ME'],
          },
        },
      },
      profiles: { debug: 'FROM_PROFILE=profile\nSHARED=profile\nOVERRIDDEN=profile\nEmit=true\n' },
      files: {
        '.env.Land': 'FROM_FILE=file\nSHARED=file\n',
        '.env.Land.PostHog.Sample': 'Authorize=\nOTLPEndpoint=http://127.0.0.1:4999\n',
      },
    });
    const run = land(['up', '--no-tui'], dir, {
      OVERRIDDEN: 'shell',
      SHELL_ONLY: 'shell',
      KEEP_ME: 'kept',
      TRACEPARENT: undefined,
      LAND_REPORT_ENV_DIR: undefined,
    });
    await waitUntil(() => envReports(reports).length === 2, 20_000, 'two env reports');
    await run.waitFor(/api: starting → ready/);
    await run.stop();
    const [api] = envReports(reports, 'api');
    const [worker] = envReports(reports, 'rest');
    expect(api).toBeDefined();
    expect(worker).toBeDefined();

    // Layers.
    expect(api!.FROM_FILE).toBe('file');
    expect(api!.FROM_PROFILE).toBe('profile');
    expect(api!.FROM_TIER).toBe('tier');
    expect(api!.SHARED).toBe('tier wins');
    expect(api!.OVERRIDDEN).toBe('shell'); // an exported variable beats env files and profiles
    expect(api!.SHELL_ONLY).toBe('shell');
    expect(api!.Authorize).toBe(''); // the .Sample file stands in for the absent real one

    // inheritEnv: false keeps only the allow-list from land's own environment.
    expect(worker!.SHELL_ONLY).toBeUndefined();
    expect(worker!.KEEP_ME).toBe('kept');
    expect(worker!.PATH).toBe(process.env.PATH);
    expect(worker!.FROM_PROFILE).toBe('profile');

    // Injected.
    for (const [env, tier] of [
      [api!, 'api'],
      [worker!, 'rest'],
    ] as const) {
      expect(env.OTLP_TRACE_ID).toMatch(/^[0-9a-f]{32}$/);
      expect(env.TRACEPARENT).toMatch(new RegExp(`^00-${env.OTLP_TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(env.LAND_TIER).toBe(tier);
      expect(env.LAND_PROFILE).toBe('debug');
      expect(env.LAND_BOOT_ID).toBe(run.bootId);
      expect(env.LAND_SUPERVISED).toBe('1');
      expect(env.OTEL_SERVICE_NAME).toBe(`shop-${tier}`);
      expect(env.OTEL_RESOURCE_ATTRIBUTES).toBe(`land.tier=${tier},land.profile=debug,land.boot_id=${run.bootId}`);
      // Both spellings of the renamed keys.
      expect(env.Emit).toBe('true');
      expect(env.OTLPEnabled).toBe('true');
      // With land's receiver on (the default), every OTLP endpoint a child reads is the receiver's (test/receiver).
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
      expect(env.OTLPEndpoint).toBe(env.OTEL_EXPORTER_OTLP_ENDPOINT);
      expect(env.Pipe).toBe(env.OTEL_EXPORTER_OTLP_ENDPOINT);
    }
    expect(api!.OTLP_TRACE_ID).toBe(worker!.OTLP_TRACE_ID);
    expect(api!.TRACEPARENT).not.toBe(worker!.TRACEPARENT);
  });

  it('joins a valid TRACEPARENT from its own environment and ignores an invalid one with one line', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const dir = makeProject({ config: { tiers: { one: { command: child('--report-env', reports) } } } });
    const parentTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const joined = land(['up', '--no-tui'], dir, { TRACEPARENT: `00-${parentTrace}-00f067aa0ba902b7-01` });
    await waitUntil(() => envReports(reports, 'one').length === 1, 20_000, 'the first report');
    await joined.stop();
    expect(envReports(reports, 'one').at(-1)!.OTLP_TRACE_ID).toBe(parentTrace);

    const ignored = land(['up', '--no-tui'], dir, { TRACEPARENT: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' });
    await waitUntil(() => envReports(reports, 'one').length === 2, 20_000, 'the second report');
    await ignored.stop();
    const warnings = ignored.stderr.split('\n').filter((line) => line.includes('TRACEPARENT'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ignoring TRACEPARENT .*trace id/);
    const fresh = envReports(reports, 'one').at(-1)!.OTLP_TRACE_ID;
    expect(fresh).not.toBe(parentTrace);
    expect(fresh).toMatch(/^[0-9a-f]{32}$/);
  });
});
