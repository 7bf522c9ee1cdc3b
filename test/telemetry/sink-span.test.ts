/**
 * A span pipe whose only sink is the receiver's store writes its spans without the OpenTelemetry SDK
 * (src/telemetry/sink-span.ts). The records must be the SDK's: the same script of span calls is run through a pipe
 * that loads the real SDK (a recording on as well) and through one that does not, and the sinks compare equal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/telemetry/recorder.js';
import type { SpanSink } from '../../src/telemetry/span-sdk.js';
import { SpanPipe, type RecordedSpan } from '../../src/telemetry/spans.js';
import { newTraceId } from '../../src/telemetry/index.js';

const dirs: string[] = [];
const saved = { ...process.env };
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

class ListSink implements SpanSink {
  readonly spans: RecordedSpan[] = [];
  flushes = 0;
  recordSpan(span: RecordedSpan): void {
    this.spans.push(span);
  }
  flush(): void {
    this.flushes += 1;
  }
}

const PARENT: SpanContext = {
  traceId: newTraceId(),
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=one,other=two'),
};

/** Every kind of call land and a library user make, including the ones the SDK refuses or ignores. */
async function script(pipe: SpanPipe): Promise<void> {
  const t0 = Date.now() - 5_000;
  const boot = pipe.startSpan('land.boot', { attributes: { 'land.app': 'shop', bad: { nested: 1 } as never, mixed: ['a', 1] as never, '': 'x', nothing: undefined as never }, startTime: t0 });
  const spawn = pipe.startSpan('land.spawn api', { parent: boot, attributes: { 'land.tier': 'api', restart: 0, list: ['a', null, 'b'] as never } });
  spawn.setAttribute('pid', 4242).setAttributes({ ready: true, long: 'abcdefghij' });
  spawn.setStatus({ code: SpanStatusCode.ERROR, message: 'exited 1' });
  spawn.setStatus({ code: SpanStatusCode.UNSET });
  spawn.updateName('land.spawn api (restart)');
  spawn.addEvent('noted', { a: 1 });
  spawn.recordException(new Error('boom'));
  spawn.end(t0 - 10); // before its start: the start
  spawn.setAttribute('after', 'end').setStatus({ code: SpanStatusCode.OK });
  spawn.end();
  const ok = pipe.startSpan('ok first', { parent: boot.spanContext() });
  ok.setStatus({ code: SpanStatusCode.OK, message: 'dropped: OK has no message' });
  ok.setStatus({ code: SpanStatusCode.ERROR, message: 'too late' });
  ok.end();
  const error = pipe.startSpan('error with a non-string message', { parent: boot });
  error.setStatus({ code: SpanStatusCode.ERROR, message: 42 as never });
  error.end();
  await pipe.withSpan('inside', async (span) => {
    span.setAttribute('k', 'v');
    pipe.startSpan('nested', { attributes: { many: 1, more: 2, most: 3, over: 4 } }).end();
  });
  await pipe.withSpan('throws', () => Promise.reject(new Error('nope'))).catch(() => undefined);
  boot.end(t0 + 1_000);
}

/** The records with span ids replaced by their order of ending (and the remote parent by a name), times dropped. */
function shape(spans: RecordedSpan[]): unknown[] {
  const index = new Map(spans.map((span, i) => [span.spanId, `#${i}`]));
  return spans.map(({ startMs, endMs, durationMs, spanId, parentSpanId, ...rest }) => ({
    ...rest,
    spanId: index.get(spanId),
    parentSpanId: parentSpanId === PARENT.spanId ? 'remote' : parentSpanId && index.get(parentSpanId),
  }));
}

async function run(withSdk: boolean): Promise<{ sink: ListSink; pipe: SpanPipe }> {
  const dir = mkdtempSync(join(tmpdir(), 'land-sink-span-'));
  dirs.push(dir);
  const sink = new ListSink();
  const pipe = new SpanPipe({
    serviceName: 'shop-mountain',
    tier: 'mountain',
    traceId: newTraceId(),
    parent: PARENT,
    sink,
    ...(withSdk ? { recorder: new Recorder(dir) } : {}),
  });
  if (withSdk) await pipe.load();
  await script(pipe);
  await pipe.shutdown(2_000);
  return { sink, pipe };
}

describe('spans into the receiver store without the SDK', () => {
  it('writes the records the SDK writes, call for call', async () => {
    process.env.OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT = '3';
    process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT = '4';
    const sdk = await run(true);
    const direct = await run(false);
    expect(sdk.pipe.hasSdk).toBe(true);
    expect(direct.pipe.hasSdk).toBe(false);
    expect(direct.sink.spans.length).toBe(7);
    expect(shape(direct.sink.spans)).toEqual(shape(sdk.sink.spans));
    // The limits were in force (3 attributes, values cut at 4): the comparison above covered them.
    expect(direct.sink.spans.at(-1)!.attributes).toEqual({ 'land.app': 'shop' });
    expect(direct.sink.spans.find((span) => span.name === 'land.spawn api (restart)')!.attributes).toEqual({ 'land.tier': 'api', restart: 0, list: ['a', null, 'b'] });
  });

  it('keeps the times the SDK keeps, and flushes the sink when it shuts down', async () => {
    const { sink } = await run(false);
    const byName = new Map(sink.spans.map((span) => [span.name, span]));
    const boot = byName.get('land.boot')!;
    expect(boot.durationMs).toBe(1_000);
    expect(boot.endMs - boot.startMs).toBe(1_000);
    const spawn = byName.get('land.spawn api (restart)')!;
    expect(spawn.durationMs).toBe(0);
    expect(spawn.endMs).toBe(spawn.startMs);
    for (const span of sink.spans) expect(span.durationMs).toBeGreaterThanOrEqual(0);
    expect(sink.flushes).toBe(1);
  });

  it("reads the clocks as the SDK does: a start from the wall clock, an end from the monotonic clock's elapsed time", async () => {
    const before = Date.now();
    const [sdk, direct] = [await run(true), await run(false)];
    const after = Date.now();
    for (const { sink } of [sdk, direct]) {
      const ok = sink.spans.find((span) => span.name === 'ok first')!;
      // Date.now() at the start: a whole millisecond within the run, not performance.timeOrigin + performance.now().
      expect(Number.isInteger(ok.startMs)).toBe(true);
      expect(ok.startMs).toBeGreaterThanOrEqual(before);
      expect(ok.endMs).toBeLessThanOrEqual(after + 1);
      expect(ok.durationMs).toBeCloseTo(ok.endMs - ok.startMs, 6);
    }
  });

  it('gives roots the trace of the process and children their parent’s trace state', async () => {
    const { sink } = await run(false);
    for (const span of sink.spans) expect(span.traceId).toBe(PARENT.traceId);
    expect(sink.spans.find((span) => span.name === 'land.boot')!.traceState).toBe('vendor=one,other=two');
    const orphan = new SpanPipe({ serviceName: 's', tier: 't', traceId: newTraceId(), sink }).startSpan('alone');
    orphan.end();
    expect(sink.spans.at(-1)).toMatchObject({ name: 'alone', parentSpanId: undefined, traceState: undefined, status: 'unset' });
  });
});
