/**
 * What the receiver holds in memory is bounded whatever children send, and shared fairly: a tier that floods (spans,
 * log records, protobuf requests waiting to be converted, items of 8 KiB values) pushes out its own oldest, never a
 * quiet tier's trace or records; one tier's trace as large as a tier's share is held whole; what was let go is
 * counted per tier (`evicted` in status) and is still on disk.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { expandFramesWith, ingestRequest } from '../../src/receiver/ingest.js';
import type { Attributes, StoredSpan } from '../../src/receiver/model/types.js';
import { openBootStore, readReceived } from '../../src/receiver/read-back.js';
import { tierCounts } from '../../src/receiver/store-counts.js';
import { createBootStore, type ReceiverLimits } from '../../src/receiver/store/boot-store.js';
import type { StoreLimits } from '../../src/receiver/store/signal-store.js';
import { createCodec } from '../../src/receiver/transport/codec.js';

const codec = createCodec();
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function store(memory: Omit<StoreLimits, 'perBoot'>) {
  const dir = mkdtempSync(join(tmpdir(), 'land-memory-bound-'));
  dirs.push(dir);
  const limit = { perBoot: 1_000_000, perTier: 1_000_000, ...memory };
  const limits: ReceiverLimits = { spans: limit, logRecords: limit, metricPoints: limit };
  const boot = createBootStore(dir, limits);
  expandFramesWith(boot, codec);
  const origin = (resource: Attributes) => ({ tier: String(resource['land.tier']), service: `demo-${String(resource['land.tier'])}` });
  const send = (signal: 'traces' | 'logs', body: Buffer, format: 'protobuf' | 'json' = 'json') => ingestRequest(boot, signal, format, body, codec, origin);
  return { dir, boot, send };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
let nextSpan = 1;

/** An OTLP/JSON traces request: `n` spans of one trace of `tier`, each with an attribute `pad` of `padBytes`. */
function jsonSpans(tier: string, trace: number, n: number, padBytes = 0): Buffer {
  const traceId = hex(trace, 32);
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId,
    spanId: hex(nextSpan++, 16),
    name: `${tier} op ${i}`,
    startTimeUnixNano: String(BigInt(Date.now() + i) * 1_000_000n),
    endTimeUnixNano: String(BigInt(Date.now() + i + 1) * 1_000_000n),
    attributes: padBytes > 0 ? [{ key: 'pad', value: { stringValue: 'x'.repeat(padBytes) } }] : [],
  }));
  const resource = { attributes: [{ key: 'land.tier', value: { stringValue: tier } }] };
  return Buffer.from(JSON.stringify({ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }));
}

function jsonLogs(tier: string, bodies: string[]): Buffer {
  const resource = { attributes: [{ key: 'land.tier', value: { stringValue: tier } }] };
  const logRecords = bodies.map((body) => ({ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), severityNumber: 9, body: { stringValue: body } }));
  return Buffer.from(JSON.stringify({ resourceLogs: [{ resource, scopeLogs: [{ logRecords }] }] }));
}

function protobufSpans(tier: string, n: number): Buffer {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'land.tier': tier }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  for (let i = 0; i < n; i++) provider.getTracer('t').startSpan(`${tier} ${i}`).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
}

