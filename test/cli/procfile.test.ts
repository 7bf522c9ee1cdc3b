/** A folder with a Procfile and no land config: `land up` runs it with foreman's conventions and the telemetry contract. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CHILD, envReports, expectCleanRejection, land, landDone, markedProcesses } from '../helpers/land.js';
import { startOtlpReceiver, startPostHogReceiver } from '../helpers/receivers.js';

const folders: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A foreman project: a Procfile, a .env, a subfolder, and no land config. */
function foremanProject(procfile: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-procfile-'));
  folders.push(dir);
  writeFileSync(join(dir, 'Procfile'), procfile);
  mkdirSync(join(dir, 'app', 'deep'), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('land up with a Procfile', () => {
  it('runs each process type with PORT from 5000 (+100 a type), a formation, .env and the whole telemetry contract', { timeout: 90_000 }, async () => {
    const posthog = await startPostHogReceiver();
    const otlp = await startOtlpReceiver();
    closers.push(() => posthog.close(), () => otlp.close());
    const reports = join(tmpdir(), `land-procfile-env-${process.pid}-${Date.now()}`);
    folders.push(reports);
    const dir = foremanProject(
      [
        '# foreman style',
        `web: node ${CHILD} --report-env ${reports} --say "web listening on $PORT"`,
        `worker: node ${CHILD} --report-env ${reports} --say "worker on $PORT"`,
        `clock: node ${CHILD} --say "clock"`,
        '',
      ].join('\n'),
      {
        '.env': 'GREETING=hello from .env\n',
        '.env.Land.PostHog': ['Authorize=phc_procfile_key_1234567890', `Beam=${posthog.url}`, 'Capture=true', 'Report=true', 'OTLPEnabled=true', `OTLPEndpoint=${otlp.url}`, 'Record=1', ''].join('\n'),
      },
    );
    // Run from a subfolder: land walks up to the Procfile, as foreman users run it from anywhere in the repo.
    // clock is not named: foreman runs none of it (a type not named gets all=, 0 unless given).
    const run = land(['up', '--no-tui', '-m', 'web=2,worker=1'], join(dir, 'app', 'deep'), { TRACEPARENT: undefined, PORT: undefined });
    await run.waitFor(/web\.1 +\| web listening on 5000/);
    await run.waitFor(/web\.2 +\| web listening on 5001/);
    await run.waitFor(/worker\.1 +\| worker on 5100/);
    await run.waitFor(/worker\.1: starting → ready/);
    await run.waitFor(/web\.2: starting → ready/);
    await run.waitFor(/web\.1: starting → ready/);
    expect(run.output).not.toMatch(/clock/);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);

    const traceId = /trace ([0-9a-f]{32})/.exec(run.stdout)![1]!;
    // The formation is the tier's replicas: web.1 and web.2 with foreman's PORT each; worker=1 is worker.1 (foreman's name).
    const web = envReports(reports, 'web').sort((a, b) => a.LAND_REPLICA!.localeCompare(b.LAND_REPLICA!));
    const [worker] = envReports(reports, 'worker');
    expect(web.map((env) => [env.LAND_REPLICA, env.PORT])).toEqual([['1', '5000'], ['2', '5001']]);
    expect([worker!.LAND_REPLICA, worker!.PORT]).toEqual(['1', '5100']);
    const app = basename(dir);
    for (const env of [...web, worker!]) {
      expect(env.GREETING).toBe('hello from .env');
      expect(env.OTLP_TRACE_ID).toBe(traceId);
      expect(env.TRACEPARENT).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(env.LAND_SUPERVISED).toBe('1');
      expect(env.OTEL_SERVICE_NAME).toBe(`${app}-${env.LAND_TIER}`);
      // The stack's own receiver (which forwards to the collector): children never need to know the collector.
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).not.toBe(otlp.url);
      expect(env.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    }
    expect(new Set([...web, worker!].map((env) => env.TRACEPARENT)).size).toBe(3);

    // Each instance: its own spawn span (under the one land.boot) and its own session:start, under the type's tier.
    const spawns = otlp.spans.filter((span) => span.name.startsWith('land.spawn '));
    expect(spawns.map((span) => [span.name, span.attributes['land.tier.name']]).sort()).toEqual([
      ['land.spawn web', 'web.1'],
      ['land.spawn web', 'web.2'],
      ['land.spawn worker', 'worker.1'],
    ]);
    expect(new Set(otlp.spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    await posthog.waitForEvents(4);
    const starts = posthog.events.filter((event) => event.event.endsWith(':session:start')).map((event) => event.event).sort();
    expect(starts).toEqual(['land:mountain:session:start', 'land:web:session:start', 'land:web:session:start', 'land:worker:session:start']);
    expect(run.output).not.toContain('phc_procfile_key');

    // One log file per instance, and a recording of the boot for `land trace`.
    expect(readdirSync(join(dir, '.land', 'logs', run.bootId)).sort()).toEqual(['web.1.log', 'web.2.log', 'worker.1.log']);
    expect(readFileSync(join(dir, '.land', 'logs', run.bootId, 'web.2.log'), 'utf8')).toContain('web listening on 5001');
    expect(existsSync(join(dir, '.land', 'telemetry', run.bootId, 'spans.ndjson'))).toBe(true);
  });

  it('takes the base port from .env as foreman does, and a land config beside the Procfile wins', { timeout: 60_000 }, async () => {
    const reports = join(tmpdir(), `land-procfile-port-${process.pid}-${Date.now()}`);
    folders.push(reports);
    const dir = foremanProject(`api: node ${CHILD} --report-env ${reports} --say "api on $PORT"\nqueue: node ${CHILD} --say "queue on $PORT"\n`, { '.env': 'PORT=7000\n' });
    const run = land(['up', '--no-tui'], dir, { PORT: undefined });
    await run.waitFor(/api +\| api on 7000/);
    await run.waitFor(/queue +\| queue on 7100/);
    expect(run.stdout).toMatch(/profile default/);
    expect((await run.stop()).code).toBe(0);
    expect(envReports(reports, 'api')[0]!.LAND_PROFILE).toBe('default');

    writeFileSync(join(dir, 'land.config.mjs'), `export default { tiers: { only: { command: ${JSON.stringify(['node', CHILD, '--say', 'from the config'])} } } };\n`);
    const configured = land(['up', '--no-tui'], join(dir, 'app'));
    await configured.waitFor(/only +\| from the config/);
    expect((await configured.stop()).code).toBe(0);
    expect(configured.output).not.toMatch(/api on/);
  });

  it('rejects a bad Procfile line, a bad formation and a formation for a land config with one line and exit 2', async () => {
    const dir = foremanProject(`web: node ${CHILD}\nthis line is wrong\n`);
    const bad = await landDone(['up', '--no-tui'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^land: Procfile:2: expected <process type>: <command> .*got "this line is wrong"\n$/);

    const good = foremanProject(`web: node ${CHILD}\n`);
    const formation = await landDone(['up', '--no-tui', '-m', 'web=2,wrker=1'], good);
    expect(formation.code).toBe(2);
    expect(formation.stderr).toBe('land: -m/--formation: unknown process type "wrker" (the Procfile has web; all sets the rest)\n');
    const malformed = await landDone(['up', '--no-tui', '-m', 'web:2'], good);
    expect(malformed.stderr).toMatch(/^land: -m\/--formation: expected <process type>=<count>.*got "web:2"\n$/);
    // The range of replicas and land scale (0 leaves a type out): web=100 must not start a hundred processes.
    for (const [flag, shown] of [
      ['web=100', 'web: expected a count 0..64 (0 leaves the type out), got 100'],
      ['all=100000', 'all: expected a count 0..64 (0 leaves the type out), got 100000'],
      ['web=0', 'expected at least one process to run, got web=0'],
      ['web=1,web=2', 'web: expected one count, got 1 and 2'],
    ]) {
      const refused = await landDone(['up', '--no-tui', '-m', flag!], good);
      expectCleanRejection(refused, good, new RegExp(`^land: -m/--formation: ${shown!.replace(/[()]/g, '\\$&')}$`));
    }
    expect(existsSync(join(good, '.land', 'logs'))).toBe(false);

    writeFileSync(join(good, 'land.config.mjs'), `export default { tiers: { a: { command: ['true'] } } };\n`);
    const notProcfile = await landDone(['up', '--no-tui', '-m', 'a=2'], good);
    expect(notProcfile.code).toBe(2);
    expect(notProcfile.stderr).toMatch(/^land: --formation: only for a Procfile stack/);
  });

  it('runs Procfile.dev over a Procfile beside it, and -f/--procfile any named Procfile, for up and the clients alike', { timeout: 90_000 }, async () => {
    const dir = foremanProject(`web: node ${CHILD} --say "from Procfile"\n`, {
      'Procfile.dev': `dev: node ${CHILD} --say "from Procfile.dev"\n`,
      'Procs.local': `alt: node ${CHILD} --say "from Procs.local"\n`,
    });
    for (const args of [['up', '--no-tui', '-f', 'Procfile.missing'], ['status', '-f', 'Procfile.missing'], ['logs', '--procfile', 'Procfile.missing']]) {
      const missing = await landDone(args, dir);
      expectCleanRejection(missing, dir, /^land: --procfile: .*Procfile\.missing: file not found$/);
    }
    // Rails' bin/dev runs Procfile.dev: beside a deploy Procfile, the development one is what `land up` means.
    const dev = land(['up', '--no-tui', '--no-dashboard'], join(dir, 'app'));
    await dev.waitFor(/dev +\| from Procfile\.dev/);
    expect((await dev.stop()).code).toBe(0);
    expect(dev.output).not.toMatch(/from Procfile\n/);

    const named = land(['up', '--no-tui', '--no-dashboard', '-f', 'Procs.local'], dir);
    await named.waitFor(/alt: starting → ready/);
    // A client finds the stack by its folder, with any of its files named, or with -f and -c both (refused).
    const status = await landDone(['status', '--procfile', join(dir, 'Procs.local'), '--json'], tmpdir());
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).tiers.map((tier: { name: string }) => tier.name)).toEqual(['alt']);
    const logs = await landDone(['logs', '--procfile', 'Procs.local', 'alt'], dir);
    expect(logs.stdout).toContain('from Procs.local');
    const both = await landDone(['status', '-f', 'Procs.local', '-c', 'Procfile'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^land: status: option '-f, --procfile <file>' cannot be used with option '-c, --config <file>'\n$/);
    expect((await landDone(['down', '-f', 'Procs.local'], dir)).code).toBe(0);
    expect((await named.exited).code).toBe(0);
    expect(named.output).not.toMatch(/from Procfile/);

    // -c takes a Procfile by foreman's names (Procfile.dev, Procfile.local…): read as one, not as a JS config.
    const byConfig = land(['up', '--no-tui', '--no-dashboard', '-c', 'Procfile'], dir);
    await byConfig.waitFor(/web +\| from Procfile/);
    expect((await byConfig.stop()).code).toBe(0);

  });
});

describe('land run with a Procfile', () => {
  it("--tier web.2 is the running stack's replica (land up -m web=2); with no stack running, -m names the formation as for land up", { timeout: 90_000 }, async () => {
    const dir = foremanProject(`web: node ${CHILD} --say "web on $PORT"\nworker: node ${CHILD}\nclock: node ${CHILD}\n`);
    const shell = { PORT: undefined, TRACEPARENT: undefined };
    const printEnv = ['--', 'node', '-e', 'console.log(process.env.LAND_TIER, process.env.PORT, process.env.LAND_REPLICA)'];
    const up = land(['up', '-d', '-m', 'web=2,worker=1'], dir, shell);
    expect((await up.exited).code, up.stderr).toBe(0);
    try {
      const web2 = await landDone(['run', '--tier', 'web.2', ...printEnv], dir, shell);
      expect(web2.stderr).toBe('');
      expect(web2.stdout).toBe('web 5001 2\n');
      // A replica the stack does not run is still unknown.
      const web3 = await landDone(['run', '--tier', 'web.3', ...printEnv], dir, shell);
      expect(web3.code).toBe(2);
      expect(web3.stderr).toMatch(/^land: --tier: unknown tier "web\.3" \(known: web, worker, clock\)/);
      // The formation's count of one scales too (worker=1 is worker.1): land scale changes it on the running stack.
      const scaled = await landDone(['scale', 'worker', '2'], dir, shell);
      expect(scaled.stderr).toBe('');
      expect(scaled.code).toBe(0);
      const worker2 = await landDone(['run', '--tier', 'worker.2', ...printEnv], dir, shell);
      expect(worker2.stdout).toBe('worker 5101 2\n');
      const status = JSON.parse((await landDone(['status', '--json'], dir, shell)).stdout) as { tiers: Array<{ name: string }> };
      expect(status.tiers.map((tier) => tier.name).sort()).toEqual(['web.1', 'web.2', 'worker.1', 'worker.2']);
    } finally {
      expect((await landDone(['down'], dir)).code).toBe(0);
    }
    const alone = await landDone(['run', '--tier', 'web.2', ...printEnv], dir, shell);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toBe(
      'land: --tier: unknown tier "web.2" (known: web, worker, clock): no running stack runs it; name the formation as for land up (land run -m web=2 --tier web.2 -- …)\n',
    );
    const formed = await landDone(['run', '-m', 'web=2', '--tier', 'web.2', ...printEnv], dir, shell);
    expect(formed.stderr).toBe('');
    expect(formed.stdout).toBe('web 5001 2\n');
  });
});
