/**
 * OTLP/JSON as a developer without an SDK writes it (curl, Python's standard library): proto3's JSON mapping lets
 * field names be snake_case and enums be names, and OTLP before 0.19 said instrumentationLibrary…: read as the SDKs'
 * own. What cannot be read (attributes as an object, a bare string body, a point without a value, unknown fields) is
 * said in partialSuccess.errorMessage, and a malformed item is counted under the tier whose resource sent it, its
 * message naming the id and what an OTLP/JSON id is.
 */
import { describe, expect, it } from 'vitest';
import { ownReceivers } from '../helpers/own-receivers.js';

const { receiver } = ownReceivers('land-hand-json-');

const TRACE = 'ab'.repeat(16);
const tierResource = (tier: string) => ({ attributes: [{ key: 'land.tier', value: { stringValue: tier } }] });
const span = (id: string, extra: Record<string, unknown> = {}) => ({ traceId: TRACE, spanId: id, name: `s-${id}`, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000500000000', ...extra });

async function post(url: string, body: unknown): Promise<{ status: number; answer: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, answer: (await res.json()) as Record<string, unknown> };
}

describe('OTLP/JSON written by hand', () => {
  it('reads snake_case field names, enum names and the legacy instrumentationLibrarySpans', async () => {
    const r = await receiver();
    const snake = {
      resource_spans: [{ resource: { attributes: [{ key: 'land.tier', value: { string_value: 'api' } }] }, scope_spans: [{ scope: { name: 'py' }, spans: [{ trace_id: TRACE, span_id: '01'.repeat(8), name: 'snake', kind: 'SPAN_KIND_SERVER', start_time_unix_nano: '1700000000000000000', end_time_unix_nano: '1700000000100000000', status: { code: 'STATUS_CODE_ERROR' } }] }] }],
    };
    expect(await post(`${r.endpoint}/v1/traces`, snake)).toEqual({ status: 200, answer: {} });
    const legacy = { resourceSpans: [{ resource: tierResource('api'), instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old' }, spans: [span('02'.repeat(8))] }] }] };
    expect((await post(`${r.endpoint}/v1/traces`, legacy)).status).toBe(200);
    const spans = r.store.spans.ofTier('api');
    expect(spans.map((s) => [s.name, s.kind, s.status, s.scope])).toEqual([
      ['snake', 'server', 'error', 'py'],
      [`s-${'02'.repeat(8)}`, 'unspecified', 'unset', 'old'],
    ]);
    const logs = { resourceLogs: [{ resource: tierResource('worker'), scopeLogs: [{ logRecords: [{ severityNumber: 'SEVERITY_NUMBER_ERROR', body: { stringValue: 'boom' } }, { severityNumber: 'SEVERITY_NUMBER_WARN2', body: { stringValue: 'hm' } }] }] }] };
    expect((await post(`${r.endpoint}/v1/logs`, logs)).status).toBe(200);
    expect(r.store.logs.query({ tier: 'worker' }).map((l) => [l.body, l.severityNumber, l.severityText]).sort()).toEqual([
      ['boom', 17, 'ERROR'],
      ['hm', 14, 'WARN'],
    ]);
  });

  it('says in errorMessage what it kept without reading, and counts malformed items under their own tier', async () => {
    const r = await receiver();
    const objectAttributes = { resourceSpans: [{ resource: tierResource('api'), scopeSpans: [{ spans: [span('03'.repeat(8), { attributes: { route: '/x' } })] }] }] };
    expect(await post(`${r.endpoint}/v1/traces`, objectAttributes)).toEqual({
      status: 200,
      answer: { partialSuccess: { rejectedSpans: 0, errorMessage: expect.stringMatching(/attributes: expected a list of \{key, value\}, got an object/) } },
    });
    const bareBody = { resourceLogs: [{ resource: tierResource('api'), scopeLogs: [{ logRecords: [{ body: 'plain text' }] }] }] };
    expect((await post(`${r.endpoint}/v1/logs`, bareBody)).answer).toEqual({ partialSuccess: { rejectedLogRecords: 0, errorMessage: expect.stringMatching(/body: expected an AnyValue/) } });
    const noValue = { resourceMetrics: [{ resource: tierResource('api'), scopeMetrics: [{ metrics: [{ name: 'g', gauge: { dataPoints: [{ value: 3, timeUnixNano: '1700000000000000000' }] } }] }] }] };
    expect((await post(`${r.endpoint}/v1/metrics`, noValue)).answer).toEqual({ partialSuccess: { rejectedDataPoints: 0, errorMessage: expect.stringMatching(/metric g: a data point without asInt or asDouble/) } });
    expect((await post(`${r.endpoint}/v1/traces`, { spans: [] })).answer).toEqual({ partialSuccess: { rejectedSpans: 0, errorMessage: 'no resourceSpans in the request: spans not read' } });

    // Base64 ids (proto3's JSON bytes; OTLP/JSON wants hex), under worker's resource.
    const base64 = { resourceSpans: [{ resource: tierResource('worker'), scopeSpans: [{ spans: [span('04'.repeat(8), { traceId: Buffer.from('ab'.repeat(16), 'hex').toString('base64') })] }] }] };
    const refused = await post(`${r.endpoint}/v1/traces`, base64);
    expect(refused.answer).toEqual({ partialSuccess: { rejectedSpans: 1, errorMessage: expect.stringMatching(/traceId: expected 32 hex digits, got 24 characters \(not hex: OTLP\/JSON ids are hex, not base64\)/) } });
    const badParent = { resourceSpans: [{ resource: tierResource('worker'), scopeSpans: [{ spans: [span('05'.repeat(8), { parentSpanId: 'xyz' })] }] }] };
    expect((await post(`${r.endpoint}/v1/traces`, badParent)).answer).toMatchObject({ partialSuccess: { errorMessage: expect.stringMatching(/^span "s-0505050505050505": parentSpanId: expected 16 hex digits/) } });
    expect(r.status().tiers.worker).toMatchObject({ spans: 0, dropped: 2 });
    expect(r.status().tiers.unattributed).toBeUndefined();
  });
});
