/** A real `land up` of a traced test stack against local receivers: the whole telemetry picture on the wire. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, child, envReports, land, landDone, makeProject, markedProcesses, removeProjects } from '../helpers/land.js';
import {
  startOtlpReceiver,
  startPostHogReceiver,
  type OtlpReceiver,
  type PostHogReceiver,
  type ReceiverMode,
} from '../helpers/receivers.js';

const KEY = 'phc_SECRET_do_not_print_9f8e7d';
const TRACED = join(ROOT, 'test', 'fixtures', 'traced-child.mjs');
const closers: Array<() => Promise<void>> = [];

// Once the file is done: its tests run side by side, each with receivers of its own (an afterEach would close the others').
afterAll(async () => {
  for (const close of closers.splice(0)) await close();
  if (!process.env.KEEP_PROJECTS) removeProjects();
});

async function receivers(mode: ReceiverMode) {
  const posthog = await startPostHogReceiver({ mode });
  const otlp = await startOtlpReceiver({ mode });
  closers.push(() => posthog.close(), () => otlp.close());
  return { posthog, otlp };
}

function tracedProject(posthog: PostHogReceiver, otlp: OtlpReceiver, extraProfile = '') {
  const dir = makeProject({ config: { tiers: {} } });
  return makeProject({
    config: {
      app: 'e2e',
      telemetry: { rollupIntervalMs: 60_000 },
      tiers: {
        air: { command: ['node', TRACED], ready: { log: 'traced child air up' } },
        rest: { command: ['node', TRACED, '--crash-first', join(dir, 'crashed')], ready: { log: 'traced child rest up' }, restart: { backoff: { initialMs: 50, maxMs: 50 } } },
        grove: { command: ['node', TRACED], dependsOn: { air: 'ready' }, ready: { log: 'traced child grove up' } },
      },
    },
    files: {
      '.env.Land.PostHog': [
        `Authorize=${KEY}`,
        `Beam=${posthog.url}`,
        'Capture=true',
        'Report=true',
        'OTLPEnabled=true',
        `OTLPEndpoint=${otlp.url}`,
        'Record=1',
        extraProfile,
      ].join('\n'),
    },
  });
}

// Each test has its own project and receivers, and mostly waits on its stack (and a host that hangs): side by side,
// but for the first, alone: every child's own span must reach the collector before its stop, which tests beside it
// on a busy machine made it miss (as it did on main at load 30).
describe.concurrent('a boot, as the collector and PostHog see it', () => {
  it.sequential('one trace, spawn spans as parents, one session:start per child start, no key anywhere', async () => {
    const { posthog, otlp } = await receivers('ok');
    const dir = tracedProject(posthog, otlp);
    const run = land(['up', '--no-tui'], dir, { TRACEPARENT: undefined });
    await run.waitFor(/grove: starting → ready/);
    await run.waitFor(/rest: spawned pid \d+ \(restart 1\)[\s\S]*rest: starting → ready/);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);

    const traceId = /trace ([0-9a-f]{32})/.exec(run.stdout)![1]!;
    const spans = otlp.spans;
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    const boot = spans.filter((span) => span.name === 'land.boot');
    expect(boot).toHaveLength(1);
    expect(boot[0]!.parentSpanId).toBe('');
    expect(spans.filter((span) => span.name === 'land.shutdown')).toHaveLength(1);

    // Every start: a land.spawn span under land.boot, and the child's own first span under that spawn span.
    const pids = [...run.stdout.matchAll(/(\w+): spawned pid (\d+)/g)].map((m) => ({ tier: m[1]!, pid: Number(m[2]) }));
    expect(pids.map((p) => p.tier).sort()).toEqual(['air', 'grove', 'rest', 'rest']);
    const spawnSpans = spans.filter((span) => span.name.startsWith('land.spawn '));
    expect(spawnSpans).toHaveLength(4);
    for (const spawn of spawnSpans) {
      expect(spawn.parentSpanId).toBe(boot[0]!.spanId);
      const tier = spawn.name.slice('land.spawn '.length);
      const work = spans.filter((span) => span.name === `${tier}.work` && span.parentSpanId === spawn.spanId);
      expect(work, `the ${tier} child's span under its spawn span`).toHaveLength(1);
      expect(work[0]!.resource['service.name']).toBe(`e2e-${tier}`);
    }
    // The restart got its own spawn span.
    const restSpawns = spawnSpans.filter((span) => span.name === 'land.spawn rest');
    expect(new Set(restSpawns.map((span) => span.spanId)).size).toBe(2);

    // session:start: one per child start, from mountain, with the child's pid; plus mountain's own.
    await posthog.waitForEvents(1);
    const starts = posthog.events.filter((event) => /^land:\w+:session:start$/.test(event.event));
    const childStarts = starts.filter((event) => event.event !== 'land:mountain:session:start');
    expect(childStarts.map((event) => ({ tier: event.properties.$tier, pid: event.properties.pid })).sort((a, b) => Number(a.pid) - Number(b.pid))).toEqual(
      pids.map((p) => ({ tier: p.tier, pid: p.pid })).sort((a, b) => a.pid - b.pid),
    );
    expect(starts.filter((event) => event.event === 'land:mountain:session:start')).toHaveLength(1);
    for (const event of posthog.events) {
      expect(event.properties.$trace_id).toBe(traceId);
      for (const key of ['$app', '$app_version', '$build_mode', '$component', '$tier', '$lib']) expect(event.properties).toHaveProperty(key);
    }
    expect(posthog.events.some((event) => event.event === 'land:rest:error' && event.properties.error_tag === 'crash')).toBe(true);
    expect(posthog.events.filter((event) => event.event === 'land:rest:session:end').length).toBeGreaterThanOrEqual(2);
    expect(posthog.events.some((event) => event.event === 'land:air:worked')).toBe(true);

    // The key: sent to PostHog as the api key, and nowhere else.
    expect(posthog.batches.every((batch) => batch.api_key === KEY)).toBe(true);
    expect(run.output).not.toContain(KEY);
    const landDir = join(dir, '.land');
    const files = readdirSync(landDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name), 'utf8')).not.toContain(KEY);

    // The same picture on disk, drawn by land trace within 80 columns.
    const trace = await landDone(['trace'], dir, { COLUMNS: '80' });
    expect(trace.code).toBe(0);
    expect(trace.stdout).toMatch(/land\.boot/);
    expect(trace.stdout).toMatch(/land\.spawn grove/);
    expect(trace.stdout).toMatch(/grove\.work/);
    expect(trace.stdout).not.toContain(KEY);
    for (const line of trace.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('carries the TRACEPARENT, TRACESTATE and BAGGAGE it was started with whole: its spans, every child and their spans', async () => {
    const { posthog, otlp } = await receivers('ok');
    const reports = join(makeProject({ config: { tiers: {} } }), 'reports');
    const dir = makeProject({
      config: {
        app: 'outer',
        tiers: {
          air: { command: ['node', TRACED], ready: { log: 'traced child air up' } },
          reporter: { command: child('--report-env', reports, '--say', 'reporter up'), dependsOn: { air: 'ready' }, ready: { log: 'reporter up' } },
        },
      },
      files: { '.env.Land.PostHog': ['Capture=true', 'OTLPEnabled=true', `OTLPEndpoint=${otlp.url}`, `Beam=${posthog.url}`].join('\n') },
    });
    const outer = { traceId: 'a'.repeat(31) + '1', spanId: 'b'.repeat(15) + '2' };
    const run = land(['up', '--no-tui'], dir, {
      TRACEPARENT: `00-${outer.traceId}-${outer.spanId}-01`,
      TRACESTATE: 'ci=run-42,vendor@sys=x1',
      BAGGAGE: 'deploy.id=d-7, team=core;owner',
    });
    await run.waitFor(/reporter: starting → ready/);
    expect((await run.stop()).code).toBe(0);
    expect(run.stderr).not.toMatch(/ignoring/);

    const [env] = envReports(reports, 'reporter');
    expect(env!.TRACEPARENT).toMatch(new RegExp(`^00-${outer.traceId}-[0-9a-f]{16}-01$`));
    expect(env!.TRACEPARENT).not.toContain(outer.spanId);
    expect(env!.TRACESTATE).toBe('ci=run-42,vendor@sys=x1');
    expect(env!.BAGGAGE).toBe('deploy.id=d-7,team=core;owner');

    const spans = otlp.spans;
    const boot = spans.find((span) => span.name === 'land.boot')!;
    expect(boot).toMatchObject({ traceId: outer.traceId, parentSpanId: outer.spanId, traceState: 'ci=run-42,vendor@sys=x1' });
    expect(boot.attributes).toMatchObject({ 'deploy.id': 'd-7', team: 'core' });
    const spawns = spans.filter((span) => span.name.startsWith('land.spawn '));
    expect(spawns.map((span) => span.name).sort()).toEqual(['land.spawn air', 'land.spawn reporter']);
    for (const spawn of spawns) {
      expect(spawn.traceState).toBe('ci=run-42,vendor@sys=x1');
      expect(spawn.attributes).toMatchObject({ 'deploy.id': 'd-7', team: 'core' });
    }
    // The child extracted its context with the env carrier: its own span carries the trace state too.
    const work = spans.find((span) => span.name === 'air.work')!;
    expect(work).toMatchObject({ traceId: outer.traceId, parentSpanId: spawns.find((s) => s.name === 'land.spawn air')!.spanId, traceState: 'ci=run-42,vendor@sys=x1' });
  });

  for (const mode of ['refuse', 'hang', '500'] as const) {
    it(`collector and PostHog host that ${mode === '500' ? 'answer 500' : mode}: the stack boots and stops regardless`, async () => {
      const { posthog, otlp } = await receivers(mode);
      const dir = tracedProject(posthog, otlp);
      const run = land(['up', '--no-tui'], dir, { TRACEPARENT: undefined });
      // Boot steps never wait on telemetry: with a host that never answers, every tier still gets ready.
      await run.waitFor(/grove: starting → ready/);
      await run.waitFor(/rest: starting → ready/);
      const exit = await run.stop();
      expect(exit.code).toBe(0);
      expect(run.output).toMatch(/every tier stopped/);
      expect(run.output).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
      expect(run.output).toMatch(/telemetry: posthog unavailable .*dropped \d+/);
      expect(markedProcesses(run.bootId)).toEqual([]);
    });
  }
});
