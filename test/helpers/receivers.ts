/**
 * Local stand-ins for an OTLP/HTTP collector and the PostHog ingestion API, decoding what really went over the wire:
 * OTLP ExportTraceServiceRequest as JSON or protobuf, PostHog `POST /batch/` as gzip or plain JSON.
 *
 * Modes: ok (2xx), refuse (a port that was bound then closed: connection refused), hang (accept, never answer),
 * 500 (answer HTTP 500), slow (answer 2xx after `slowMs`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { ProtobufReader } from '@opentelemetry/otlp-transformer/build/src/common/protobuf/protobuf-reader.js';

export type ReceiverMode = 'ok' | 'refuse' | 'hang' | '500' | 'slow';

export interface ReceiverOptions {
  mode?: ReceiverMode;
  /** For `slow`: how long before answering (default 3000 ms). */
  slowMs?: number;
}

export interface RawRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  /** The body after content-encoding was undone. */
  body: Buffer;
}

interface Base {
  /** http://127.0.0.1:<port> */
  url: string;
  mode: ReceiverMode;
  requests: RawRequest[];
  close(): Promise<void>;
}

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

/** A server that records requests and answers by mode; `refuse` gives the url of a closed port. */
async function startServer(
  options: ReceiverOptions,
  onRequest: (request: RawRequest) => void,
  answer: (response: ServerResponse) => void,
): Promise<Base> {
  const mode = options.mode ?? 'ok';
  const requests: RawRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    void readBody(request).then(
      (body) => {
        const raw: RawRequest = { method: request.method ?? '', path: request.url ?? '', headers: request.headers, body };
        requests.push(raw);
        onRequest(raw);
        if (mode === 'hang') return;
        if (mode === '500') {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('receiver says no');
          return;
        }
        if (mode === 'slow') {
          const timer = setTimeout(() => {
            timers.delete(timer);
            answer(response);
          }, options.slowMs ?? 3000);
          timers.add(timer);
          return;
        }
        answer(response);
      },
      () => response.writeHead(400).end(),
    );
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    for (const timer of timers) clearTimeout(timer);
    for (const socket of sockets) socket.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  if (mode === 'refuse') await close();
  return { url: `http://127.0.0.1:${port}`, mode, requests, close };
}

// ---------------------------------------------------------------------------------------------------------------
// OTLP

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  /** '' for a root */
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  status: { code: number; message: string };
  resource: Record<string, unknown>;
  scope: string;
  /** The W3C tracestate (decoded from OTLP/JSON only). */
  traceState?: string;
  /** How it arrived. */
  encoding: 'json' | 'protobuf';
}

export interface OtlpReceiver extends Base {
  spans: DecodedSpan[];
  waitForSpans(count: number, timeoutMs?: number): Promise<DecodedSpan[]>;
}

type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
};
type JsonKeyValue = { key: string; value?: JsonAnyValue };

function jsonValue(value: JsonAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(jsonValue);
  if (value.kvlistValue) return jsonAttributes(value.kvlistValue.values);
  return value.bytesValue;
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, jsonValue(kv.value)]));
}

interface JsonRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: Array<{
      scope?: { name?: string };
      spans?: Array<{
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        startTimeUnixNano: string | number;
        endTimeUnixNano: string | number;
        attributes?: JsonKeyValue[];
        status?: { code?: number; message?: string };
        traceState?: string;
      }>;
    }>;
  }>;
}

/** OTLP/JSON ExportTraceServiceRequest (ids are hex in OTLP/JSON). */
export function decodeJsonTraceRequest(body: Buffer | string): DecodedSpan[] {
  const request = JSON.parse(body.toString()) as JsonRequest;
  const spans: DecodedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = jsonAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind ?? 0,
          startTimeUnixNano: BigInt(span.startTimeUnixNano),
          endTimeUnixNano: BigInt(span.endTimeUnixNano),
          attributes: jsonAttributes(span.attributes),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
          resource,
          scope: ss.scope?.name ?? '',
          ...(span.traceState ? { traceState: span.traceState } : {}),
          encoding: 'json',
        });
      }
    }
  }
  return spans;
}

// Protobuf: OpenTelemetry's own reader (otlp-transformer) walks the wire format; the field numbers are those of
// opentelemetry/proto/{collector/trace,trace,common,resource}/v1/*.proto.

