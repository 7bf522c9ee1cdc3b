/** The receivers themselves: they must decode exactly what the real clients put on the wire. */
import { trace, ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { PostHog } from 'posthog-node';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, startPostHogReceiver, type OtlpReceiver, type PostHogReceiver } from '../helpers/receivers.js';

const open: Array<OtlpReceiver | PostHogReceiver> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((receiver) => receiver.close()));
});

async function sendTwoSpans(exporter: SpanExporter): Promise<{ traceId: string; parentId: string; childId: string }> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'receiver-test', 'land.tier': 'air' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('receiver-test');
  const parent = tracer.startSpan('parent', { attributes: { text: 'x', count: 3, ratio: 0.5, flag: true, list: ['a', 'b'] } });
  const child = tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent));
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'child broke' });
  child.end();
  parent.end();
  await provider.forceFlush();
  await provider.shutdown();
  return { traceId: parent.spanContext().traceId, parentId: parent.spanContext().spanId, childId: child.spanContext().spanId };
}

describe('the OTLP receiver', () => {
  for (const [encoding, make] of [
    ['json', (url: string) => new JsonExporter({ url })],
    ['protobuf', (url: string) => new ProtoExporter({ url })],
  ] as const) {
    it(`decodes an ExportTraceServiceRequest sent as ${encoding} by the official exporter`, async () => {
      const receiver = await startOtlpReceiver();
      open.push(receiver);
      const ids = await sendTwoSpans(make(`${receiver.url}/v1/traces`));
      const spans = await receiver.waitForSpans(2);
      expect(spans.every((s) => s.encoding === encoding)).toBe(true);
      const parent = spans.find((s) => s.name === 'parent');
      const child = spans.find((s) => s.name === 'child');
      expect(parent).toMatchObject({ traceId: ids.traceId, spanId: ids.parentId, parentSpanId: '' });
      expect(parent?.attributes).toEqual({ text: 'x', count: 3, ratio: 0.5, flag: true, list: ['a', 'b'] });
      expect(parent?.resource).toMatchObject({ 'service.name': 'receiver-test', 'land.tier': 'air' });
      expect(parent?.scope).toBe('receiver-test');
      expect(child).toMatchObject({ traceId: ids.traceId, spanId: ids.childId, parentSpanId: ids.parentId });
      expect(child?.status).toEqual({ code: 2, message: 'child broke' });
      expect(child!.endTimeUnixNano >= child!.startTimeUnixNano).toBe(true);
    });
  }

  it('refuses connections in refuse mode', async () => {
    const receiver = await startOtlpReceiver({ mode: 'refuse' });
    open.push(receiver);
    await expect(fetch(`${receiver.url}/v1/traces`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('answers 500 in 500 mode, and slowly in slow mode', async () => {
    const failing = await startOtlpReceiver({ mode: '500' });
    const slow = await startOtlpReceiver({ mode: 'slow', slowMs: 200 });
    open.push(failing, slow);
    expect((await fetch(`${failing.url}/v1/traces`, { method: 'POST', body: '{}' })).status).toBe(500);
    expect((await fetch(`${slow.url}/v1/traces`, { method: 'POST', body: '{}' })).status).toBe(200);
  });

  it('never answers in hang mode (until closed)', async () => {
    const receiver = await startOtlpReceiver({ mode: 'hang' });
    open.push(receiver);
    const outcome = await fetch(`${receiver.url}/v1/traces`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(300) }).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    expect(outcome).toBe('TimeoutError');
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('the PostHog receiver', () => {
  for (const compressed of [true, false]) {
    it(`decodes posthog-node's /batch/ request (${compressed ? 'gzip' : 'plain JSON'})`, async () => {
      const receiver = await startPostHogReceiver();
      open.push(receiver);
      const client = new PostHog('phc_receiver_test', {
        host: receiver.url,
        flushAt: 1,
        fetchRetryCount: 0,
        disableCompression: !compressed,
      });
      client.capture({ distinctId: 'someone', event: 'land:air:test', properties: { n: 1 } });
      await client.shutdown(5000);
      const [event] = await receiver.waitForEvents(1);
      expect(receiver.batches[0]?.gzip).toBe(compressed);
      expect(receiver.batches[0]?.api_key).toBe('phc_receiver_test');
      expect(event).toMatchObject({ event: 'land:air:test', distinct_id: 'someone', properties: { n: 1 } });
      expect(receiver.requests[0]?.path).toBe('/batch/');
    });
  }
});
