/** Mountain's bridge: supervisor events in, the telemetry contract out (real posthog-node and OTLP exporter). */
import { afterEach, describe, expect, it } from 'vitest';
import { createMountainTelemetry, newTraceId, parseTraceparent, type MountainTelemetry } from '../../src/telemetry/index.js';
import type { StackSnapshot, SupervisorControl, SupervisorEvent, TierSnapshot, TierState } from '../../src/supervisor/types.js';
import { startOtlpReceiver, startPostHogReceiver, waitFor, type OtlpReceiver, type PostHogReceiver } from '../helpers/receivers.js';

const KEY = 'phc_mountain_secret_31415';

/** A supervisor stand-in: the real contract (subscribe/snapshot), events pushed by the test. */
class FakeSupervisor implements SupervisorControl {
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  tiers: TierSnapshot[] = [];
  emit(event: SupervisorEvent): void {
    for (const listener of this.listeners) listener(event);
  }
  setTier(name: string, tier: string, state: TierState): void {
    const snapshot: TierSnapshot = { name, tier, state, reason: '', since: Date.now(), restarts: 0, dependsOn: {}, history: [] };
    this.tiers = [...this.tiers.filter((t) => t.name !== name), snapshot];
  }
  snapshot(): StackSnapshot {
    const off = { state: 'off' as const, sent: 0, dropped: 0 };
    return {
      app: 'land',
      profile: 'debug',
      bootId: 'b',
      traceId: 't',
      pid: process.pid,
      startedAt: 0,
      shuttingDown: false,
      tiers: this.tiers,
      telemetry: { posthog: off, otlp: off, record: off },
    };
  }
  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  async startTier(): Promise<void> {}
  async stopTier(): Promise<void> {}
  async restartTier(): Promise<void> {}
  logs(): Array<{ stream: 'stdout'; line: string; at: number }> {
    return [];
  }
  async shutdown(): Promise<void> {}
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function setup(extra: { parent?: { traceId: string; spanId: string }; rollupIntervalMs?: number; env?: Record<string, string> } = {}): Promise<{
  telemetry: MountainTelemetry;
  supervisor: FakeSupervisor;
  posthog: PostHogReceiver;
  otlp: OtlpReceiver;
  traceId: string;
}> {
  const posthog = await startPostHogReceiver();
  const otlp = await startOtlpReceiver();
  const traceId = extra.parent?.traceId ?? newTraceId();
  const telemetry = createMountainTelemetry({
    app: 'land',
    version: '0.1.0',
    profile: 'debug',
    bootId: '20250101T000000Z-cafe00',
    traceId,
    parent: extra.parent,
    env: { Authorize: KEY, Capture: 'true', Report: 'true', OTLPEnabled: 'true', Beam: posthog.url, OTLPEndpoint: otlp.url, ...extra.env },
    rootDir: process.cwd(),
    rollupIntervalMs: extra.rollupIntervalMs,
    tiersStarted: ['air', 'cocoon'],
    tiersGatedOff: ['sky'],
  });
  const supervisor = new FakeSupervisor();
  cleanup.push(
    () => telemetry.shutdown(),
    () => posthog.close(),
    () => otlp.close(),
  );
  return { telemetry, supervisor, posthog, otlp, traceId };
}

describe('the mountain bridge', () => {
  it('turns supervisor events into the contract, stamped with the child tier and the boot trace id', async () => {
    const { telemetry, supervisor, posthog, otlp, traceId } = await setup();
    telemetry.attach(supervisor);
    supervisor.setTier('air', 'air', 'starting');
    supervisor.setTier('api', 'rest', 'starting');

    const airSpan = telemetry.tracer.startSpawn('air', 'air', 0);
    expect(airSpan.traceparent).toBe(`00-${traceId}-${airSpan.spanId}-01`);
    expect(parseTraceparent(airSpan.traceparent)).toMatchObject({ ok: true, traceId, spanId: airSpan.spanId });
    supervisor.emit({ type: 'spawn', tier: 'air', pid: 1111, restart: 0, at: Date.now(), spanId: airSpan.spanId, traceparent: airSpan.traceparent });
    supervisor.emit({ type: 'log', tier: 'air', stream: 'stdout', lines: ['listening'], at: Date.now() });
    supervisor.emit({ type: 'log', tier: 'air', stream: 'stderr', lines: ['warming'], at: Date.now() });
    airSpan.end({ ok: true, pid: 1111 });

    const apiSpan = telemetry.tracer.startSpawn('api', 'rest', 1);
    supervisor.emit({ type: 'spawn', tier: 'api', pid: 2222, restart: 1, at: Date.now(), spanId: apiSpan.spanId, traceparent: apiSpan.traceparent });
    supervisor.emit({ type: 'log', tier: 'api', stream: 'stdout', lines: ['x'], at: Date.now() });
    supervisor.emit({ type: 'error', tier: 'api', tag: 'crash', message: 'exited with code 3', at: Date.now() });
    supervisor.emit({
      type: 'exit',
      tier: 'api',
      pid: 2222,
      code: 3,
      signal: null,
      at: Date.now(),
      uptimeMs: 120,
      restarts: 1,
      why: 'crashed',
    });
    apiSpan.end({ ok: false, reason: 'exited with code 3', pid: 2222 });

    // The events above waited in the queue; the libraries load here rather than inside the shutdown's 2 s bound, which a
    // loaded machine can spend importing posthog-node alone (CI: nothing sent). This test is about the contract.
    await telemetry.client.loadPipes();
    telemetry.beginShutdown();
    telemetry.beginShutdown();
    await telemetry.shutdown();
    await telemetry.shutdown();

    const events = posthog.events;
    const names = events.map((e) => e.event);
    expect(names).toEqual([
      'land:mountain:session:start',
      'land:air:session:start',
      'land:mist:hydrated',
      'land:rest:session:start',
      'land:mist:hydrated',
      'land:rest:error',
      'land:rest:session:end',
      'land:echo:relay:summary',
      'land:mountain:session:end',
    ]);
    for (const event of events) {
      expect(event.properties.$trace_id).toBe(traceId);
      expect(event.properties.$lib).toBe('land');
    }
    const byName = (name: string) => events.filter((e) => e.event === name);
    expect(byName('land:mountain:session:start')[0]?.properties).toMatchObject({ $tier: 'mountain', pid: process.pid, profile: 'debug', boot_id: '20250101T000000Z-cafe00', restart: 0 });
    expect(byName('land:air:session:start')[0]?.properties).toMatchObject({ $tier: 'air', pid: 1111, os: process.platform, arch: process.arch, profile: 'debug', restart: 0 });
    expect(byName('land:rest:session:start')[0]?.properties).toMatchObject({ $tier: 'rest', pid: 2222, restart: 1 });
    expect(byName('land:rest:error')[0]?.properties).toMatchObject({ $tier: 'rest', error_tag: 'crash', error_message: 'exited with code 3' });
    expect(byName('land:rest:session:end')[0]?.properties).toMatchObject({ $tier: 'rest', exit_code: 3, signal: null, uptime_ms: 120, time_to_ready_ms: null, restarts: 1, why: 'crashed' });
    for (const hydrated of byName('land:mist:hydrated')) {
      expect(hydrated.properties).toMatchObject({ $tier: 'mountain', $component: 'land-mist' });
      // Authorize, Capture, Report, OTLPEnabled, Beam, OTLPEndpoint + 8 injected + OTEL_EXPORTER_OTLP_ENDPOINT
      expect(hydrated.properties.variables).toBe(15);
    }
    expect(byName('land:mist:hydrated').map((e) => e.properties.tier)).toEqual(['air', 'rest']);
    expect(byName('land:echo:relay:summary')[0]?.properties).toMatchObject({ $tier: 'mountain', $component: 'land-echo', lines_by_tier: { air: 2, rest: 1 }, total_lines: 3 });
    expect(JSON.stringify(events)).not.toContain(KEY);

    const spans = await otlp.waitForSpans(4);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
    const boot = spans.find((s) => s.name === 'land.boot');
    expect(boot).toMatchObject({ parentSpanId: '' });
    expect(boot?.attributes).toMatchObject({
      'land.profile': 'debug',
      'land.boot_id': '20250101T000000Z-cafe00',
      'land.tiers.started': ['air', 'cocoon'],
      'land.tiers.gated_off': ['sky'],
    });
    expect(boot?.resource).toMatchObject({ 'service.name': 'land-mountain', 'land.tier': 'mountain', 'land.profile': 'debug' });
    const air = spans.find((s) => s.name === 'land.spawn air');
    expect(air).toMatchObject({ spanId: airSpan.spanId, parentSpanId: boot?.spanId, status: { code: 1 } });
    expect(air?.attributes).toMatchObject({ 'land.tier': 'air', 'land.restart': 0, 'land.pid': 1111 });
    const rest = spans.find((s) => s.name === 'land.spawn rest');
    expect(rest).toMatchObject({ spanId: apiSpan.spanId, parentSpanId: boot?.spanId, status: { code: 2, message: 'exited with code 3' } });
    expect(spans.find((s) => s.name === 'land.shutdown')).toMatchObject({ parentSpanId: boot?.spanId });
    expect(spans.filter((s) => s.name === 'land.shutdown')).toHaveLength(1);

    expect(telemetry.status()).toMatchObject({ posthog: { state: 'on', sent: 9 }, otlp: { state: 'on', sent: 4 } });
    expect(telemetry.otlpEndpoint).toBe(otlp.url);
  });

  it('joins the trace land was started under: land.boot is a child of that span', async () => {
    const parent = { traceId: newTraceId(), spanId: '1234567890abcdef' };
    const { telemetry, otlp } = await setup({ parent });
    expect(telemetry.tracer.traceId).toBe(parent.traceId);
    telemetry.tracer.startSpawn('air', 'air', 0).end({ ok: true });
    await telemetry.shutdown();
    const spans = await otlp.waitForSpans(3);
    expect(spans.find((s) => s.name === 'land.boot')).toMatchObject({ traceId: parent.traceId, parentSpanId: parent.spanId });
    expect(spans.every((s) => s.traceId === parent.traceId)).toBe(true);
  });

  it('rolls up statistics per interval (none before the first) and traits now', async () => {
    const { telemetry, supervisor, posthog } = await setup({ rollupIntervalMs: 400 });
    const detach = telemetry.attach(supervisor);
    supervisor.setTier('air', 'air', 'ready');
    supervisor.setTier('cocoon', 'cocoon', 'starting');
    for (const [tier, restart] of [['air', 0], ['cocoon', 0], ['cocoon', 1]] as const) {
      const span = telemetry.tracer.startSpawn(tier, tier, restart);
      supervisor.emit({ type: 'spawn', tier, pid: 1, restart, at: Date.now(), spanId: span.spanId, traceparent: span.traceparent });
    }
    supervisor.emit({ type: 'exit', tier: 'cocoon', pid: 1, code: 1, signal: null, at: Date.now(), uptimeMs: 5, restarts: 0, why: 'crashed' });
    const rollups = await waitFor(() => {
      const found = posthog.events.filter((e) => e.event === 'land:mountain:rollup');
      return found.length >= 2 ? found : undefined;
    }, 30_000, 'two rollups');
    detach();
    const [first, second] = rollups;
    // Every event before the first rollup was sent before it: nothing rolled up at attach time.
    expect(posthog.events.findIndex((e) => e.event === 'land:mountain:rollup')).toBeGreaterThan(posthog.events.findIndex((e) => e.event === 'land:cocoon:session:start'));
    expect(first?.properties).toMatchObject({
      $tier: 'mountain',
      starts: { air: 1, cocoon: 2 },
      crashes: { cocoon: 1 },
      restarts: { cocoon: 1 },
      starts_total: 3,
      crashes_total: 1,
      restarts_total: 1,
      tiers_alive: 2,
      tiers_ready: 1,
    });
    expect(second?.properties).toMatchObject({ starts_total: 0, crashes_total: 0, restarts_total: 0, tiers_alive: 2, tiers_ready: 1 });
  });

  it('sets the latest state on the stack\'s PostHog group at each rollup ($groupidentify, type land_stack, key the app)', async () => {
    const { telemetry, supervisor, posthog, traceId } = await setup({ rollupIntervalMs: 300 });
    const detach = telemetry.attach(supervisor);
    supervisor.setTier('air', 'air', 'ready');
    supervisor.setTier('cocoon', 'cocoon', 'starting');
    const identifies = () => posthog.events.filter((e) => e.event === '$groupidentify');
    await waitFor(() => (identifies().length >= 1 ? true : undefined), 30_000, 'a first group identify');
    supervisor.setTier('cocoon', 'cocoon', 'ready');
    const count = identifies().length;
    // One sent before the change may still be arriving: the later call is the first after `count` at a later rollup.
    const isLater = (e: (typeof posthog.events)[number]) => (e.properties.$group_set as { tiers_ready?: number } | undefined)?.tiers_ready === 2;
    const later = await waitFor(() => identifies().slice(count).find(isLater), 30_000, 'a later group identify');
    detach();
    const first = identifies()[0]!;
    expect(first.properties).toMatchObject({
      $group_type: 'land_stack',
      $group_key: 'land',
      $group_set: { profile: 'debug', boot_id: '20250101T000000Z-cafe00', trace_id: traceId, tiers_alive: 2, tiers_ready: 1, ready: ['air'], states: { air: 'ready', cocoon: 'starting' } },
    });
    // The later call carries the state of its own moment: the group's properties are the latest state.
    expect(later!.properties.$group_set).toMatchObject({ tiers_ready: 2, ready: ['air', 'cocoon'], states: { air: 'ready', cocoon: 'ready' } });
    // Each identify follows its window's rollup event, which names the group it belongs to.
    const rollup = posthog.events.find((e) => e.event === 'land:mountain:rollup')!;
    expect(rollup.properties.$groups).toEqual({ land_stack: 'land' });
    expect(posthog.events.indexOf(rollup)).toBeLessThan(posthog.events.indexOf(first));
    expect(JSON.stringify(identifies())).not.toContain(KEY);
  });

  it('sends no rollup when the first interval has not passed', async () => {
    const { telemetry, supervisor, posthog } = await setup();
    telemetry.attach(supervisor);
    const span = telemetry.tracer.startSpawn('air', 'air', 0);
    supervisor.emit({ type: 'spawn', tier: 'air', pid: 1, restart: 0, at: Date.now(), spanId: span.spanId, traceparent: span.traceparent });
    await telemetry.shutdown();
    expect(posthog.events.some((e) => e.event === 'land:air:session:start')).toBe(true);
    expect(posthog.events.some((e) => e.event === 'land:mountain:rollup')).toBe(false);
  });

  it('reports a log flood once per tier (more than 10 000 lines in a second)', async () => {
    const { telemetry, supervisor, posthog } = await setup();
    telemetry.attach(supervisor);
    const at = Date.now();
    for (let i = 0; i < 10_000; i += 1) supervisor.emit({ type: 'log', tier: 'air', stream: 'stdout', lines: ['x'], at });
    for (let i = 0; i < 10_000; i += 1) supervisor.emit({ type: 'log', tier: 'sky', stream: 'stdout', lines: ['x'], at: at + (i % 2000) });
    supervisor.emit({ type: 'log', tier: 'air', stream: 'stdout', lines: ['one too many'], at });
    for (let i = 0; i < 5_000; i += 1) supervisor.emit({ type: 'log', tier: 'air', stream: 'stdout', lines: ['x'], at });
    await telemetry.shutdown();
    const floods = posthog.events.filter((e) => e.event === 'land:echo:flood');
    expect(floods).toHaveLength(1);
    expect(floods[0]?.properties).toMatchObject({ $tier: 'mountain', $component: 'land-echo', tier: 'air', lines_in_second: 10_001 });
    const summary = posthog.events.find((e) => e.event === 'land:echo:relay:summary');
    expect(summary?.properties).toMatchObject({ lines_by_tier: { air: 15_001, sky: 10_000 }, flooded_tiers: ['air'] });
  });

  it('still makes real span ids for TRACEPARENT when every pipe is off', async () => {
    const { telemetry, posthog, otlp } = await setup({ env: { Capture: 'false' } });
    const span = telemetry.tracer.startSpawn('air', 'air', 0);
    expect(parseTraceparent(span.traceparent)).toMatchObject({ ok: true, spanId: span.spanId, traceId: telemetry.traceId });
    span.end({ ok: true });
    await telemetry.shutdown();
    expect(posthog.requests).toHaveLength(0);
    expect(otlp.requests).toHaveLength(0);
    expect(telemetry.status()).toMatchObject({ posthog: { state: 'off' }, otlp: { state: 'off' }, record: { state: 'off' } });
  });
});