const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function fixed64(reader: ProtobufReader, buffer: Uint8Array): bigint {
  const value = Buffer.from(buffer.buffer, buffer.byteOffset + reader.pos, 8).readBigUInt64LE(0);
  reader.pos += 8;
  return value;
}

/** Each field of a message: field number, wire type, and the reader positioned at its value. */
function forEachField(bytes: Uint8Array, visit: (field: number, wireType: number, reader: ProtobufReader) => boolean): void {
  const reader = new ProtobufReader(bytes);
  while (!reader.isAtEnd()) {
    const { fieldNumber, wireType } = reader.readTag();
    if (!visit(fieldNumber, wireType, reader)) reader.skip(wireType);
  }
}

function protoAnyValue(bytes: Uint8Array): unknown {
  let value: unknown;
  forEachField(bytes, (field, wireType, reader) => {
    if (field === 1 && wireType === WIRE_LENGTH) value = reader.readString();
    else if (field === 2 && wireType === 0) value = reader.readVarint() !== 0;
    else if (field === 3 && wireType === 0) value = reader.readVarint();
    else if (field === 4 && wireType === WIRE_FIXED64) {
      value = Buffer.from(bytes.buffer, bytes.byteOffset + reader.pos, 8).readDoubleLE(0);
      reader.pos += 8;
    } else if (field === 5 && wireType === WIRE_LENGTH) {
      const values: unknown[] = [];
      forEachField(reader.readBytes(), (f, w, r) => {
        if (f === 1 && w === WIRE_LENGTH) {
          values.push(protoAnyValue(r.readBytes()));
          return true;
        }
        return false;
      });
      value = values;
    } else if (field === 6 && wireType === WIRE_LENGTH) {
      const entries: Record<string, unknown> = {};
      forEachField(reader.readBytes(), (f, w, r) => {
        if (f === 1 && w === WIRE_LENGTH) {
          Object.assign(entries, protoKeyValue(r.readBytes()));
          return true;
        }
        return false;
      });
      value = entries;
    } else if (field === 7 && wireType === WIRE_LENGTH) value = hex(reader.readBytes());
    else return false;
    return true;
  });
  return value;
}

function protoKeyValue(bytes: Uint8Array): Record<string, unknown> {
  let key = '';
  let value: unknown;
  forEachField(bytes, (field, wireType, reader) => {
    if (field === 1 && wireType === WIRE_LENGTH) key = reader.readString();
    else if (field === 2 && wireType === WIRE_LENGTH) value = protoAnyValue(reader.readBytes());
    else return false;
    return true;
  });
  return { [key]: value };
}

function protoSpan(bytes: Uint8Array, resource: Record<string, unknown>, scope: string): DecodedSpan {
  const span: DecodedSpan = {
    traceId: '',
    spanId: '',
    parentSpanId: '',
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {},
    status: { code: 0, message: '' },
    resource,
    scope,
    encoding: 'protobuf',
  };
  forEachField(bytes, (field, wireType, reader) => {
    if (field === 1 && wireType === WIRE_LENGTH) span.traceId = hex(reader.readBytes());
    else if (field === 2 && wireType === WIRE_LENGTH) span.spanId = hex(reader.readBytes());
    else if (field === 4 && wireType === WIRE_LENGTH) span.parentSpanId = hex(reader.readBytes());
    else if (field === 5 && wireType === WIRE_LENGTH) span.name = reader.readString();
    else if (field === 6 && wireType === 0) span.kind = reader.readVarint();
    else if (field === 7 && wireType === WIRE_FIXED64) span.startTimeUnixNano = fixed64(reader, bytes);
    else if (field === 8 && wireType === WIRE_FIXED64) span.endTimeUnixNano = fixed64(reader, bytes);
    else if (field === 9 && wireType === WIRE_LENGTH) Object.assign(span.attributes, protoKeyValue(reader.readBytes()));
    else if (field === 15 && wireType === WIRE_LENGTH) {
      forEachField(reader.readBytes(), (f, w, r) => {
        if (f === 2 && w === WIRE_LENGTH) span.status.message = r.readString();
        else if (f === 3 && w === 0) span.status.code = r.readVarint();
        else return false;
        return true;
      });
    } else return false;
    return true;
  });
  return span;
}

