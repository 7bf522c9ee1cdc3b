/**
 * The receiver reads protobufjs's decoded messages directly (Longs, buffers, prototype defaults, oneof
 * discriminators) and OTLP/JSON as parsed. The same request in both encodings must give the same records, including
 * the values a protobuf default could hide: zero, false, the empty string, an unset optional, a oneof's zero member.
 */
import { describe, expect, it } from 'vitest';
import { toLogRecords, toMetricPoints, toSpans } from '../../src/receiver/model/convert.js';
import { createCodec } from '../../src/receiver/transport/codec.js';
import protobuf from 'protobufjs';
import { ALL_PROTOS } from '../../src/receiver/transport/otlp-proto.js';

const root = new protobuf.Root();
for (const text of ALL_PROTOS) protobuf.parse(text, root, { keepCase: false });
root.resolveAll();
const codec = createCodec();
const origin = () => ({ tier: 'api', service: 'demo-api' });

const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);
const PARENT = '0e'.repeat(8);

/** OTLP/JSON ids are hex; protobufjs's fromObject takes bytes as base64 (or buffers). */
function toProtobufShape(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((item) => toProtobufShape(item));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toProtobufShape(v, k)]));
  if (typeof value === 'string' && /^(traceId|spanId|parentSpanId)$/.test(key)) return Buffer.from(value, 'hex');
  return value;
}

function bothWays(typeName: string, json: object) {
  const type = root.lookupType(typeName);
  const shaped = toProtobufShape(json) as Record<string, unknown>;
  const problem = type.verify(type.fromObject(shaped));
  if (problem) throw new Error(problem);
  const bytes = type.encode(type.fromObject(shaped)).finish();
  const signal = typeName.includes('.trace.') ? 'traces' : typeName.includes('.logs.') ? 'logs' : 'metrics';
  // JSON goes through text, as it arrives.
  return { fromProtobuf: codec.decode(signal, bytes), fromJson: JSON.parse(JSON.stringify(json)) as unknown };
}

const attributes = [
  { key: 's', value: { stringValue: 'text' } },
  { key: 'empty', value: { stringValue: '' } },
  { key: 'yes', value: { boolValue: true } },
  { key: 'no', value: { boolValue: false } },
  { key: 'zero', value: { intValue: '0' } },
  { key: 'big', value: { intValue: '9007199254740993' } },
  { key: 'negative', value: { intValue: '-42' } },
  { key: 'half', value: { doubleValue: 0.5 } },
  { key: 'dzero', value: { doubleValue: 0 } },
  { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }, { boolValue: false }] } } },
  { key: 'map', value: { kvlistValue: { values: [{ key: 'inner', value: { doubleValue: 1.25 } }] } } },
  { key: 'bytes', value: { bytesValue: Buffer.from('hi').toString('base64') } },
];
const resource = { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }, { key: 'service.name', value: { stringValue: 'demo-api' } }] };

