/**
 * The receiver in-process against the official OpenTelemetry JS SDK and its OTLP exporters (protobuf and JSON), and
 * against hand-made bodies for what an SDK never sends (garbage, truncated protobuf, huge bodies, other types).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/receiver/receiver.js';
import { openBootStore } from '../../src/receiver/read-back.js';
import { createCodec } from '../../src/receiver/transport/codec.js';
import { ownReceivers } from '../helpers/own-receivers.js';
import { waitFor } from '../helpers/receivers.js';
import { renderTrace, traceJsonLines } from '../../src/telemetry/trace-view.js';

const { receiver, dirs, receivers } = ownReceivers('land-receiver-');

const resource = (tier: string) => resourceFromAttributes({ 'service.name': `demo-${tier}`, 'land.tier': tier });

async function post(url: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

describe('the receiver with the official OpenTelemetry exporters', () => {
  it('stores spans sent as protobuf and as JSON, attributed by land.tier, on disk too', async () => {
    const r = await receiver();
    for (const [tier, exporter] of [
      ['api', new ProtoTraceExporter({ url: `${r.endpoint}/v1/traces` })],
      ['worker', new JsonTraceExporter({ url: `${r.endpoint}/v1/traces` })],
    ] as const) {
      const provider = new BasicTracerProvider({ resource: resource(tier), spanProcessors: [new SimpleSpanProcessor(exporter)] });
      const tracer = provider.getTracer('test');
      const parent = tracer.startSpan(`${tier}.request`, { attributes: { 'http.route': '/x', n: 3 } });
      parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
      parent.end();
      await provider.forceFlush();
      await provider.shutdown();
    }
    const api = await waitFor(() => (r.store.spans.ofTier('api').length > 0 ? r.store.spans.ofTier('api') : undefined));
    expect(api[0]).toMatchObject({ name: 'api.request', tier: 'api', service: 'demo-api', status: 'error', statusMessage: 'boom', kind: 'internal' });
    expect(api[0]!.attributes).toEqual({ 'http.route': '/x', n: 3 });
    expect(api[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
    const worker = r.store.spans.ofTier('worker');
    expect(worker.map((s) => s.name)).toEqual(['worker.request']);
    expect(r.status().tiers).toMatchObject({ api: { spans: 1, dropped: 0 }, worker: { spans: 1 } });
    expect(r.status().requests.accepted).toBe(2);
    await r.close();
    const reread = openBootStore(dirs[0]!, createCodec());
    expect(reread.spans.trace(api[0]!.traceId).map((s) => s.name)).toEqual(['api.request']);
  });

  it('stores log records (protobuf and JSON) with severity, body and trace context', async () => {
    const r = await receiver();
    for (const [tier, exporter] of [
      ['api', new ProtoLogExporter({ url: `${r.endpoint}/v1/logs` })],
      ['worker', new JsonLogExporter({ url: `${r.endpoint}/v1/logs` })],
    ] as const) {
      const provider = new LoggerProvider({ resource: resource(tier), processors: [new SimpleLogRecordProcessor({ exporter })] });
      provider.getLogger('test').emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: `${tier} is slow`, attributes: { ms: 250 } });
      await provider.forceFlush();
      await provider.shutdown();
    }
    const logs = await waitFor(() => (r.store.logs.query().length === 2 ? r.store.logs.query() : undefined));
    expect(logs.map((l) => [l.tier, l.severityText, l.severityNumber, l.body])).toEqual(
      expect.arrayContaining([
        ['api', 'WARN', 13, 'api is slow'],
        ['worker', 'WARN', 13, 'worker is slow'],
      ]),
    );
    expect(r.store.logs.query({ tier: 'api', text: 'SLOW' })).toHaveLength(1);
    expect(r.store.logs.query({ minSeverity: 17 })).toHaveLength(0);
  });

  it('stores metric points (protobuf) as series by tier and name', async () => {
    const r = await receiver();
    const reader = new PeriodicExportingMetricReader({ exporter: new ProtoMetricExporter({ url: `${r.endpoint}/v1/metrics` }), exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ resource: resource('api'), readers: [reader] });
    const meter = provider.getMeter('test');
    meter.createCounter('requests', { unit: '1' }).add(5, { route: '/x' });
    meter.createHistogram('latency', { unit: 'ms' }).record(12);
    await provider.forceFlush();
    await provider.shutdown();
    const series = await waitFor(() => (r.store.metrics.series({ tier: 'api' }).length >= 2 ? r.store.metrics.series({ tier: 'api' }) : undefined));
    const requests = series.find((s) => s.name === 'requests')!;
    expect(requests).toMatchObject({ type: 'sum', attributes: { route: '/x' } });
    expect(requests.points[0]).toMatchObject({ value: 5, monotonic: true, temporality: 'cumulative' });
    expect(series.find((s) => s.name === 'latency')!.points[0]).toMatchObject({ type: 'histogram', count: 1, sum: 12 });
    expect(r.store.metrics.names('api')).toEqual(['latency', 'requests']);
  });
});

describe('the receiver and bodies no SDK sends', () => {
  const json = { 'content-type': 'application/json' };
  const proto = { 'content-type': 'application/x-protobuf' };

  it('answers 400 for garbage and truncated protobuf, 413 above the bound, 415 for other types; keeps serving', async () => {
    const r = await receiver({ maxBodyBytes: 64 * 1024 });
    expect((await post(`${r.endpoint}/v1/traces`, '{not json', json)).status).toBe(400);
    const garbage = await post(`${r.endpoint}/v1/traces`, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), proto);
    expect(garbage.status).toBe(400);
    expect(garbage.type).toBe('application/x-protobuf');
    // A valid request cut in half: field 1, length 100, then 3 bytes.
    expect((await post(`${r.endpoint}/v1/logs`, Buffer.from([0x0a, 0x64, 0x0a, 0x02, 0x0a]), proto)).status).toBe(400);
    expect((await post(`${r.endpoint}/v1/traces`, Buffer.alloc(65 * 1024, 1), proto)).status).toBe(413);
    // A small gzip body that inflates above the bound.
    expect((await post(`${r.endpoint}/v1/traces`, gzipSync(Buffer.alloc(1 << 20, 32)), { ...json, 'content-encoding': 'gzip' })).status).toBe(413);
    const wrongType = await post(`${r.endpoint}/v1/traces`, 'hello', { 'content-type': 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(JSON.parse(wrongType.body.toString())).toMatchObject({ message: expect.stringContaining('application/x-protobuf') });
    expect((await fetch(`${r.endpoint}/v1/traces`)).status).toBe(405);
    expect((await post(`${r.endpoint}/v2/nope`, '{}', json)).status).toBe(404);
    expect((await post(`${r.endpoint}/v1/traces`, '{}', { ...json, origin: 'http://evil.example' })).status).toBe(403);
    // Still serving.
    expect((await post(`${r.endpoint}/v1/traces`, '{}', json)).status).toBe(200);
    expect(r.status().requests).toMatchObject({ accepted: 1, rejected: 9 });
  });

  it('answers 400 naming the field for OTLP/JSON of the wrong shape where the decoder walks; absent and null fields are absent', async () => {
    const r = await receiver();
    const cases: Array<[string, unknown, string]> = [
      ['logs', { resourceLogs: 'x' }, 'resourceLogs: expected an array, got a string'],
      ['logs', { resourceLogs: [1] }, 'resourceLogs[0]: expected an object, got a number'],
      ['traces', { resourceSpans: [{ resource: 'api' }] }, 'resourceSpans[0].resource: expected an object, got a string'],
      ['traces', { resourceSpans: [{ resource: { attributes: {} } }] }, 'resourceSpans[0].resource.attributes: expected an array, got an object'],
      ['traces', { resourceSpans: [{ scopeSpans: {} }] }, 'resourceSpans[0].scopeSpans: expected an array, got an object'],
      ['metrics', { resourceMetrics: [{ scopeMetrics: [{}, [] ] }] }, 'resourceMetrics[0].scopeMetrics[1]: expected an object, got an array'],
      ['metrics', { resourceMetrics: [{ scopeMetrics: [{ scope: 'x' }] }] }, 'resourceMetrics[0].scopeMetrics[0].scope: expected an object, got a string'],
      ['logs', { resourceLogs: [{ scopeLogs: [{ logRecords: 'many' }] }] }, 'resourceLogs[0].scopeLogs[0].logRecords: expected an array, got a string'],
    ];
    for (const [signal, body, field] of cases) {
      const answer = await post(`${r.endpoint}/v1/${signal}`, JSON.stringify(body), json);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const { message } = JSON.parse(answer.body.toString()) as { message: string };
      expect(message).toBe(`cannot decode the OTLP/JSON ${signal} request: ${field}`);
    }
    for (const body of [{}, { resourceLogs: null }, { resourceLogs: [{ resource: null, scopeLogs: null }] }, { resourceLogs: [{ scopeLogs: [{ scope: null, logRecords: [] }] }] }]) {
      expect((await post(`${r.endpoint}/v1/logs`, JSON.stringify(body), json)).status, JSON.stringify(body)).toBe(200);
    }
    expect(r.status().requests).toMatchObject({ accepted: 4, rejected: cases.length });
  });

  it('answers partial_success for items it cannot keep, and keeps the rest (gzip JSON)', async () => {
    const r = await receiver();
    const span = (spanId: string) => ({ traceId: 'ab'.repeat(16), spanId, name: `s-${spanId}`, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000' });
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans: [span('cd'.repeat(8)), span('bad')] }] }] };
    const answer = await post(`${r.endpoint}/v1/traces`, gzipSync(JSON.stringify(body)), { ...json, 'content-encoding': 'gzip' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body.toString())).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringContaining('spanId: expected 16 hex digits, got 3 characters') } });
    expect(r.store.spans.ofTier('api')).toMatchObject([{ name: `s-${'cd'.repeat(8)}`, durationMs: 500 }]);
    expect(r.status().tiers.api).toEqual({ spans: 1, logRecords: 0, metricPoints: 0, dropped: 1 });
  });

  it('rejects a span whose name is not a string saying what was expected, not "[object Object]"', async () => {
    const r = await receiver();
    const span = (spanId: string, name: unknown) => ({ traceId: 'ab'.repeat(16), spanId, name, startTimeUnixNano: '1700000000000000000' });
    for (const [name, got] of [[{ text: 'x' }, 'an object'], [7, 'a number']] as const) {
      const body = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans: [span('bad', name)] }] }] };
      const answer = await post(`${r.endpoint}/v1/traces`, JSON.stringify(body), json);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body.toString())).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: `a span's name: expected a string, got ${got}` } });
    }
    const kept = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans: [span('cd'.repeat(8), { text: 'x' }), { ...span('ef'.repeat(8), 'named'), events: [{ name: { text: 'e' } }, { name: 'plain' }] }] }] }] };
    expect(JSON.parse((await post(`${r.endpoint}/v1/traces`, JSON.stringify(kept), json)).body.toString())).toMatchObject({ partialSuccess: { rejectedSpans: 1 } });
    // An event's name is a part of the span, not the item: one that is not a string is left empty.
    expect(r.store.spans.ofTier('api')).toMatchObject([{ name: 'named', events: [{ name: '' }, { name: 'plain' }] }]);
  });

  it('drops and counts what a tier sends beyond its share of the boot limit', async () => {
    const r = await receiver({ limits: { spans: { perBoot: 10, inMemory: 10 }, logRecords: { perBoot: 10, inMemory: 10 }, metricPoints: { perBoot: 10, inMemory: 10 } } });
    const spans = Array.from({ length: 8 }, (_, i) => ({ traceId: 'ab'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0'), name: 'x', startTimeUnixNano: 1 }));
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans }] }] };
    const answer = JSON.parse((await post(`${r.endpoint}/v1/traces`, JSON.stringify(body), json)).body.toString());
    // The limit it hit is named: its share, not the boot's.
    expect(answer.partialSuccess).toEqual({ rejectedSpans: 3, errorMessage: "land keeps at most 5 spans per tier per boot (a tier's share of the 10 per boot)" });
    expect(r.status().tiers.api).toMatchObject({ spans: 5, dropped: 3 });
    await r.close();
    const lines = readFileSync(join(dirs[0]!, 'receiver', 'spans.records'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(5);
  });

  it("names the boot's limit when the boot's is the one hit", async () => {
    const r = await receiver({ limits: { spans: { perBoot: 10, inMemory: 10, perTier: 8 }, logRecords: { perBoot: 10, inMemory: 10 }, metricPoints: { perBoot: 10, inMemory: 10 } } });
    const send = async (tier: string, from: number, count: number) => {
      const spans = Array.from({ length: count }, (_, i) => ({ traceId: 'ab'.repeat(16), spanId: (from + i + 1).toString(16).padStart(16, '0'), name: 'x', startTimeUnixNano: 1 }));
      const body = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: tier } }] }, scopeSpans: [{ spans }] }] };
      return JSON.parse((await post(`${r.endpoint}/v1/traces`, JSON.stringify(body), json)).body.toString()) as { partialSuccess?: unknown };
    };
    expect((await send('api', 0, 8)).partialSuccess).toBeUndefined();
    expect((await send('worker', 100, 4)).partialSuccess).toEqual({ rejectedSpans: 2, errorMessage: 'land keeps at most 10 spans per boot' });
  });

  it('keeps a span sent again (an exporter retrying: the same trace and span id) once, protobuf or JSON, counted once', async () => {
    const r = await receiver();
    const ended: ReadableSpan[] = [];
    const keep: SpanProcessor = { onStart() {}, onEnd: (span) => void ended.push(span), forceFlush: async () => {}, shutdown: async () => {} };
    const provider = new BasicTracerProvider({ resource: resource('api'), spanProcessors: [keep] });
    const tracer = provider.getTracer('test');
    tracer.startSpan('retried').end();
    tracer.startSpan('other').end();
    for (const exporter of [new ProtoTraceExporter({ url: `${r.endpoint}/v1/traces` }), new JsonTraceExporter({ url: `${r.endpoint}/v1/traces` })]) {
      const send = (spans: ReadableSpan[]) => new Promise<ExportResult>((done) => exporter.export(spans, done));
      for (const spans of [ended, [ended[0]!], [ended[0]!, ended[0]!]]) expect((await send(spans)).code).toBe(ExportResultCode.SUCCESS);
      await exporter.shutdown();
    }
    expect(r.store.spans.ofTier('api').map((span) => span.name).sort()).toEqual(['other', 'retried']);
    expect(r.store.spans.traces({ tier: 'api' }).map((trace) => trace.spans)).toEqual([1, 1]);
    expect(r.status().tiers.api).toEqual({ spans: 2, logRecords: 0, metricPoints: 0, dropped: 0 });
    await r.close();
    const reread = openBootStore(dirs[0]!, createCodec());
    expect(reread.spans.ofTier('api')).toHaveLength(2);
  });
});

describe('attribution to the stack\'s tiers only', () => {
  const json = { 'content-type': 'application/json' };
  const logs = (attributes: Record<string, string>, body = 'x') => ({
    resourceLogs: [{ resource: { attributes: Object.entries(attributes).map(([key, stringValue]) => ({ key, value: { stringValue } })) }, scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', body: { stringValue: body } }] }] }],
  });

  it('folds names that are no tier of the stack into unattributed, under its share; replicas count as their tier', async () => {
    const perSignal = { perBoot: 40, inMemory: 40 };
    const r = await receiver({ limits: { spans: perSignal, logRecords: perSignal, metricPoints: perSignal }, identity: { app: 'demo', tiers: ['api', 'worker'], names: { web: 'api' } } });
    const names = [...Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(5, '0')}`), 'fake-1\u001b[31mRED', 'api.x', 'api.0', 'api.65'];
    // A service name with an escape sequence in it: kept, escaped (first, so that it is under the share).
    await post(`${r.endpoint}/v1/logs`, JSON.stringify(logs({ 'service.name': 'demo-\u001b]0;x\u0007' })), json);
    for (const name of names) expect((await post(`${r.endpoint}/v1/logs`, JSON.stringify(logs({ 'land.tier': name })), json)).status).toBe(200);
    // A replica by its instance name (the config's key), and a tier's own name in the service name.
    await post(`${r.endpoint}/v1/logs`, JSON.stringify(logs({ 'land.tier': 'web.2' })), json);
    await post(`${r.endpoint}/v1/logs`, JSON.stringify(logs({ 'land.tier': 'nope', 'service.name': 'demo-worker' })), json);

    const tiers = r.status().tiers;
    expect(Object.keys(tiers).sort()).toEqual(['api', 'unattributed', 'worker']);
    // 35 names the stack does not know: one bucket, held to half the boot's limit like any tier.
    expect(tiers.unattributed).toMatchObject({ logRecords: 20, dropped: 15 });
    expect(tiers.api).toMatchObject({ logRecords: 1 });
    expect(tiers.worker).toMatchObject({ logRecords: 1 });
    const services = r.store.logs.query({}).map((record) => record.service);
    expect(services.join('')).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(services).toContain('demo-\\x1b]0;x\\x07');
  });
});

describe('land trace after a boot whose receiver dropped spans', () => {
  it('says how many the receiver dropped, in the tree and to stderr beside --json', async () => {
    const bootDir = mkdtempSync(join(tmpdir(), 'land-receiver-'));
    dirs.push(bootDir);
    const limits = { spans: { perBoot: 10, inMemory: 10 }, logRecords: { perBoot: 10, inMemory: 10 }, metricPoints: { perBoot: 10, inMemory: 10 } };
    const r = await startReceiver({ port: 0, bootId: 'boot-test', bootDir, identity: { app: 'demo', tiers: ['api'] }, limits });
    receivers.push(r);
    const spans = Array.from({ length: 8 }, (_, i) => ({ traceId: 'ab'.repeat(16), spanId: (i + 1).toString(16).padStart(16, '0'), name: 'x', startTimeUnixNano: '1700000000000000000' }));
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans }] }] };
    expect((await post(`${r.endpoint}/v1/traces`, JSON.stringify(body), { 'content-type': 'application/json' })).status).toBe(200);
    await r.close();
    expect(renderTrace(bootDir, { width: 160, decoder: createCodec() })).toMatch(/the receiver dropped 3 spans of this boot \(malformed or over receiver\.limits/);
    const warned: string[] = [];
    traceJsonLines(bootDir, { decoder: createCodec(), warn: (line) => warned.push(line) });
    expect(warned).toEqual([expect.stringMatching(/^the receiver dropped 3 spans/)]);
  });
});
