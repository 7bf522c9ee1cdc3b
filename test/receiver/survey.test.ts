/**
 * The survey reads a protobuf request on the wire (transport/wire-survey.ts) by the conversion's rules: for the same
 * bytes, it must count the items the conversion keeps, per resource group, and say "not keepable" exactly when the
 * conversion rejects an item. Requests are encoded by protobufjs with the full OTLP definitions, and by the
 * official SDK's serializers; every truncation of them is tried too.
 */
import { ProtobufLogsSerializer, ProtobufMetricsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { toLogRecords, toMetricPoints, toSpans } from '../../src/receiver/model/convert.js';
import type { Signal } from '../../src/receiver/model/types.js';
import { createCodec } from '../../src/receiver/transport/codec.js';
import { ALL_PROTOS } from '../../src/receiver/transport/otlp-proto.js';

const root = new protobuf.Root();
for (const text of ALL_PROTOS) protobuf.parse(text, root, { keepCase: false });
root.resolveAll();
const codec = createCodec();
const CONVERT = { traces: toSpans, logs: toLogRecords, metrics: toMetricPoints };
const REQUEST: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
};

/** OTLP/JSON's shape with hex ids turned into bytes, encoded by protobufjs. */
function encode(signal: Signal, json: object): Uint8Array {
  const shape = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((item) => shape(item));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, k)]));
    if (typeof value === 'string' && /^(traceId|spanId|parentSpanId)$/.test(key)) return Buffer.from(value, 'hex');
    return value;
  };
  const type = root.lookupType(REQUEST[signal]);
  return type.encode(type.fromObject(shape(json) as object)).finish();
}

/** The survey and the conversion of the same bytes agree (both may refuse them: then the survey must too). */
function expectAgreement(signal: Signal, bytes: Uint8Array): { keepable: boolean; items: number } | undefined {
  let converted: { perGroup: number[]; rejected: number; resources: Record<number, unknown> } | undefined;
  try {
    const perGroup: number[] = [];
    const resources: Record<number, unknown> = {};
    const batch = CONVERT[signal](codec.decode(signal, bytes), (resource, group) => {
      resources[group] = resource;
      return { tier: String(group), service: '' };
    });
    for (const item of batch.items) perGroup[Number(item.tier)] = (perGroup[Number(item.tier)] ?? 0) + 1;
    converted = { perGroup, rejected: batch.rejected, resources };
  } catch {
    // the full decoding refuses the bytes
  }
  let survey: ReturnType<typeof codec.survey> | undefined;
  try {
    survey = codec.survey(signal, bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
  }
  if (!converted) {
    // What the survey reads, the full decoding reads too: it cannot refuse less. (It may refuse more: the survey
    // skips what it does not look at; such frames are counted unreadable when read.)
    return undefined;
  }
  expect(survey, 'the survey refused bytes the full decoding reads').toBeDefined();
  expect(survey!.keepable).toBe(converted.rejected === 0);
  if (!survey!.keepable) return { keepable: false, items: survey!.items };
  survey!.groups.forEach((group, i) => {
    expect(group.items).toBe(converted!.perGroup[i] ?? 0);
    if (group.items > 0) expect(group.resource).toEqual(converted!.resources[i]);
  });
  expect(survey!.items).toBe(converted.perGroup.reduce((sum, n) => sum + (n ?? 0), 0));
  return { keepable: true, items: survey!.items };
}

/** Every prefix of the bytes, then the bytes themselves. */
function expectAgreementTruncated(signal: Signal, bytes: Uint8Array) {
  for (let n = 0; n < bytes.length; n++) expectAgreement(signal, bytes.subarray(0, n));
  return expectAgreement(signal, bytes);
}

const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);
const START = '1700000000000000000';
const resource = (tier: string) => ({ attributes: [{ key: 'land.tier', value: { stringValue: tier } }, { key: 'n', value: { intValue: '7' } }] });
const span = (extra: object = {}) => ({ traceId: TRACE, spanId: SPAN, name: 'op', startTimeUnixNano: START, endTimeUnixNano: START, ...extra });

