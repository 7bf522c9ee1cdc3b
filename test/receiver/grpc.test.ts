/**
 * OTLP/gRPC on the receiver's one port: the official OTLP/gRPC exporters (traces, logs, metrics; gzip and plain), a
 * partial success as gRPC answers it, and hand-made calls no SDK sends (bad frames, oversize messages, unknown
 * methods and encodings), each refused with its gRPC status and one line, counted like HTTP's refusals.
 */
import { connect as connectHttp2, type IncomingHttpHeaders } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ALL_PROTOS } from '../../src/receiver/transport/otlp-proto.js';
import { ownReceivers } from '../helpers/own-receivers.js';
import { waitFor } from '../helpers/receivers.js';

const { receiver } = ownReceivers('land-grpc-');

const resource = (tier: string) => resourceFromAttributes({ 'service.name': `demo-${tier}`, 'land.tier': tier });
const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

const root = new protobuf.Root();
for (const text of ALL_PROTOS) protobuf.parse(text, root, { keepCase: false });
root.resolveAll();
const TraceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const TraceResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/** An ExportTraceServiceRequest of `count` spans of `tier`, as protobuf bytes. */
function traceRequest(tier: string, count: number): Buffer {
  const id = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
  const spans = Array.from({ length: count }, (_, i) => ({ traceId: id('ab'.repeat(16)), spanId: id((i + 1).toString(16).padStart(16, '0')), name: 'x', startTimeUnixNano: 1 }));
  const body = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: tier } }] }, scopeSpans: [{ spans }] }] };
  return Buffer.from(TraceRequest.encode(TraceRequest.fromObject(body)).finish());
}

/** `message` with a gRPC prefix (`flag`: the compressed flag; `length`: what the prefix declares). */
function frame(message: Buffer, flag = 0, length = message.length): Buffer {
  const prefix = Buffer.alloc(5);
  prefix[0] = flag;
  prefix.writeUInt32BE(length, 1);
  return Buffer.concat([prefix, message]);
}

interface Answer {
  status: number;
  grpcStatus: string;
  grpcMessage: string;
  data: Buffer;
}

/** One unary call over a fresh HTTP/2 connection, as a gRPC client makes it. */
function call(endpoint: string, body: Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(endpoint);
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': TRACES, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let head: IncomingHttpHeaders = {};
    let trailers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    req.on('response', (h) => (head = h));
    req.on('trailers', (t) => (trailers = t));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('close', () => {
      session.close();
      const field = (name: string) => String(trailers[name] ?? head[name] ?? '');
      resolve({ status: Number(head[':status']), grpcStatus: field('grpc-status'), grpcMessage: decodeURIComponent(field('grpc-message')), data: Buffer.concat(chunks) });
    });
    req.end(body);
  });
}

