/**
 * Issue 12, "bad input is rejected before anything starts, and secrets never leak": what only exec would refuse
 * (a NUL byte, a variable over MAX_ARG_STRLEN, an environment over ARG_MAX) is bad input before anything starts;
 * a spawn the kernel refuses at runtime fails that tier only; no error, status or event quotes a secret; a gate flag
 * that is neither true nor false is bad input; a config that hangs or throws names its file; the env-file check is
 * linear; a tier can opt out of the telemetry keys.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, http, tierOf } from '../control/helpers.js';
import { child, envReports, expectCleanRejection, freePort, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { call, login } from '../dashboard/helpers.js';
import { recordedEvents, sleeper, snapshot, tierWhen } from './support.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

const UP = ['up', '--no-tui'];
/** A tier that would leave a mark if it were ever started. */
const marker = { command: child('--touch', 'started.flag') };
const KEY = 'phc_EdgeSecretKey0123456789abcdef';

interface Case {
  kind: string;
  name: string;
  config?: Record<string, unknown>;
  source?: string;
  profiles?: Record<string, string>;
  files?: Record<string, string>;
  env?: Record<string, string>;
  args?: string[];
  expected: RegExp;
  /** Text that must appear nowhere in the output. */
  secret?: string;
}

const cases: Case[] = [
  {
    kind: 'env file',
    name: 'a NUL byte in Authorize: rejected naming file:line, the key quoted nowhere',
    config: { tiers: { a: marker } },
    files: { '.env.Land.PostHog': `Capture=true\nAuthorize=${KEY}\0tail\n` },
    expected: /^land: \.env\.Land\.PostHog:2: Authorize: expected a value without NUL bytes/,
    secret: 'EdgeSecretKey',
  },
  {
    kind: 'config',
    name: "a NUL byte in a tier's env value",
    source: `export default { tiers: { a: { command: ${JSON.stringify(marker.command)}, env: { API_TOKEN: "tok-s3cret\\0x" } } } };\n`,
    expected: /land\.config\.mjs: tiers\.a\.env\.API_TOKEN: expected a value without NUL bytes/,
    secret: 's3cret',
  },
  {
    kind: 'config',
    name: 'a NUL byte in a command argument',
    source: `export default { tiers: { a: { command: [...${JSON.stringify(marker.command)}, "x\\0y"] } } };\n`,
    expected: /land\.config\.mjs: tiers\.a\.command\[4\]: expected an argument without NUL bytes/,
  },
  {
    kind: 'profile',
    name: "a value over the kernel's per-string limit (MAX_ARG_STRLEN)",
    config: { tiers: { a: marker } },
    profiles: { debug: `Spawn=true\nBIG=${'x'.repeat(140_000)}\n` },
    expected: /profiles\/debug\.env:2: BIG: expected a value of at most 128\.0 KiB \(the kernel's MAX_ARG_STRLEN, name included\), got 136\.7 KiB/,
  },
  {
    kind: 'profile',
    name: "an environment larger than ARG_MAX in all, each value under the per-string limit",
    config: { tiers: { a: marker } },
    // 56 × 120 KB: above the 6 MiB the kernel allows whatever the stack limit.
    profiles: { debug: Array.from({ length: 56 }, (_, i) => `BIG_${i}=${'y'.repeat(120_000)}`).join('\n') },
    expected: /land\.config\.mjs: tiers\.a: expected an environment and command line of at most [\d.]+ KiB in all \(the kernel's ARG_MAX here.*\), got [\d.]+ KiB; largest: profiles\/debug\.env:\d+: BIG_\d+ \(117\.2 KiB\)/,
  },
  {
    kind: 'profile',
    name: 'a gate flag spelt Spawn=flase',
    config: { tiers: { a: marker, b: { ...marker, gate: 'Spawn' } } },
    profiles: { debug: 'Render=true\nSpawn=flase\n' },
    expected: /^land: profiles\/debug\.env:2: Spawn: expected true, false, 1, 0, on, off, yes, no or empty \(it gates b\), got "flase"$/,
  },
  {
    kind: 'environment',
    name: 'a gate flag exported as Spawn=flase',
    config: { tiers: { a: marker, b: { ...marker, gate: ['Render', 'Spawn'] } } },
    env: { Spawn: 'flase' },
    expected: /^land: land's environment: Spawn: expected true, false, 1, 0, on, off, yes, no or empty \(it gates b\), got "flase"$/,
  },
  {
    kind: 'env file',
    name: 'a collector address without its scheme (Pipe=localhost:4318) with the OTLP pipe on',
    files: { '.env.Land.PostHog': 'Capture=true\nEmit=true\nPipe=localhost:4318\n' },
    expected: /^land: \.env\.Land\.PostHog:3: Pipe: expected the OTLP collector's address as an http or https URL with a host and a port of 1-65535 \(as http:\/\/127\.0\.0\.1:4318\), but its scheme is not http: or https: \(the value is not repeated: it may hold a password\)$/,
  },
  {
    kind: 'env file',
    name: 'a collector address with a password and a port over 65535 (the older name OTLPEndpoint): the password quoted nowhere',
    files: { '.env.Land.PostHog': 'Capture=1\nOTLPEnabled=1\nOTLPEndpoint=https://otel:pw_S3cr9t@collector.example.com:99999\n' },
    expected: /^land: \.env\.Land\.PostHog:3: OTLPEndpoint: expected the OTLP collector's address .*, but not a URL \(or its port is not 1-65535\) \(the value is not repeated: it may hold a password\)$/,
    secret: 'pw_S3cr9t',
  },
  {
    kind: 'env file',
    name: 'a collector address with a password but no scheme (Pipe=admin:pw@collector:4318): the password quoted nowhere',
    files: { '.env.Land.PostHog': 'Capture=1\nEmit=1\nPipe=admin:pw_N0sch3me@collector:4318\n' },
    expected: /^land: \.env\.Land\.PostHog:3: Pipe: expected the OTLP collector's address .*, but its scheme is not http: or https: \(the value is not repeated: it may hold a password\)$/,
    secret: 'pw_N0sch3me',
  },
  {
    kind: 'environment',
    name: 'a collector address exported as OTEL_EXPORTER_OTLP_ENDPOINT=127.0.0.1:4318 with the OTLP pipe on',
    env: { Capture: '1', Emit: '1', OTEL_EXPORTER_OTLP_ENDPOINT: '127.0.0.1:4318' },
    expected: /^land: land's environment: OTEL_EXPORTER_OTLP_ENDPOINT: expected the OTLP collector's address .*, but not a URL/,
  },
  {
    kind: 'config',
    name: 'a top-level await that never settles (nothing keeps node alive): fails after the bound, naming the file',
    source: 'await new Promise(() => {});\nexport default { tiers: {} };\n',
    env: { LAND_CONFIG_TIMEOUT_MS: '1500' },
    expected: /^land: land\.config\.mjs: did not finish loading within 1\.5 s \(a top-level await that never settles\?\)$/,
  },
  {
    kind: 'config',
    name: 'a top-level await that never settles (a timer keeps node alive): fails after the bound, naming the file',
    source: 'await new Promise(() => setInterval(() => {}, 1000));\nexport default { tiers: {} };\n',
    env: { LAND_CONFIG_TIMEOUT_MS: '1500' },
    expected: /^land: land\.config\.mjs: did not finish loading within 1\.5 s/,
  },
  {
    kind: 'config',
    name: 'a config whose export throws when read (a getter)',
    source: 'export default { get tiers() { throw new Error("getter boom"); } };\n',
    expected: /^land: land\.config\.mjs: failed to read the exported config: getter boom$/,
  },
  {
    kind: 'env file',
    name: 'a 100 KB line without = is rejected at once (the line check is linear)',
    config: { tiers: { a: marker } },
    files: { '.env.Land': `${' '.repeat(100_000)}x\n` },
    expected: /^land: \.env\.Land:1: expected KEY=value, got \(hidden: it may be a secret\)$/,
  },
  {
    kind: 'env file',
    name: 'a 100 KB line of export and spaces without = is rejected at once',
    config: { tiers: { a: marker } },
    files: { '.env.Land': `export${' '.repeat(100_000)}x\n` },
    expected: /^land: \.env\.Land:1: expected KEY=value, got "export …" \(hidden: it may be a secret\)$/,
  },
];

describe.concurrent('bad input: values exec would refuse, gate flags, configs that hang or throw (one line, exit 2, nothing started)', () => {
  for (const testCase of cases) {
    it(`${testCase.kind}: ${testCase.name}`, async () => {
      const dir = makeProject({ config: testCase.config ?? { tiers: { a: marker } }, profiles: testCase.profiles ?? { debug: '' }, files: testCase.files ?? {} });
      if (testCase.source !== undefined) writeFileSync(join(dir, 'land.config.mjs'), testCase.source);
      const result = await landDone(testCase.args ?? UP, dir, testCase.env);
      expectCleanRejection(result, dir, testCase.expected);
      if (testCase.secret) expect(result.stdout + result.stderr).not.toContain(testCase.secret);
    });
  }
});

describe('fault: a spawn the kernel refuses at runtime', () => {
  it("E2BIG on a restart (land's stack limit lowered under it): that tier fails with the reason, its neighbour and land keep running", async () => {
    // 3 × 100 KB: fine under the usual 2 MiB, too much once land's stack limit is 1 MiB (ARG_MAX 256 KiB).
    const big = { BIG_ONE: 'a'.repeat(100_000), BIG_TWO: 'b'.repeat(100_000), BIG_THREE: 'c'.repeat(100_000) };
    const dir = makeProject({ config: { tiers: { a: { ...sleeper('a'), env: big, restart: { policy: 'never' } }, b: sleeper('b') } } });
    const run = land(UP, dir);
    runs.push(run);
    await run.waitFor(/a: starting → ready/);
    await run.waitFor(/b: starting → ready/);
    execFileSync('prlimit', ['--pid', String(run.proc.pid), '--stack=1048576:']);
    const restart = await landDone(['restart', 'a'], dir);
    expect(restart.code).not.toBe(1);
    const failed = await tierWhen(dir, 'a', (tier) => tier.state === 'failed', 'failed');
    expect(failed.reason).toMatch(/^spawn failed: the command line and environment are larger than exec accepts \(E2BIG\)$/);
    expect(tierOf(await snapshot(dir), 'b').state).toBe('ready');
    expect(run.proc.exitCode).toBeNull();
    expect(run.output).not.toMatch(/fatal/);
    expect(run.output).not.toContain('a'.repeat(100));
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

describe('fault: credentials in probe URLs', () => {
  it('user:password@ and api_key=/token= values are masked in status, recorded events and errors; the probe still authenticates', async () => {
    const [port, closed] = await Promise.all([freePort(), freePort()]);
    const query = '?api_key=K3y-s3cret-1&token=T0k-s3cret-2&plain=1';
    const dir = makeProject({
      config: {
        tiers: {
          web: {
            // Arguments the child ignores, as a real server would take them: the dashboard's tier detail shows them masked.
            command: [...child('--http', port), '--token=Arg-s3cret-3', `https://bob:Arg-s3cret-4@db/x${query}`],
            ready: { http: `http://admin:hunter2-s3cret@127.0.0.1:${port}/health${query}`, timeoutMs: 20_000 },
          },
          dead: {
            command: child(),
            ready: { http: `http://admin:hunter2-s3cret@127.0.0.1:${closed}/health${query}`, timeoutMs: 1500 },
            restart: { policy: 'never' },
          },
        },
      },
      profiles: { debug: 'Record=1\n' },
    });
    const run = land(UP, dir);
    runs.push(run);
    await run.waitFor(/web: starting → ready/);
    const dead = await tierWhen(dir, 'dead', (tier) => tier.state === 'failed', 'failed');
    expect(JSON.stringify(dead.history)).toContain(`http://admin:***@127.0.0.1:${closed}/health?api_key=***&token=***&plain=1`);
    const statusJson = (await landDone(['status', '--json'], dir)).stdout;
    expect(statusJson).toContain(`http http://admin:***@127.0.0.1:${port}/health?api_key=***&token=***&plain=1 passed`);
    const raw = await http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, '/status');
    const [, url, dashboardPort] = /land: dashboard on (http:\/\/127\.0\.0\.1:(\d+)\/login\?token=\S+)/.exec(run.output)!;
    const cookie = await login(Number(dashboardPort), url!);
    const detail = (await call(Number(dashboardPort), '/api/tiers/web', { headers: { cookie } })).body;
    expect(JSON.parse(detail)).toMatchObject({
      command: expect.arrayContaining(['--token=***', 'https://bob:***@db/x?api_key=***&token=***&plain=1']),
      ready: `HTTP GET http://admin:***@127.0.0.1:${port}/health?api_key=***&token=***&plain=1 answering 2xx, within 20000 ms`,
    });
    expect((await run.stop()).code).toBe(0);
    const events = readFileSync(join(dir, '.land', 'telemetry', run.bootId, 'events.ndjson'), 'utf8');
    expect(recordedEvents(dir, run.bootId).some((event) => event.event === 'land:dead:error')).toBe(true);
    for (const text of [statusJson, raw.body, events, run.output, detail]) {
      for (const secret of ['hunter2-s3cret', 'K3y-s3cret-1', 'T0k-s3cret-2', 'Arg-s3cret']) expect(text).not.toContain(secret);
    }
  });
});

describe('fault: telemetry secrets reach only the tiers that need them', () => {
  it('a tier with telemetryEnv: false gets no PostHog key nor any telemetry key, its own env still can; the others get them', async () => {
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const tier = (name: string, extra: Record<string, unknown> = {}) => ({ command: child('--report-env', reports, '--say', `${name} up`), ready: { log: `${name} up` }, ...extra });
    const dir = makeProject({
      config: { tiers: { app: tier('app'), redis: tier('redis', { telemetryEnv: false }), own: tier('own', { telemetryEnv: false, env: { Capture: 'false' } }) } },
      // Keys set, pipes off: nothing leaves the machine.
      files: { '.env.Land.PostHog': `Capture=true\nReport=false\nAuthorize=${KEY}\nBeam=http://127.0.0.1:1\nRecord=0\nEmit=false\n` },
    });
    const run = land(UP, dir);
    runs.push(run);
    await run.waitFor(/own: starting → ready/);
    await run.waitFor(/redis: starting → ready/);
    await run.waitFor(/app: starting → ready/);
    expect((await run.stop()).code).toBe(0);
    const [app] = envReports(reports, 'app');
    const [redis] = envReports(reports, 'redis');
    const [own] = envReports(reports, 'own');
    expect(app!.Authorize).toBe(KEY);
    expect(app!.Capture).toBe('true');
    for (const key of ['Authorize', 'Capture', 'Report', 'Beam', 'Record', 'Emit', 'OTLPEnabled']) {
      expect(app![key]).toBeDefined();
      expect(redis![key]).toBeUndefined();
    }
    expect(redis!.TRACEPARENT).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(own!.Authorize).toBeUndefined();
    expect(own!.Capture).toBe('false');
  });
});

describe('fault: profiles that cannot be read', () => {
  it('land profiles shows the table of the good profiles and one line per broken one, exit 2', async () => {
    const dir = makeProject({
      config: { tiers: { a: marker, b: { ...marker, gate: 'Spawn' } } },
      profiles: { debug: 'Spawn=true\n', kernel: 'Spawn=false\n', typo: 'Spawn=flase\n', broken: 'oops\n' },
    });
    const result = await landDone(['profiles'], dir);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/^profile +a +b\ndebug \* +yes +yes\nkernel +yes +-\n/);
    expect(result.stdout).toMatch(/kernel: b \(Spawn=false\)/);
    expect(result.stdout).not.toMatch(/typo|broken/);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^land: profiles\/broken\.env:1: expected KEY=value, got "oops"$/),
      expect.stringMatching(/^land: profiles\/typo\.env:1: Spawn: expected true, false, .* \(it gates b\), got "flase"$/),
    ]);
    const json = await landDone(['profiles', '--json'], dir);
    expect(json.code).toBe(2);
    const body = JSON.parse(json.stdout) as { profiles: Array<{ profile: string }>; broken: Array<{ profile: string }> };
    expect(body.profiles.map((row) => row.profile)).toEqual(['debug', 'kernel']);
    expect(body.broken.map((row) => row.profile)).toEqual(['broken', 'typo']);
  });
});