describe("the receiver's memory", () => {
  it("a chatty tier's flood pushes out its own oldest spans, never a quiet tier's trace; what went is counted and on disk", async () => {
    const { dir, boot, send } = store({ inMemory: 200 });
    send('traces', jsonSpans('quiet', 1, 5));
    for (let r = 0; r < 100; r++) send('traces', jsonSpans('chatty', 1000 + r, 20));
    expect(boot.spans.held).toBeLessThanOrEqual(400);
    expect(boot.spans.trace(hex(1, 32)).map((span) => span.name)).toEqual(Array.from({ length: 5 }, (_, i) => `quiet op ${i}`));
    const chatty = boot.spans.ofTier('chatty');
    // Its share, its newest: the last ten traces whole.
    expect(chatty).toHaveLength(200);
    expect(new Set(chatty.map((span) => span.traceId))).toEqual(new Set(Array.from({ length: 10 }, (_, r) => hex(1090 + r, 32))));
    expect(boot.spans.traces().map((trace) => trace.traceId)).toContain(hex(1, 32));
    expect(boot.spans.counts()).toEqual({ quiet: { kept: 5, dropped: 0, evicted: 0 }, chatty: { kept: 2000, dropped: 0, evicted: 1800 } });
    expect(tierCounts(boot).chatty).toEqual({ spans: 2000, logRecords: 0, metricPoints: 0, dropped: 0, evicted: 1800 });
    expect(tierCounts(boot).quiet).toEqual({ spans: 5, logRecords: 0, metricPoints: 0, dropped: 0 });
    await boot.drain();
    expect(readReceived<StoredSpan>(dir, 'traces')).toHaveLength(2005);
    expect(openBootStore(dir).spans.ofTier('chatty')).toHaveLength(2000);
  });

  it("one tier's trace as large as its share is held whole, beside the other tiers' traces; all tiers hold twice a share", () => {
    const { boot, send } = store({ inMemory: 1000 });
    for (let t = 0; t < 5; t++) send('traces', jsonSpans(`small${t}`, 10 + t, 20));
    for (let r = 0; r < 5; r++) send('traces', jsonSpans('big', 99, 200));
    expect(boot.spans.trace(hex(99, 32))).toHaveLength(1000);
    for (let t = 0; t < 5; t++) expect(boot.spans.trace(hex(10 + t, 32))).toHaveLength(20);
    // Its next trace pushes out its own oldest spans only.
    send('traces', jsonSpans('big', 100, 900));
    expect(boot.spans.trace(hex(100, 32))).toHaveLength(900);
    expect(boot.spans.trace(hex(99, 32))).toHaveLength(100);
    for (let t = 0; t < 5; t++) expect(boot.spans.trace(hex(10 + t, 32))).toHaveLength(20);
    // Past all tiers' bound (twice a share), the tier holding the most goes first: the small ones stay.
    send('traces', jsonSpans('large', 101, 950));
    expect(boot.spans.held).toBe(2000);
    for (let t = 0; t < 5; t++) expect(boot.spans.trace(hex(10 + t, 32))).toHaveLength(20);
    expect(boot.spans.ofTier('big').length + boot.spans.ofTier('large').length).toBe(1900);
  });

  it('items of 8 KiB values are bounded by bytes, the quiet tier kept', () => {
    const budget = 256 * 1024;
    const { boot, send } = store({ inMemory: 10_000, inMemoryBytes: budget });
    const quiet = jsonSpans('quiet', 1, 3);
    send('traces', quiet);
    const request = jsonSpans('chatty', 2, 10, 8 * 1024);
    send('traces', request);
    for (let r = 0; r < 200; r++) send('traces', jsonSpans('chatty', 3 + r, 10, 8 * 1024));
    // Each chatty span came as more than 8 KiB: the budget holds ~30 of the 2 010.
    const heldChatty = boot.spans.ofTier('chatty').length;
    expect(heldChatty * (request.length / 10) + quiet.length).toBeLessThanOrEqual(budget + request.length);
    expect(heldChatty).toBeGreaterThan(0);
    expect(boot.spans.ofTier('quiet')).toHaveLength(3);
    expect(boot.spans.counts().chatty!.evicted).toBe(2010 - heldChatty);
  });

  it('protobuf requests waiting to be converted are bounded the same way, a quiet tier\'s kept', () => {
    const { boot, send } = store({ inMemory: 100 });
    expect(send('traces', protobufSpans('quiet', 4), 'protobuf')).toMatchObject({ kept: 4 });
    for (let r = 0; r < 60; r++) expect(send('traces', protobufSpans('chatty', 10), 'protobuf')).toMatchObject({ kept: 10 });
    expect(boot.spans.ofTier('quiet').map((span) => span.name)).toEqual(['quiet 0', 'quiet 1', 'quiet 2', 'quiet 3']);
    expect(boot.spans.ofTier('chatty')).toHaveLength(100);
    expect(boot.spans.held).toBe(104);
    expect(boot.spans.counts().chatty).toEqual({ kept: 600, dropped: 0, evicted: 500 });
  });

  it("log records: a chatty tier's flood leaves a quiet tier's records", () => {
    const { boot, send } = store({ inMemory: 50 });
    send('logs', jsonLogs('quiet', ['started', 'listening']));
    for (let r = 0; r < 40; r++) send('logs', jsonLogs('chatty', Array.from({ length: 10 }, (_, i) => `line ${r}.${i}`)));
    expect(boot.logs.query({ tier: 'quiet' }).map((record) => record.body)).toEqual(['started', 'listening']);
    expect(boot.logs.query({ tier: 'chatty' })).toHaveLength(50);
    expect(boot.logs.query({ tier: 'chatty' }).at(-1)!.body).toBe('line 39.9');
    expect(boot.logs.counts().chatty!.evicted).toBe(350);
  });
});