describe('the survey on the wire agrees with the conversion', () => {
  it('spans: groups with and without spans, scopes, and each rule a span can break', () => {
    const groups = [
      { resource: resource('api'), scopeSpans: [{ scope: { name: 's' }, spans: [span(), span({ parentSpanId: '00'.repeat(8) })] }, { spans: [span({ parentSpanId: 'ef'.repeat(8) })] }] },
      { resource: resource('idle'), scopeSpans: [] },
      { scopeSpans: [{ spans: [span()] }] },
      { resource: resource('web'), scopeSpans: [{ spans: [span(), span(), span()] }] },
    ];
    expect(expectAgreementTruncated('traces', encode('traces', { resourceSpans: groups }))).toEqual({ keepable: true, items: 7 });
    const broken = [
      span({ traceId: 'ab'.repeat(8) }),
      span({ traceId: '00'.repeat(16) }),
      span({ spanId: '' }),
      span({ spanId: 'cd'.repeat(9) }),
      span({ parentSpanId: 'ef'.repeat(4) }),
      span({ startTimeUnixNano: '0' }),
    ];
    for (const bad of broken) {
      const bytes = encode('traces', { resourceSpans: [{ resource: resource('api'), scopeSpans: [{ spans: [span(), bad] }] }] });
      expect(expectAgreement('traces', bytes)).toMatchObject({ keepable: false });
    }
    expect(expectAgreement('traces', new Uint8Array(0))).toEqual({ keepable: true, items: 0 });
  });

  it('log records: with and without trace context, and ids of the wrong length', () => {
    const records = [{ body: { stringValue: 'plain' } }, { traceId: TRACE, spanId: SPAN }, { traceId: '00'.repeat(16), spanId: '00'.repeat(8) }];
    const bytes = encode('logs', { resourceLogs: [{ resource: resource('api'), scopeLogs: [{ logRecords: records }] }, { resource: resource('web'), scopeLogs: [{ logRecords: [{}] }] }] });
    expect(expectAgreementTruncated('logs', bytes)).toEqual({ keepable: true, items: 4 });
    for (const bad of [{ traceId: 'ab'.repeat(8) }, { spanId: 'cd'.repeat(4) }]) {
      expect(expectAgreement('logs', encode('logs', { resourceLogs: [{ resource: resource('api'), scopeLogs: [{ logRecords: [{}, bad] }] }] }))).toMatchObject({ keepable: false });
    }
  });

  it('metrics: each kind counts its data points; a metric without a name or data cannot be kept', () => {
    const point = { timeUnixNano: START, asInt: '3' };
    const metrics = [
      { name: 'g', gauge: { dataPoints: [point, point] } },
      { name: 's', sum: { dataPoints: [point, point, point], aggregationTemporality: 2, isMonotonic: true } },
      { name: 'h', histogram: { dataPoints: [{ timeUnixNano: START, count: '2', bucketCounts: ['1', '1'], explicitBounds: [5] }] } },
      { name: 'q', summary: { dataPoints: [{ timeUnixNano: START, count: '1', sum: 2 }] } },
      { name: 'empty', gauge: { dataPoints: [] } },
    ];
    const bytes = encode('metrics', { resourceMetrics: [{ resource: resource('api'), scopeMetrics: [{ metrics }] }] });
    expect(expectAgreementTruncated('metrics', bytes)).toEqual({ keepable: true, items: 7 });
    for (const bad of [{ gauge: { dataPoints: [point] } }, { name: 'nodata' }]) {
      expect(expectAgreement('metrics', encode('metrics', { resourceMetrics: [{ resource: resource('api'), scopeMetrics: [{ metrics: [metrics[0], bad] }] }] }))).toMatchObject({ keepable: false });
    }
  });

  it('requests as the official SDK serializes them', async () => {
    const sdkResource = resourceFromAttributes({ 'service.name': 'demo-api', 'land.tier': 'api' });
    const spans = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ resource: sdkResource, spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('t');
    tracer.startActiveSpan('root', (root) => {
      tracer.startSpan('child', { attributes: { n: 1 } }).end();
      root.end();
    });
    const traces = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans.getFinishedSpans())!);
    expect(expectAgreementTruncated('traces', traces)).toEqual({ keepable: true, items: 2 });

    const logs = new InMemoryLogRecordExporter();
    const loggers = new LoggerProvider({ resource: sdkResource, processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
    loggers.getLogger('t').emit({ body: 'hello', attributes: { n: 1 } });
    await loggers.forceFlush();
    expect(expectAgreementTruncated('logs', Buffer.from(ProtobufLogsSerializer.serializeRequest(logs.getFinishedLogRecords())!))).toEqual({ keepable: true, items: 1 });

    const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter: metrics, exportIntervalMillis: 60_000 });
    const meters = new MeterProvider({ resource: sdkResource, readers: [reader] });
    meters.getMeter('t').createCounter('requests').add(2, { route: '/a' });
    meters.getMeter('t').createHistogram('ms').record(12);
    await reader.forceFlush();
    const collected = metrics.getMetrics()[0]!;
    expect(expectAgreementTruncated('metrics', Buffer.from(ProtobufMetricsSerializer.serializeRequest(collected)!))).toEqual({ keepable: true, items: 2 });
    await meters.shutdown();
    await loggers.shutdown();
  });
});

