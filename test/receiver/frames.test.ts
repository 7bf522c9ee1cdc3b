/**
 * Protobuf requests kept as they came (frames): counted from their survey, written as bytes, converted only when the
 * store is read — and the same records, limits, order and files as when every request was converted at once.
 * Bodies are made by the official OpenTelemetry SDK and its protobuf serializer.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { expandFramesWith, ingestRequest } from '../../src/receiver/ingest.js';
import type { Attributes, StoredSpan } from '../../src/receiver/model/types.js';
import { openBootStore, readReceived } from '../../src/receiver/read-back.js';
import { createBootStore, type ReceiverLimits } from '../../src/receiver/store/boot-store.js';
import { RecordFile } from '../../src/receiver/store/record-file.js';
import { createCodec } from '../../src/receiver/transport/codec.js';
import { ALL_PROTOS } from '../../src/receiver/transport/otlp-proto.js';

const codec = createCodec();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One ExportTraceServiceRequest of `names.length` spans of `tier`, as an SDK sends it. */
function spansRequest(tier: string, names: string[]): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'land.tier': tier }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  for (const name of names) provider.getTracer('t').startSpan(name, { attributes: { n: name.length } }).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

function store(spans: { perBoot: number; inMemory: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'land-frames-'));
  dirs.push(dir);
  const small = { perBoot: 100, inMemory: 100 };
  const limits: ReceiverLimits = { spans, logRecords: small, metricPoints: small };
  const boot = createBootStore(dir, limits);
  expandFramesWith(boot, codec);
  const origin = (resource: Attributes) => ({ tier: String(resource['land.tier']), service: `demo-${String(resource['land.tier'])}` });
  const send = (body: Buffer, format: 'protobuf' | 'json' = 'protobuf') => ingestRequest(boot, 'traces', format, body, codec, origin);
  return { dir, boot, send };
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('frames: protobuf requests kept as they came', () => {
  it('are counted at once, converted when read, and only the newest that fit in memory are converted', () => {
    const { dir, boot, send } = store({ perBoot: 1000, inMemory: 10 });
    for (let r = 0; r < 5; r++) expect(send(spansRequest('api', names(`r${r}-`, 4)))).toEqual({ kept: 4, rejected: 0, dropped: 0 });
    expect(boot.spans.counts()).toEqual({ api: { kept: 20, dropped: 0, evicted: 0 } });
    expect(boot.spans.size).toBe(20);
    // Memory holds the newest 10 (whole frames are skipped, then the oldest converted ones evicted).
    expect(boot.spans.ofTier('api').map((span) => span.name)).toEqual([...names('r2-', 4).slice(2), ...names('r3-', 4), ...names('r4-', 4)]);
    expect(boot.spans.ofTier('api')[0]).toMatchObject({ tier: 'api', service: 'demo-api', attributes: { n: 4 } });
    boot.flush();
    // Every span is on disk, in order, and reads back with its origin.
    const reread = readReceived<StoredSpan>(dir, 'traces', codec);
    expect(reread.map((span) => span.name)).toEqual(Array.from({ length: 5 }, (_, r) => names(`r${r}-`, 4)).flat());
    expect(new Set(reread.map((span) => span.tier))).toEqual(new Set(['api']));
    expect(openBootStore(dir, codec).spans.ofTier('api')).toHaveLength(20);
    // Without a decoder, a reader gets the records only (none here).
    expect(readReceived(dir, 'traces')).toEqual([]);
  });

  it('a request that would cross a limit is converted and kept in part, as before', () => {
    const { boot, send } = store({ perBoot: 10, inMemory: 100 });
    expect(send(spansRequest('api', names('a', 4)))).toMatchObject({ kept: 4, dropped: 0 });
    // api's share is half the boot's limit (5): one more fits, three are dropped and counted.
    expect(send(spansRequest('api', names('b', 4)))).toMatchObject({ kept: 1, dropped: 3 });
    expect(send(spansRequest('web', names('c', 4)))).toMatchObject({ kept: 4, dropped: 0 });
    expect(boot.spans.counts()).toEqual({ api: { kept: 5, dropped: 3, evicted: 0 }, web: { kept: 4, dropped: 0, evicted: 0 } });
    expect(boot.spans.ofTier('api').map((span) => span.name)).toEqual([...names('a', 4), 'b0']);
  });

  it('keep arrival order with records that came another way, and are converted at once while someone subscribes', () => {
    const { boot, send } = store({ perBoot: 1000, inMemory: 100 });
    send(spansRequest('api', ['first']));
    const json = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'second', startTimeUnixNano: '1700000000000000000' }] }] }] };
    send(Buffer.from(JSON.stringify(json)), 'json');
    send(spansRequest('api', ['third']));
    expect(boot.spans.ofTier('api').map((span) => span.name)).toEqual(['first', 'second', 'third']);
    const seen: string[] = [];
    const stop = boot.spans.subscribe((batch) => seen.push(...batch.map((span) => span.name)));
    send(spansRequest('api', ['live']));
    expect(seen).toEqual(['live']);
    stop();
  });

  it('a request with a span that cannot be kept is converted whole, so the answer says which', () => {
    const { boot, send } = store({ perBoot: 1000, inMemory: 100 });
    const good = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), name: 'good', startTimeUnixNano: '1700000000000000000' };
    const bad = { ...good, spanId: 'ab', name: 'bad' };
    const json = { resourceSpans: [{ resource: { attributes: [{ key: 'land.tier', value: { stringValue: 'api' } }] }, scopeSpans: [{ spans: [good, bad] }] }] };
    // The same request as protobuf (ids as bytes).
    expect(send(spansRequestFromJson(json))).toMatchObject({ kept: 1, rejected: 1, reason: expect.stringContaining('"bad"') });
    expect(boot.spans.ofTier('api').map((span) => span.name)).toEqual(['good']);
  });
});

