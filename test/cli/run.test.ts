/** `land run [--tier <tier>] -- <command…>`: one command with a tier's environment, in the foreground. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, LAND_BIN, child, expectCleanRejection, land, landDone, makeProject, removeProjects, waitUntil } from '../helpers/land.js';
import { tmuxServer } from '../helpers/tmux.js';
import { ensureSocketDir, socketPath } from '../../src/control/paths.js';

const SECRET = 'phc_run_secret_abcdefghijklmnopqrs';
const tmux = tmuxServer('run-test');

afterAll(() => {
  tmux.kill();
  removeProjects();
});

/** Prints the variables a test asks about as one JSON line. */
const printEnv = (...names: string[]) => ['node', '-e', `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`];

function project() {
  return makeProject({
    config: {
      tiers: {
        api: { command: child(), env: { API_ONLY: 'api' }, inheritEnv: false, allowEnv: ['KEEP_ME'], telemetryEnv: false },
        web: { command: child(), replicas: 2, port: 7000 },
      },
    },
    profiles: { debug: 'FROM_PROFILE=debug\n', ci: 'FROM_PROFILE=ci\n' },
    files: { '.env.Land.PostHog': `Authorize=${SECRET}\nCapture=true\n` },
  });
}

const envOf = (stdout: string) => JSON.parse(stdout) as Record<string, string | null>;