describe('the receiver with the official OTLP/gRPC exporters', () => {
  it('stores spans (gzip), log records and metric points sent over gRPC, on the port that serves OTLP/HTTP', async () => {
    const r = await receiver();
    const tracing = new BasicTracerProvider({ resource: resource('api'), spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: r.endpoint, compression: 'gzip' as never, timeoutMillis: 60_000 }))] });
    tracing.getTracer('test').startSpan('api.request', { attributes: { n: 3 } }).end();
    const logging = new LoggerProvider({ resource: resource('worker'), processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: r.endpoint, timeoutMillis: 60_000 }) } as never)] });
    logging.getLogger('test').emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'worker is slow' });
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: r.endpoint, timeoutMillis: 60_000 }), exportIntervalMillis: 60_000 });
    const metering = new MeterProvider({ resource: resource('api'), readers: [reader] });
    metering.getMeter('test').createCounter('requests').add(5);
    for (const provider of [tracing, logging]) {
      await provider.forceFlush();
      await provider.shutdown();
    }
    // The metric reader exports on its shutdown (a flush before it would make a second request).
    await metering.shutdown();

    const spans = await waitFor(() => (r.store.spans.ofTier('api').length > 0 ? r.store.spans.ofTier('api') : undefined));
    expect(spans[0]).toMatchObject({ name: 'api.request', tier: 'api', service: 'demo-api', attributes: { n: 3 } });
    expect(r.store.logs.query().map((l) => [l.tier, l.severityText, l.body])).toEqual([['worker', 'WARN', 'worker is slow']]);
    expect(r.store.metrics.series({ tier: 'api' }).find((s) => s.name === 'requests')?.points[0]).toMatchObject({ value: 5 });
    expect(r.status().requests).toEqual({ accepted: 3, rejected: 0, refused: 0 });

    // OTLP/HTTP on the same port, as before.
    const http = await fetch(`${r.endpoint}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(http.status).toBe(200);
  });

  it("answers a partial success in the Export response when a tier's share is spent", async () => {
    const r = await receiver({ limits: { spans: { perBoot: 10, inMemory: 10 }, logRecords: { perBoot: 10, inMemory: 10 }, metricPoints: { perBoot: 10, inMemory: 10 } } });
    const answer = await call(r.endpoint, frame(traceRequest('api', 8)));
    expect(answer).toMatchObject({ status: 200, grpcStatus: '0' });
    const response = TraceResponse.toObject(TraceResponse.decode(answer.data.subarray(5)), { longs: Number });
    expect(answer.data.readUInt32BE(1)).toBe(answer.data.length - 5);
    expect(response.partialSuccess).toEqual({ rejectedSpans: 3, errorMessage: "land keeps at most 5 spans per tier per boot (a tier's share of the 10 per boot)" });
    expect(r.status().tiers.api).toMatchObject({ spans: 5, dropped: 3 });
  });
});

describe('the receiver and gRPC calls no SDK makes', () => {
  it('refuses bad frames, oversize messages, unknown methods and encodings with their status and one line; keeps serving', async () => {
    const r = await receiver({ maxBodyBytes: 64 * 1024 });
    const good = traceRequest('api', 1);
    const cases: Array<[string, Buffer, Record<string, string>, string, RegExp, number?]> = [
      ['no prefix', Buffer.from('abc'), {}, '3', /expected a 5-byte gRPC message prefix/],
      ['cut short', frame(good, 0, good.length + 10), {}, '3', /cut short: \d+ of the \d+ bytes/],
      ['two messages', Buffer.concat([frame(good), frame(good)]), {}, '3', /Export is unary/],
      ['a flag of 2', frame(good, 2), {}, '3', /compressed flag of 2: expected 0 or 1/],
      ['compressed, no encoding', frame(gzipSync(good), 1), {}, '13', /flagged compressed but the call sets no grpc-encoding/],
      ['not gzip', frame(good, 1), { 'grpc-encoding': 'gzip' }, '3', /gzip body cannot be inflated/],
      ['a gzip bomb', frame(gzipSync(Buffer.alloc(1 << 20)), 1), { 'grpc-encoding': 'gzip' }, '8', /inflates above the receiver's bound of 65536 bytes/],
      ['snappy', frame(good), { 'grpc-encoding': 'snappy' }, '12', /grpc-encoding "snappy": expected gzip or identity/],
      ['not protobuf', frame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f])), {}, '3', /cannot decode the OTLP\/protobuf traces request/],
      ['oversize', frame(Buffer.alloc(65 * 1024, 1)), {}, '8', /message of 66560 bytes is above the receiver's bound of 65536/],
      ['unknown method', frame(good), { ':path': '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export' }, '12', /no such method: POST \/opentelemetry.proto.collector.profiles/],
      ['another type', frame(good), { 'content-type': 'application/json' }, '12', /content-type "application\/json": expected application\/grpc/, 415],
      ['another host', frame(good), { ':authority': 'evil.example' }, '7', /loopback clients only/],
    ];
    for (const [what, body, headers, grpcStatus, message, status = 200] of cases) {
      const answer = await call(r.endpoint, body, headers);
      expect({ what, status: answer.status, grpcStatus: answer.grpcStatus }).toEqual({ what, status, grpcStatus });
      expect(answer.grpcMessage, what).toMatch(message);
      expect(answer.grpcMessage, what).not.toMatch(/\n/);
    }
    expect(r.status().requests).toEqual({ accepted: 0, rejected: cases.length, refused: 0 });
    expect(r.status().tiers.api).toBeUndefined();

    // Still serving, gRPC and HTTP alike.
    expect(await call(r.endpoint, frame(good))).toMatchObject({ status: 200, grpcStatus: '0' });
    expect(r.status().tiers.api).toMatchObject({ spans: 1 });
    expect((await fetch(`${r.endpoint}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
  });

  it('answers a connection that opens with PRI but not the HTTP/2 preface 400 in one line, at once (not at a timeout)', async () => {
    const r = await receiver();
    // PRI * HTTP/1.1 is what node's parser waited on (for an `SM` that never comes) until the request timed out.
    for (const start of ['PRI * HTTP/1.1\r\n\r\n', 'PRI * HTTP/2.1\r\n\r\n', 'PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'PRI / HTTP/1.1\r\nHost: x\r\n\r\n']) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connectTcp(r.port, '127.0.0.1', () => socket.write(start));
        let text = '';
        // Well below node's own timeouts (headersTimeout 10 s, checked every 30 s): a hang shows as no answer.
        const timer = setTimeout(() => {
          socket.destroy();
          resolve(`no answer within 8 s: ${JSON.stringify(text)}`);
        }, 8000);
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(text);
        });
        socket.on('error', reject);
      });
      expect(answer, start).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
      expect(body.trimEnd().split('\n'), start).toHaveLength(1);
      expect(JSON.parse(body), start).toEqual({ error: { code: 'bad-request', message: expect.stringMatching(/^the request is not HTTP\/1\.1 that could be read/) } });
    }
    // The receiver goes on: an OTLP/JSON request after them is answered.
    const ok = await fetch(`http://127.0.0.1:${r.port}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(ok.status).toBe(200);
  }, 60_000);
});