/** OTLP/protobuf ExportTraceServiceRequest. */
export function decodeProtobufTraceRequest(body: Uint8Array): DecodedSpan[] {
  const spans: DecodedSpan[] = [];
  forEachField(body, (field, wireType, reader) => {
    if (field !== 1 || wireType !== WIRE_LENGTH) return false;
    // ResourceSpans: resource = 1, scope_spans = 2
    const resourceSpans = reader.readBytes();
    const resource: Record<string, unknown> = {};
    const scopeSpans: Uint8Array[] = [];
    forEachField(resourceSpans, (f, w, r) => {
      if (f === 1 && w === WIRE_LENGTH) {
        forEachField(r.readBytes(), (rf, rw, rr) => {
          if (rf === 1 && rw === WIRE_LENGTH) {
            Object.assign(resource, protoKeyValue(rr.readBytes()));
            return true;
          }
          return false;
        });
      } else if (f === 2 && w === WIRE_LENGTH) scopeSpans.push(r.readBytes());
      else return false;
      return true;
    });
    for (const ss of scopeSpans) {
      // ScopeSpans: scope = 1 (InstrumentationScope: name = 1), spans = 2
      let scope = '';
      const rawSpans: Uint8Array[] = [];
      forEachField(ss, (f, w, r) => {
        if (f === 1 && w === WIRE_LENGTH) {
          forEachField(r.readBytes(), (sf, sw, sr) => {
            if (sf === 1 && sw === WIRE_LENGTH) {
              scope = sr.readString();
              return true;
            }
            return false;
          });
        } else if (f === 2 && w === WIRE_LENGTH) rawSpans.push(r.readBytes());
        else return false;
        return true;
      });
      for (const raw of rawSpans) spans.push(protoSpan(raw, resource, scope));
    }
    return true;
  });
  return spans;
}

export function decodeTraceRequest(request: RawRequest): DecodedSpan[] {
  const type = String(request.headers['content-type'] ?? '');
  return type.includes('protobuf') ? decodeProtobufTraceRequest(request.body) : decodeJsonTraceRequest(request.body);
}

export async function startOtlpReceiver(options: ReceiverOptions = {}): Promise<OtlpReceiver> {
  const spans: DecodedSpan[] = [];
  const base = await startServer(
    options,
    (request) => {
      if (request.method === 'POST' && request.path === '/v1/traces') spans.push(...decodeTraceRequest(request));
    },
    (response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    },
  );
  return {
    ...base,
    spans,
    waitForSpans: (count, timeoutMs = 10_000) =>
      waitFor(() => (spans.length >= count ? spans : undefined), timeoutMs, `${count} spans at the OTLP receiver`),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostHog

export interface PostHogEvent {
  event: string;
  distinct_id: string;
  properties: Record<string, unknown>;
  timestamp?: string;
  uuid?: string;
}

export interface PostHogBatch {
  api_key: string;
  batch: PostHogEvent[];
  sent_at?: string;
  /** Whether the body arrived gzip-compressed. */
  gzip: boolean;
}

export interface PostHogReceiver extends Base {
  batches: PostHogBatch[];
  events: PostHogEvent[];
  waitForEvents(count: number, timeoutMs?: number): Promise<PostHogEvent[]>;
}

export async function startPostHogReceiver(options: ReceiverOptions = {}): Promise<PostHogReceiver> {
  const batches: PostHogBatch[] = [];
  const events: PostHogEvent[] = [];
  const base = await startServer(
    options,
    (request) => {
      if (request.method !== 'POST' || !request.path.startsWith('/batch')) return;
      const parsed = JSON.parse(request.body.toString('utf8')) as Omit<PostHogBatch, 'gzip'>;
      batches.push({ ...parsed, gzip: request.headers['content-encoding'] === 'gzip' });
      events.push(...parsed.batch);
    },
    (response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":1}');
    },
  );
  return {
    ...base,
    batches,
    events,
    // 30 s: land loads posthog-node once a core is spare, 4 s after its start at the latest (src/telemetry/mountain.ts).
    waitForEvents: (count, timeoutMs = 30_000) =>
      waitFor(() => (events.length >= count ? events : undefined), timeoutMs, `${count} events at the PostHog receiver`),
  };
}
