/** The PostHog and OTLP pipes of one process, against local receivers decoding the real wire traffic. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { newTraceId, TelemetryClient, type TelemetryClientOptions } from '../../src/telemetry/index.js';
import {
  startOtlpReceiver,
  startPostHogReceiver,
  waitFor,
  type OtlpReceiver,
  type PostHogReceiver,
  type ReceiverMode,
} from '../helpers/receivers.js';

const KEY = 'phc_pipes_secret_key_5f1d2c';
const IDENTITY = ['$app', '$app_version', '$build_mode', '$component', '$tier', '$lib', '$trace_id'];

const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
beforeAll(() => void process.on('unhandledRejection', onRejection));
afterAll(() => {
  process.off('unhandledRejection', onRejection);
  expect(rejections).toEqual([]);
});

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(cleanup.splice(0).map((fn) => fn()));
});

async function receivers(mode: ReceiverMode = 'ok', slowMs?: number): Promise<{ posthog: PostHogReceiver; otlp: OtlpReceiver }> {
  const posthog = await startPostHogReceiver({ mode, slowMs });
  const otlp = await startOtlpReceiver({ mode, slowMs });
  cleanup.push(() => posthog.close(), () => otlp.close());
  return { posthog, otlp };
}

// Where the hosts answer and the test counts what arrived, shutdown's bound is not under test (the slow-host and the
// failing-host tests check it): under CI's load, loading posthog-node and one flush took over the default 2 s.
const DELIVERY_MS = 30_000;

function client(env: Record<string, string>, overrides: Partial<TelemetryClientOptions> = {}): TelemetryClient {
  const telemetry = new TelemetryClient({
    tier: 'air',
    app: 'land',
    version: '9.8.7',
    traceId: newTraceId(),
    bootId: 'pipes-test',
    env,
    ...overrides,
  });
  cleanup.push(() => telemetry.shutdown(0));
  return telemetry;
}

function allOn(posthog: PostHogReceiver, otlp: OtlpReceiver, extra: Record<string, string> = {}): Record<string, string> {
  return { Authorize: KEY, Capture: 'true', Report: 'true', Emit: 'true', Beam: posthog.url, Pipe: otlp.url, Brand: 'pipes-brand', ...extra };
}

describe('with both hosts answering', () => {
  it('stamps every event with the identity and the trace id, and sends every span under that one trace id', async () => {
    const { posthog, otlp } = await receivers();
    const telemetry = client(allOn(posthog, otlp));
    telemetry.captureSession({ profile: 'debug' });
    telemetry.captureEvent('land:air:work', { step: 1 });
    telemetry.captureError('probe-failed', new Error('port 80\nnot answering'));
    telemetry.captureEvent('land:cocoon:session:end', { why: 'crashed' }, { tier: 'cocoon' });
    await telemetry.withSpan('air.outer', async () => {
      telemetry.startSpan('air.inner', { step: 2 }).end();
    });
    telemetry.startSpan('air.second-root').end();
    await telemetry.shutdown(DELIVERY_MS);

    const events = await posthog.waitForEvents(4);
    expect(events.map((e) => e.event)).toEqual(['land:air:session:start', 'land:air:work', 'land:air:error', 'land:cocoon:session:end']);
    for (const event of events) {
      for (const key of IDENTITY) expect(event.properties, `${event.event} ${key}`).toHaveProperty(key);
      expect(event.properties).toMatchObject({ $app: 'land', $app_version: '9.8.7', $lib: 'land', $trace_id: telemetry.traceId });
      expect(event.distinct_id).toBe('pipes-brand');
    }
    expect(events[0]?.properties).toMatchObject({ $tier: 'air', $component: 'land-air', pid: process.pid, os: process.platform, arch: process.arch, profile: 'debug' });
    expect(events[2]?.properties).toMatchObject({ error_tag: 'probe-failed', error_message: 'port 80 not answering' });
    expect(events[3]?.properties).toMatchObject({ $tier: 'cocoon', $component: 'land-cocoon' });
    expect(posthog.batches.every((batch) => batch.gzip)).toBe(true);

    const spans = await otlp.waitForSpans(3);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([telemetry.traceId]));
    const outer = spans.find((s) => s.name === 'air.outer');
    const inner = spans.find((s) => s.name === 'air.inner');
    expect(inner?.parentSpanId).toBe(outer?.spanId);
    expect(outer?.parentSpanId).toBe('');
    expect(spans.find((s) => s.name === 'air.second-root')?.parentSpanId).toBe('');
    expect(outer?.resource).toMatchObject({ 'service.name': 'land-air', 'land.tier': 'air', 'telemetry.sdk.name': 'opentelemetry' });
    expect(outer?.status.code).toBe(1);

    expect(telemetry.status()).toMatchObject({
      posthog: { state: 'on', sent: 4, dropped: 0 },
      otlp: { state: 'on', sent: 3, dropped: 0 },
      record: { state: 'off' },
    });
  });

  it('makes the process spans children of a remote parent when given one', async () => {
    const { posthog, otlp } = await receivers();
    const parent = { traceId: newTraceId(), spanId: 'abcdef0123456789', traceFlags: 1, isRemote: true };
    const telemetry = client(allOn(posthog, otlp), { parent });
    telemetry.startSpan('air.child-of-remote').end();
    await telemetry.shutdown(DELIVERY_MS);
    const [span] = await otlp.waitForSpans(1);
    expect(span).toMatchObject({ traceId: parent.traceId, parentSpanId: parent.spanId });
    expect(telemetry.traceId).toBe(parent.traceId);
  });

  it('delivers a slow host within the request bound', async () => {
    const { posthog, otlp } = await receivers('slow', 300);
    const telemetry = client(allOn(posthog, otlp));
    telemetry.captureEvent('land:air:slow');
    telemetry.startSpan('air.slow').end();
    await telemetry.shutdown();
    expect(posthog.events).toHaveLength(1);
    expect(otlp.spans).toHaveLength(1);
    expect(telemetry.status().posthog).toMatchObject({ state: 'on', sent: 1 });
    expect(telemetry.status().otlp).toMatchObject({ state: 'on', sent: 1 });
  });

  it('bounds the queues by Buffer and counts what it drops', async () => {
    const { posthog, otlp } = await receivers();
    const telemetry = client(allOn(posthog, otlp, { Buffer: '5' }));
    for (let i = 0; i < 12; i += 1) telemetry.captureEvent('land:air:burst', { i });
    for (let i = 0; i < 12; i += 1) telemetry.startSpan(`air.burst.${i}`).end();
    expect(telemetry.status().posthog.dropped).toBe(7);
    expect(telemetry.status().otlp.dropped).toBe(7);
    await telemetry.shutdown(DELIVERY_MS);
    expect(posthog.events.map((e) => e.properties.i)).toEqual([0, 1, 2, 3, 4]);
    expect(otlp.spans).toHaveLength(5);
    expect(telemetry.status()).toMatchObject({ posthog: { sent: 5, dropped: 7 }, otlp: { sent: 5, dropped: 7 } });
  });
});

describe('loaded late (mountain defers its pipes until the stack is up)', () => {
  it('sends what came before the libraries loaded, with the span ids and start times it had from the start', async () => {
    const { posthog, otlp } = await receivers();
    const telemetry = client(allOn(posthog, otlp), { deferLoading: true });
    const before = Date.now();
    const outer = telemetry.startSpan('air.early');
    const started = Date.now();
    const inner = telemetry.startSpan('air.early.inner', { step: 1 }, outer);
    telemetry.captureEvent('land:air:early', { n: 1 });
    const ids = { outer: outer.spanContext().spanId, inner: inner.spanContext().spanId };
    await new Promise((resolve) => setTimeout(resolve, 60));
    inner.setAttribute('late', true);
    inner.end();
    outer.end();
    // Nothing has been sent yet: the pipes are on, waiting for their libraries.
    expect(telemetry.status()).toMatchObject({ posthog: { state: 'on', sent: 0 }, otlp: { state: 'on', sent: 0 } });
    await telemetry.loadPipes();
    telemetry.startSpan('air.after-load').end();
    await telemetry.shutdown(DELIVERY_MS);

    const spans = await otlp.waitForSpans(3);
    const early = spans.find((s) => s.name === 'air.early');
    const child = spans.find((s) => s.name === 'air.early.inner');
    expect(early?.spanId).toBe(ids.outer);
    expect(child).toMatchObject({ spanId: ids.inner, parentSpanId: ids.outer, traceId: telemetry.traceId });
    expect(child?.attributes).toMatchObject({ step: 1, late: true });
    const startMs = Number(early!.startTimeUnixNano / 1_000_000n);
    expect(startMs).toBeGreaterThanOrEqual(before - 1);
    expect(startMs).toBeLessThanOrEqual(started + 1); // when it was started, not when the libraries loaded
    expect(Number((early!.endTimeUnixNano - early!.startTimeUnixNano) / 1_000_000n)).toBeGreaterThanOrEqual(55);
    expect((await posthog.waitForEvents(1)).map((e) => e.event)).toEqual(['land:air:early']);
    expect(telemetry.status()).toMatchObject({ posthog: { sent: 1, dropped: 0 }, otlp: { sent: 3, dropped: 0 } });
  });
});

describe('gates', () => {
  const cases: Array<[string, Record<string, string>, 'on' | 'off', 'on' | 'off', RegExp | undefined, RegExp | undefined]> = [
    ['Capture=false turns both pipes off', { Capture: 'false' }, 'off', 'off', /Capture/, /Capture/],
    ['Report=0 turns PostHog off', { Report: '0' }, 'off', 'on', /Report/, undefined],
    ['Emit=off turns OTLP off', { Emit: 'off' }, 'on', 'off', undefined, /OTLPEnabled/],
    ['OTLPEnabled=no (old name, Emit unset) turns OTLP off', { Emit: '', OTLPEnabled: 'no' }, 'on', 'off', undefined, /OTLPEnabled/],
    ['an empty Authorize turns PostHog off', { Authorize: '' }, 'off', 'on', /Authorize/, undefined],
    ['a release build turns everything off', { Mode: 'release', Record: '1' }, 'off', 'off', /release/, /release/],
  ];
  it.each(cases)('%s', async (_name, overrides, posthogState, otlpState, posthogReason, otlpReason) => {
    const { posthog, otlp } = await receivers();
    const telemetry = client(allOn(posthog, otlp, overrides));
    telemetry.captureSession();
    telemetry.captureEvent('land:air:gated');
    telemetry.startSpan('air.gated').end();
    await telemetry.shutdown();
    const status = telemetry.status();
    expect(status.posthog.state).toBe(posthogState);
    expect(status.otlp.state).toBe(otlpState);
    if (posthogReason) expect(status.posthog.reason).toMatch(posthogReason);
    if (otlpReason) expect(status.otlp.reason).toMatch(otlpReason);
    expect(posthog.requests.length > 0).toBe(posthogState === 'on');
    expect(otlp.requests.length > 0).toBe(otlpState === 'on');
    expect(JSON.stringify(status)).not.toContain(KEY);
  });
});

describe('fail-open against a host that is down, hangs, or fails', () => {
  for (const mode of ['refuse', 'hang', '500'] as const) {
    it(`${mode}: one failed attempt marks the pipe unavailable, later calls are dropped at once, shutdown is bounded`, async () => {
      const { posthog, otlp } = await receivers(mode);
      const consoleError = vi.spyOn(console, 'error');
      const consoleWarn = vi.spyOn(console, 'warn');
      const telemetry = client(allOn(posthog, otlp));
      // 20 events reach the batch threshold: the pipe sends at once.
      for (let i = 0; i < 20; i += 1) telemetry.captureEvent('land:air:first', { i });
      telemetry.startSpan('air.first').end();
      await waitFor(() => (telemetry.status().posthog.state === 'unavailable' ? true : undefined), 20_000, 'PostHog unavailable');
      await waitFor(() => (telemetry.status().otlp.state === 'unavailable' ? true : undefined), 20_000, 'OTLP unavailable');
      const posthogRequests = posthog.requests.length;
      const otlpRequests = otlp.requests.length;

      const before = telemetry.status();
      for (let i = 0; i < 10; i += 1) telemetry.captureEvent('land:air:later', { i });
      for (let i = 0; i < 10; i += 1) telemetry.startSpan('air.later').end();
      const after = telemetry.status();
      expect(after.posthog.dropped - before.posthog.dropped).toBe(10);
      expect(after.otlp.dropped - before.otlp.dropped).toBe(10);

      // Bounded even against a host that never answers.
      await telemetry.shutdown();
      const final = telemetry.status();
      expect(final.posthog).toMatchObject({ state: 'unavailable', sent: 0, dropped: 30 });
      expect(final.otlp).toMatchObject({ state: 'unavailable', sent: 0, dropped: 11 });
      expect(final.posthog.reason).toMatch(mode === 'refuse' ? /unreachable/ : mode === 'hang' ? /in time/ : /HTTP 500/);
      expect(final.otlp.reason).toMatch(mode === 'refuse' ? /unreachable/ : mode === 'hang' ? /in time/ : /HTTP 500/);
      expect(posthog.requests.length).toBe(posthogRequests);
      expect(otlp.requests.length).toBe(otlpRequests);
      expect(JSON.stringify(final)).not.toContain(KEY);
      expect(consoleError).not.toHaveBeenCalled();
      expect(consoleWarn).not.toHaveBeenCalled();
    });
  }
});

describe('a collector address the exporter cannot parse', () => {
  it('marks OTLP unavailable from the start with a reason that quotes no address; the recording goes on without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-pipes-address-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    const consoleError = vi.spyOn(console, 'error');
    const pipe = 'https://otel:pw_P1pes9@collector.example.com:99999';
    const telemetry = client({ Capture: 'true', Emit: 'true', Pipe: pipe, Record: '1' }, { recordDir: dir });
    telemetry.startSpan('air.work').end();
    await telemetry.shutdown();
    const status = telemetry.status();
    expect(status.otlp).toMatchObject({ state: 'unavailable', reason: 'the collector address is unusable: not a URL (or its port is not 1-65535)' });
    expect(status.record).toMatchObject({ state: 'on', dropped: 0 });
    expect(JSON.stringify(status)).not.toContain('pw_P1pes9');
    const recorded = readFileSync(join(dir, 'spans.ndjson'), 'utf8');
    expect(recorded).toContain('"name":"air.work"');
    expect(consoleError).not.toHaveBeenCalled();
  });
});