describe('the survey refuses what the full decoding refuses, and merges what it merges', () => {
  const field = (number: number, bytes: Uint8Array) => protobuf.Writer.create().uint32((number << 3) | 2).bytes(bytes).finish();
  const encodeOne = (type: string, value: object) => root.lookupType(type).encode(root.lookupType(type).fromObject(value)).finish();
  const oneSpan = () => encode('traces', { resourceSpans: [{ resource: resource('api'), scopeSpans: [{ spans: [span()] }] }] });
  const withTail = (tail: number[]) => Buffer.concat([oneSpan(), Buffer.from(tail)]);
  const refusedByBoth = (signal: Signal, bytes: Uint8Array) => {
    expect(() => codec.decode(signal, bytes)).toThrow();
    expect(() => codec.survey(signal, bytes)).toThrow(RangeError);
  };

  it('a tag or a length of more than five bytes, an end group of another field, groups nested past the limit', () => {
    expect(expectAgreement('traces', withTail([0x7a, 0x00]))).toEqual({ keepable: true, items: 1 }); // field 15, empty
    refusedByBoth('traces', withTail([0xfa, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00])); // a six-byte tag
    refusedByBoth('traces', withTail([0x7a, 0x80, 0x80, 0x80, 0x80, 0x08])); // a length of 2^31
    refusedByBoth('traces', withTail([0x7b, 0x74])); // group 15 closed by field 14's end tag
    refusedByBoth('traces', withTail([...Array(110).fill(0x7b), ...Array(110).fill(0x7c)])); // protobufjs: depth over 100
    expect(expectAgreement('traces', withTail([0x7b, 0x7b, 0x7c, 0x7c]))).toEqual({ keepable: true, items: 1 });
  });

  it('strings that are not UTF-8 (a metric name, a span name, an attribute): both read them, with U+FFFD', () => {
    const metric = (name: Uint8Array) =>
      Buffer.concat([field(1, name), field(5, encodeOne('opentelemetry.proto.metrics.v1.Gauge', { dataPoints: [{ timeUnixNano: START, asInt: '1' }] }))]);
    const request = (name: Uint8Array) => field(1, field(2, field(2, metric(name))));
    expect(expectAgreement('metrics', request(Buffer.from('ok')))).toEqual({ keepable: true, items: 1 });
    const notUtf8 = request(Buffer.from([0x6f, 0xff, 0xfe]));
    expect(expectAgreement('metrics', notUtf8)).toEqual({ keepable: true, items: 1 });
    expect(toMetricPoints(codec.decode('metrics', notUtf8), () => ({ tier: 'api', service: '' })).items[0]).toMatchObject({ name: 'o\uFFFD\uFFFD' });
    // The span's name and an attribute's value: fields the survey skips, so only the full decoding could refuse them.
    const named = encode('traces', { resourceSpans: [{ resource: resource('api'), scopeSpans: [{ spans: [span({ name: 'NAME', attributes: [{ key: 'k', value: { stringValue: 'VALUE' } }] })] }] }] });
    const bytes = Buffer.from(named);
    for (const text of ['NAME', 'VALUE']) bytes.fill(0xff, bytes.indexOf(text), bytes.indexOf(text) + 2);
    expect(expectAgreement('traces', bytes)).toEqual({ keepable: true, items: 1 });
    const converted = toSpans(codec.decode('traces', bytes), () => ({ tier: 'api', service: '' })).items[0]!;
    expect(converted).toMatchObject({ name: '\uFFFD\uFFFDME', attributes: { k: '\uFFFD\uFFFDLUE' } });
  });

  it("a metric's data and a group's resource sent twice are merged: the points add, the attributes join", () => {
    const gauge = (points: number) => field(5, encodeOne('opentelemetry.proto.metrics.v1.Gauge', { dataPoints: Array(points).fill({ timeUnixNano: START, asInt: '1' }) }));
    const metric = Buffer.concat([field(1, Buffer.from('m')), gauge(1000), gauge(1)]);
    const resources = [resource('api'), { attributes: [{ key: 'second', value: { stringValue: 'yes' } }] }].map((value) =>
      field(1, encodeOne('opentelemetry.proto.resource.v1.Resource', value)),
    );
    const request = field(1, Buffer.concat([...resources, field(2, field(2, metric))]));
    expect(expectAgreement('metrics', request)).toEqual({ keepable: true, items: 1001 });
    expect(codec.survey('metrics', request).groups[0]!.resource).toMatchObject({ 'land.tier': 'api', second: 'yes' });
  });
});