describe('protobuf and OTLP/JSON of one request give the same records', () => {
  it('spans: every attribute kind, a root span, a child with events and an error status', () => {
    const { fromProtobuf, fromJson } = bothWays('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest', {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: 'lib' },
              spans: [
                { traceId: TRACE, spanId: PARENT, name: 'root', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000250000000', attributes },
                {
                  traceId: TRACE,
                  spanId: SPAN,
                  parentSpanId: PARENT,
                  name: 'child',
                  startTimeUnixNano: '1700000000100000000',
                  endTimeUnixNano: '1700000000200000000',
                  events: [{ name: 'retry', timeUnixNano: '1700000000150000000', attributes: [{ key: 'n', value: { intValue: '1' } }] }],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const protobufSpans = toSpans(fromProtobuf, origin);
    const jsonSpans = toSpans(fromJson, origin);
    expect(protobufSpans.rejected).toBe(0);
    expect(protobufSpans.items).toEqual(jsonSpans.items);
    const [root, child] = protobufSpans.items;
    expect(root).toMatchObject({ name: 'root', kind: 'server', status: 'unset', durationMs: 250, scope: 'lib' });
    expect(root!.parentSpanId).toBeUndefined();
    expect(root!.attributes).toEqual({
      s: 'text',
      empty: '',
      yes: true,
      no: false,
      zero: 0,
      big: 9007199254740992,
      negative: -42,
      half: 0.5,
      dzero: 0,
      list: ['a', 2, false],
      map: { inner: 1.25 },
      bytes: Buffer.from('hi').toString('base64'),
    });
    expect(child).toMatchObject({ parentSpanId: PARENT, status: 'error', statusMessage: 'boom', events: [{ name: 'retry', attributes: { n: 1 } }] });
  });

  it('log records: bodies of each kind, severity, with and without trace context', () => {
    const record = (body: object, extra: object = {}) => ({ timeUnixNano: '1700000000000000000', severityNumber: 9, body, ...extra });
    const { fromProtobuf, fromJson } = bothWays('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest', {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              logRecords: [
                record({ stringValue: 'hello' }, { traceId: TRACE, spanId: SPAN, severityText: 'INFO', attributes }),
                record({ intValue: '0' }),
                record({ boolValue: false }),
                record({ kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } }),
                { observedTimeUnixNano: '1700000000500000000' },
              ],
            },
          ],
        },
      ],
    });
    const protobufLogs = toLogRecords(fromProtobuf, origin, 1);
    expect(protobufLogs.items).toEqual(toLogRecords(fromJson, origin, 1).items);
    expect(protobufLogs.items.map((r) => r.body)).toEqual(['hello', '0', 'false', '{"k":"v"}', '']);
    expect(protobufLogs.items[0]).toMatchObject({ traceId: TRACE, spanId: SPAN, severityText: 'INFO' });
    expect(protobufLogs.items[1]!.traceId).toBeUndefined();
    expect(protobufLogs.items[4]).toMatchObject({ timeMs: 1700000000500, severityNumber: 0 });
  });

  it('metric points: gauges of 0 as int and double, sums, histograms with and without a sum, summaries', () => {
    const point = (value: object) => ({ timeUnixNano: '1700000000000000000', ...value });
    const { fromProtobuf, fromJson } = bothWays('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest', {
      resourceMetrics: [
        {
          resource,
          scopeMetrics: [
            {
              metrics: [
                { name: 'g', gauge: { dataPoints: [point({ asInt: '0' }), point({ asDouble: 0 }), point({ asInt: '7' }), point({ asDouble: 2.5 }), point({})] } },
                { name: 'c', unit: '1', sum: { isMonotonic: true, aggregationTemporality: 2, dataPoints: [point({ asInt: '5', attributes })] } },
                {
                  name: 'h',
                  histogram: {
                    aggregationTemporality: 1,
                    dataPoints: [point({ count: '3', sum: 0, min: 0, max: 4, bucketCounts: ['1', '2'], explicitBounds: [1.5] }), point({ count: '0' })],
                  },
                },
                { name: 'q', summary: { dataPoints: [point({ count: '2', sum: 3, quantileValues: [{ quantile: 0.5, value: 1 }] })] } },
              ],
            },
          ],
        },
      ],
    });
    const protobufPoints = toMetricPoints(fromProtobuf, origin, 1);
    expect(protobufPoints.items).toEqual(toMetricPoints(fromJson, origin, 1).items);
    const gauge = protobufPoints.items.filter((p) => p.name === 'g');
    expect(gauge.map((p) => p.value)).toEqual([0, 0, 7, 2.5, undefined]);
    expect(protobufPoints.items.find((p) => p.name === 'c')).toMatchObject({ value: 5, monotonic: true, temporality: 'cumulative', unit: '1' });
    const [withSum, withoutSum] = protobufPoints.items.filter((p) => p.name === 'h');
    expect(withSum).toMatchObject({ count: 3, sum: 0, min: 0, max: 4, bucketCounts: [1, 2], explicitBounds: [1.5], temporality: 'delta' });
    expect(withoutSum!.sum).toBeUndefined();
    expect(protobufPoints.items.find((p) => p.name === 'q')).toMatchObject({ count: 2, sum: 3, quantiles: [[0.5, 1]] });
  });
});