// Each test has a project of its own (the one tmux session, its own name): they run side by side, five at a time
// (a slower machine then takes longer per test: the timeouts are 90 s, not 30).
describe.concurrent('land run', () => {
  it('gives the command the stack-wide env, or a tier\'s with --tier; secrets reach it and land prints none; no boot is recorded', { timeout: 90_000 }, async () => {
    const dir = project();
    const names = ['FROM_PROFILE', 'Authorize', 'API_ONLY', 'KEEP_ME', 'DROP_ME', 'LAND_TIER', 'LAND_PROFILE', 'LAND_SUPERVISED', 'PORT', 'LAND_REPLICA', 'TRACEPARENT'];
    const shell = { KEEP_ME: 'kept', DROP_ME: 'dropped' };
    const wide = await landDone(['run', '--profile', 'ci', '--', ...printEnv(...names)], dir, shell);
    expect(wide.code).toBe(0);
    expect(wide.stderr).toBe('');
    expect(envOf(wide.stdout)).toMatchObject({ FROM_PROFILE: 'ci', Authorize: SECRET, API_ONLY: null, DROP_ME: 'dropped', LAND_TIER: 'run', LAND_PROFILE: 'ci', LAND_SUPERVISED: null });
    expect(envOf(wide.stdout).TRACEPARENT).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);

    const api = await landDone(['run', '--tier', 'api', '--', ...printEnv(...names)], dir, shell);
    expect(envOf(api.stdout)).toMatchObject({ FROM_PROFILE: 'debug', Authorize: null, API_ONLY: 'api', KEEP_ME: 'kept', DROP_ME: null, LAND_TIER: 'api' });
    const web2 = await landDone(['run', '--tier', 'web.2', '--', ...printEnv(...names)], dir, shell);
    expect(envOf(web2.stdout)).toMatchObject({ LAND_TIER: 'web', PORT: '7001', LAND_REPLICA: '2' });
    expect(existsSync(join(dir, '.land', 'logs'))).toBe(false);

    // A command that fails to start: one line naming it, the shell's code, still no secret.
    const missing = await landDone(['run', '--', 'no-such-command-here', SECRET.slice(0, 3)], dir);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toMatch(/^land: run: no-such-command-here: .*ENOENT\n$/);
    expect(missing.stdout + missing.stderr).not.toContain(SECRET);
  });

  it.each([
    [['sh', '-c', 'exit 0'], 0],
    [['sh', '-c', 'exit 42'], 42],
    [['sh', '-c', 'kill -KILL $$'], 137],
  ])('%j: land exits with the command\'s code (128 + n for signal n)', async (command, code) => {
    const result = await landDone(['run', '--', ...command], project());
    expect(result.code).toBe(code);
    expect(result.stdout + result.stderr).toBe('');
  });

  it.each(['INT', 'TERM', 'HUP', 'QUIT'])('the command dies of SIG%s: land dies of it too (a shell loop stops)', async (name) => {
    const result = await landDone(['run', '--', 'sh', '-c', `kill -${name} $$`], project());
    expect([result.code, result.signal]).toEqual([null, `SIG${name}`]);
    expect(result.stdout + result.stderr).toBe('');
  });

  it('passes stdin through and forwards SIGTERM and (outside a terminal) SIGINT to the command', { timeout: 90_000 }, async () => {
    const dir = project();
    const cat = spawn(process.execPath, [LAND_BIN, 'run', '--', 'node', '-e', 'process.stdin.pipe(process.stdout)'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    cat.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    cat.stdin.end('line one\nline two\n');
    const catCode = await new Promise((done) => cat.once('close', done));
    expect([catCode, out]).toEqual([0, 'line one\nline two\n']);

    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const run = land(['run', '--', 'node', CHILD, '--say', 'child up'], dir);
      await run.waitFor(/child up/);
      run.signal(signal);
      const exit = await run.exited;
      // The fixture exits 0 on SIGTERM and has no SIGINT handler (so SIGINT kills it, and land dies of it too).
      expect([signal, exit.code, exit.signal]).toEqual(signal === 'SIGTERM' ? [signal, 0, null] : [signal, null, 'SIGINT']);
      if (signal === 'SIGTERM') expect(run.stdout).toContain('got SIGTERM, exiting');
    }
  });

  // Alone: the command reports the signals it saw 1.5 s after it is ready, and land must have forwarded all three by then.
  it.sequential('outside a terminal, a signal to land\'s whole process group reaches the command once', { timeout: 90_000 }, async () => {
    const dir = project();
    const script = [
      'const seen = [];',
      "for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => seen.push(s));",
      "console.log('ready');",
      'setTimeout(() => { console.log(seen.sort().join(",")); process.exit(seen.length); }, 1500);',
    ].join(' ');
    // land leads a group of its own, as under a CI runner or `timeout`, which signal the whole group.
    const run = spawn(process.execPath, [LAND_BIN, 'run', '--', 'node', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    run.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    const closed = new Promise((done) => run.once('close', done));
    await waitUntil(() => out.includes('ready'), 15_000, 'the command to start');
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.kill(-run.pid!, signal);
    expect(await closed).toBe(3);
    expect(out).toBe('ready\nSIGHUP,SIGINT,SIGTERM\n');
  });

  it('in a terminal: the command gets the tty, and Ctrl-C reaches it once', { timeout: 90_000 }, async () => {
    const dir = project();
    const out = join(dir, 'screen.txt');
    const script = [
      'let n = 0;',
      "process.on('SIGINT', () => { n += 1; setTimeout(() => { console.log('SIGINTs', n); process.exit(n); }, 500); });",
      "console.log('tty', process.stdin.isTTY === true, process.stdout.isTTY === true);",
      'setInterval(() => {}, 1000);',
    ].join(' ');
    tmux('new-session', '-d', '-s', 'run', '-x', '100', '-y', '20', `cd ${dir} && node ${LAND_BIN} run -- node -e "${script}"; echo LAND-EXITED $? > ${out}; sleep 60`);
    const screen = () => tmux('capture-pane', '-p', '-t', 'run');
    await waitUntil(() => screen().includes('tty true true'), 15_000, 'the command to start in the terminal');
    await sleep(200);
    tmux('send-keys', '-t', 'run', 'C-c');
    await waitUntil(() => existsSync(out), 15_000, 'land to exit');
    expect(screen()).toMatch(/SIGINTs 1/);
    expect(readFileSync(out, 'utf8').trim()).toBe('LAND-EXITED 1');
  });

  it('joins the trace land was started under and gets the collector, as land up\'s tiers do', { timeout: 90_000 }, async () => {
    const names = ['TRACEPARENT', 'TRACESTATE', 'BAGGAGE', 'OTLP_TRACE_ID', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
    const collector = 'http://127.0.0.1:4999';
    const otlpOn = `Capture=true\nOTLPEnabled=true\nPipe=${collector}/\n`;
    // The receiver on or off: no receiver runs for a command, so the collector is its one egress either way.
    for (const enabled of [true, false]) {
      const dir = makeProject({ config: { receiver: { enabled }, tiers: { api: { command: child() } } }, files: { '.env.Land.PostHog': otlpOn } });
      const outer = { TRACEPARENT: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', TRACESTATE: 'ci=job-7', BAGGAGE: 'pipeline=nightly' };
      const joined = await landDone(['run', '--', ...printEnv(...names)], dir, outer);
      expect([joined.code, joined.stderr]).toEqual([0, '']);
      expect(envOf(joined.stdout)).toEqual({ ...outer, OTLP_TRACE_ID: '0af7651916cd43dd8448eb211c80319c', OTEL_EXPORTER_OTLP_ENDPOINT: collector });
    }
    // An invalid one: said in one line, as land up says it, and the command gets a trace of its own; OTLP off: no endpoint.
    const dir = makeProject({ config: { tiers: { api: { command: child() } } } });
    const bad = await landDone(['run', '--', ...printEnv(...names)], dir, { TRACEPARENT: '00-zz-01', TRACESTATE: 'ci=job-7' });
    expect(bad.code).toBe(0);
    expect(bad.stderr).toMatch(/^land: ignoring TRACEPARENT from the environment: .+\nland: ignoring TRACESTATE from the environment: it goes with a TRACEPARENT, and there is no valid one\n$/);
    const fresh = envOf(bad.stdout);
    expect(fresh).toMatchObject({ TRACESTATE: null, BAGGAGE: null, OTEL_EXPORTER_OTLP_ENDPOINT: null });
    expect(fresh.TRACEPARENT).toMatch(new RegExp(`^00-${fresh.OTLP_TRACE_ID}-[0-9a-f]{16}-01$`));
  });

  it('beside a running stack: joins its boot\'s trace under land.boot and exports to its receiver, as its tiers do', { timeout: 90_000 }, async () => {
    const names = ['TRACEPARENT', 'OTLP_TRACE_ID', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'LAND_BOOT_ID'];
    const dir = makeProject({ config: { tiers: { api: { command: child('--say', 'api up'), ready: { log: 'api up' } } } } });
    const stack = land(['up', '--no-tui', '--no-dashboard'], dir, { TRACEPARENT: undefined });
    let status: { bootId: string; traceId: string; bootSpanId: string; receiver: { endpoint: string } } | undefined;
    try {
      await stack.waitFor(/api: starting → ready/);
      status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as NonNullable<typeof status>;
      expect(status.bootSpanId).toMatch(/^[0-9a-f]{16}$/);
      // The command posts a span to the endpoint it was given: the stack's receiver takes it.
      const post = [
        'const [, trace, parent] = process.env.TRACEPARENT.split("-");',
        'const span = { traceId: trace, spanId: "00f067aa0ba902b7", parentSpanId: parent, name: "migrate", kind: 1, startTimeUnixNano: String(Date.now() * 1e6), endTimeUnixNano: String(Date.now() * 1e6 + 1e6) };',
        'const body = { resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "run" } }] }, scopeSpans: [{ spans: [span] }] }] };',
        'fetch(process.env.OTEL_EXPORTER_OTLP_ENDPOINT + "/v1/traces", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })',
        '  .then((res) => console.log(res.status), (error) => console.log(String(error)));',
      ].join('\n');
      const sent = await landDone(['run', '--', 'node', '-e', post], dir, { TRACEPARENT: undefined });
      expect([sent.code, sent.stderr, sent.stdout]).toEqual([0, '', '200\n']);
      const joined = await landDone(['run', '--', ...printEnv(...names)], dir, { TRACEPARENT: undefined });
      expect([joined.code, joined.stderr]).toEqual([0, '']);
      const env = envOf(joined.stdout);
      expect(env).toMatchObject({
        TRACEPARENT: `00-${status.traceId}-${status.bootSpanId}-01`,
        OTLP_TRACE_ID: status.traceId,
        OTEL_EXPORTER_OTLP_ENDPOINT: status.receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      });
      // A boot id of its own: the stack's would make the command one of the boot's processes.
      expect(env.LAND_BOOT_ID).not.toBe(status.bootId);
      // A valid TRACEPARENT land run is started with still says where the command belongs; the receiver stays its egress.
      const outer = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const inherited = envOf((await landDone(['run', '--', ...printEnv(...names)], dir, { TRACEPARENT: outer })).stdout);
      expect([inherited.TRACEPARENT, inherited.OTEL_EXPORTER_OTLP_ENDPOINT]).toEqual([outer, status.receiver.endpoint]);
    } finally {
      expect((await stack.stop()).code).toBe(0);
    }
    // The command's span is in the boot's trace, under land.boot, as `land trace` reads it back.
    const trace = await landDone(['trace', '--json'], dir);
    const spans = trace.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; traceId: string; spanId: string; parentSpanId: string | null });
    const boot = spans.find((span) => span.name === 'land.boot')!;
    expect([boot.traceId, boot.spanId]).toEqual([status!.traceId, status!.bootSpanId]);
    expect(spans.find((span) => span.name === 'migrate')).toMatchObject({ traceId: status!.traceId, parentSpanId: boot.spanId });
    // The stack gone: no receiver, no trace to join (OTLP off: no endpoint).
    const alone = envOf((await landDone(['run', '--', ...printEnv(...names)], dir, { TRACEPARENT: undefined })).stdout);
    expect(alone.OTEL_EXPORTER_OTLP_ENDPOINT).toBeNull();
    expect(alone.TRACEPARENT).toMatch(new RegExp(`^00-${alone.OTLP_TRACE_ID}-[0-9a-f]{16}-01$`));
  });

  it('beside a stack started with TRACESTATE and BAGGAGE: the command gets them as its tiers do; status shows neither', { timeout: 90_000 }, async () => {
    const names = ['TRACEPARENT', 'TRACESTATE', 'BAGGAGE'];
    const dir = makeProject({ config: { tiers: { api: { command: printEnv(...names), restart: { policy: 'never' } } } } });
    const outer = { TRACEPARENT: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', TRACESTATE: 'ci=job-7', BAGGAGE: 'pipeline=nightly' };
    const stack = land(['up', '--no-tui', '--no-dashboard'], dir, outer);
    try {
      await stack.waitFor(/api: \w+ → exited/);
      const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { traceId: string; bootSpanId: string };
      // Given to `land run` only (GET /status?context): not in the snapshot that status and the dashboard show.
      expect(status).not.toHaveProperty('traceContext');
      const joined = await landDone(['run', '--', ...printEnv(...names)], dir, { TRACEPARENT: undefined, TRACESTATE: undefined, BAGGAGE: undefined });
      expect([joined.code, joined.stderr]).toEqual([0, '']);
      // Before: TRACEPARENT under land.boot, but no TRACESTATE or BAGGAGE, which the stack's own tier got.
      expect(envOf(joined.stdout)).toEqual({ TRACEPARENT: `00-${status.traceId}-${status.bootSpanId}-01`, TRACESTATE: 'ci=job-7', BAGGAGE: 'pipeline=nightly' });
      expect(status.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      const tierLine = stack.stdout.split('\n').find((line) => line.includes('"TRACESTATE"'));
      expect(tierLine).toMatch(/"TRACESTATE":"ci=job-7","BAGGAGE":"pipeline=nightly"/);
    } finally {
      expect((await stack.stop()).code).toBe(0);
    }
  });

  it('a stack that does not answer on its socket: the command runs on a trace of its own, and land says it gave up waiting', { timeout: 90_000 }, async () => {
    const dir = makeProject({ config: { tiers: { api: { command: child() } } } });
    // Something listening on the project's socket that takes the request and never answers (a hung land).
    ensureSocketDir(dir);
    const held = new Set<Socket>();
    const hung = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => hung.listen(socketPath(dir), resolve));
    try {
      const run = await landDone(['run', '--', ...printEnv('TRACEPARENT', 'OTLP_TRACE_ID')], dir, { TRACEPARENT: undefined });
      expect(run.code).toBe(0);
      expect(run.stderr).toBe('land: note: the running stack did not answer within 1000 ms; the command runs without joining its trace or receiver\n');
      const env = envOf(run.stdout);
      expect(env.TRACEPARENT).toMatch(new RegExp(`^00-${env.OTLP_TRACE_ID}-[0-9a-f]{16}-01$`));
      expect(held.size).toBe(1);
      // A replica the config does not declare: the silent stack may run it (scaled): not "no running stack runs it".
      const replica = await landDone(['run', '--tier', 'api.3', '--', 'true'], dir);
      expect(replica.code).toBe(2);
      expect(replica.stderr).toBe(
        'land: note: the running stack did not answer within 1000 ms; the command runs without joining its trace or receiver\n' +
          'land: --tier: unknown tier "api.3" (known: api): the running stack did not answer, so the replicas it runs are not known\n',
      );
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => hung.close(resolve));
    }
  });

  it('everything after the command\'s first word is the command\'s, land\'s own option names included; `--` still works', async () => {
    const dir = project();
    const argv = ['-c', 'echo "$LAND_TIER $LAND_PROFILE [$*]"', 'sh'];
    const after = await landDone(['run', '--profile', 'ci', 'sh', ...argv, '--tier', 'web', '-p', 'debug', '--', 'x'], dir);
    expect([after.code, after.stdout]).toEqual([0, 'run ci [--tier web -p debug -- x]\n']);
    const dashed = await landDone(['run', '-t', 'api', '--', 'sh', ...argv, '--tier'], dir);
    expect([dashed.code, dashed.stdout]).toEqual([0, 'api debug [--tier]\n']);
  });

  it('makes land up\'s checks first: a NUL byte or an oversized value is one line naming the key, exit 2, the value printed nowhere', async () => {
    // Not a secret by its name (nothing would redact it by name): the value must still never be printed.
    const blob = 'hunter2hunter2';
    const nul = makeProject({ config: { tiers: { api: { command: child() } } }, files: { '.env.Land': `SESSION_BLOB=${blob}\0x\n` } });
    const marker = join(nul, 'ran');
    const result = await landDone(['run', '--', 'touch', marker], nul);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^land: \.env\.Land:1: SESSION_BLOB: expected a value without NUL bytes \(a process cannot receive one\)\n$/);
    expect(result.stdout + result.stderr).not.toContain(blob);
    expect(existsSync(marker)).toBe(false);

    const big = makeProject({ config: { tiers: { api: { command: child() } } }, profiles: { debug: `BIG=${'x'.repeat(140_000)}\n` } });
    const oversized = await landDone(['run', '--', 'true'], big);
    expect(oversized.code).toBe(2);
    expect(oversized.stderr).toMatch(/^land: profiles\/debug\.env:1: BIG: expected a value of at most 128\.0 KiB \(the kernel's MAX_ARG_STRLEN, name included\), got 136\.7 KiB\n$/);
  });

  it.each([
    [['run', '--tier', 'nope', '--', 'true'], /^land: --tier: unknown tier "nope" \(known: api, web\)$/],
    [['run', '--tier', 'web.3', '--', 'true'], /^land: --tier: unknown tier "web\.3"/],
    [['run', '--tier', 'web.2.9', '--', 'true'], /^land: --tier: unknown tier "web\.2\.9" \(known: api, web\)$/],
    [['run', '--tier', 'web.02', '--', 'true'], /^land: --tier: unknown tier "web\.02" \(known: api, web\)$/],
    [['run', '--tier', 'api.1', '--', 'true'], /^land: --tier: unknown tier "api\.1" \(known: api, web\)$/],
    [['run'], /^land: run: expected a command after `--`/],
    [['run', '--profile', 'nope', '--', 'true'], /unknown profile "nope"/],
  ])('%j: one line, exit 2, nothing run', async (args, message) => {
    const dir = project();
    expectCleanRejection(await landDone(args, dir), dir, message);
  });
});