/** An OTLP/JSON traces request encoded as protobuf with protobufjs (ids from hex). */
function spansRequestFromJson(json: { resourceSpans: Array<{ resource: unknown; scopeSpans: Array<{ spans: Array<Record<string, string>> }> }> }): Buffer {
  const shaped = {
    resourceSpans: json.resourceSpans.map((group) => ({
      resource: group.resource,
      scopeSpans: group.scopeSpans.map((scoped) => ({
        spans: scoped.spans.map((span) => ({ ...span, traceId: Buffer.from(span.traceId!, 'hex'), spanId: Buffer.from(span.spanId!, 'hex') })),
      })),
    })),
  };
  return Buffer.from(encodeTraces(shaped));
}

function encodeTraces(request: object): Uint8Array {
  const root = new protobuf.Root();
  for (const text of ALL_PROTOS) protobuf.parse(text, root, { keepCase: false });
  const type = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  return type.encode(type.fromObject(request)).finish();
}

describe('a record file that cannot be written', () => {
  it('latches off with the reason and counts every record and frame item it could not write', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-frames-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'receiver'), 'a file where the folder should be');
    const file = new RecordFile(join(dir, 'receiver', 'spans.records'));
    file.append([{ a: 1 }, { a: 2 }]);
    file.appendFrame({ body: spansRequest('api', ['x', 'y', 'z']), origins: [{ tier: 'api', service: 'demo-api' }], items: 3, receivedMs: 1 });
    file.flushSync();
    expect(file.failure).toMatch(/cannot write .*spans\.records/);
    expect({ written: file.written, lost: file.lost }).toEqual({ written: 0, lost: 5 });
    file.append([{ a: 3 }]);
    expect(file.lost).toBe(6);
  });
});

describe('a record file closed while a write is under way', () => {
  it('drain waits for that write, then appends what came after it, in arrival order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-frames-'));
    dirs.push(dir);
    const path = join(dir, 'receiver', 'spans.records');
    const file = new RecordFile(path);
    // Past the write-at-once size: the write starts now and is in flight (open, writev, close on the thread pool).
    const big = 'x'.repeat(300 * 1024);
    file.append([{ n: 1, big }]);
    file.append([{ n: 2 }]);
    await file.drain();
    // Read at once after drain (as land exits right after): both records there, the first one first.
    const records = readFileSync(path, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { n: number }).n);
    expect(records).toEqual([1, 2]);
    expect({ written: file.written, lost: file.lost }).toEqual({ written: 2, lost: 0 });
  });
});
