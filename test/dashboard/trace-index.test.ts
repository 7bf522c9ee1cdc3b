/**
 * The Traces page's list from indexes (trace-index.ts): the receiver's SpanStore index by trace and the recording's
 * spans, merged by span id, the boot's trace left out, filtered, newest first, paged; a trace that grows or gets a
 * new span is summed up again, one that did not is not.
 */
import { describe, expect, it } from 'vitest';
import { TraceIndex } from '../../src/dashboard/trace-index.js';
import type { StoredSpan } from '../../src/receiver/model/types.js';
import { SpanStore } from '../../src/receiver/store/span-store.js';

const BOOT = 'b'.repeat(32);
const id = (n: number, width: number) => n.toString(16).padStart(width, '0');

function span(trace: number, n: number, fields: Partial<StoredSpan> = {}): StoredSpan {
  const start = 1_000 + trace * 100 + n;
  return {
    traceId: trace === 0 ? BOOT : id(trace, 32), spanId: id(trace * 16 + n, 16), name: `op ${trace}.${n}`, kind: 'server', tier: trace % 2 ? 'web' : 'api', service: 's',
    startMs: start, endMs: start + 10, durationMs: 10, status: 'ok', attributes: {}, resource: {}, ...fields,
  };
}

function setup(recorded: StoredSpan[] = []) {
  const store = new SpanStore({ perBoot: 1_000_000, inMemory: 1_000 });
  const recording = { spans: () => recorded, droppedSpans: 0 };
  const index = new TraceIndex(recording, () => store.byTraceIndex());
  return { store, recorded, index };
}

const query = { minMs: 0, errors: false, limit: 200, offset: 0 };

describe('the trace list from indexes', () => {
  it("lists each trace but the boot's, newest first, merging the recording's spans by span id, and pages", () => {
    const { store, recorded, index } = setup([span(0, 1), span(3, 1, { name: 'recorded only' }), span(2, 2, { tier: 'worker' })]);
    store.add([span(0, 0), span(1, 0), span(1, 1), span(2, 0), span(2, 2)]);
    const list = index.list(BOOT, query);
    expect(list).toMatchObject({ held: 3, matched: 3, offset: 0 });
    // Trace 2's span 2 is in both: counted once, the receiver's kept (its tier is api, the recording's copy says worker).
    expect(list.traces.map((t) => [t.root, t.spans, t.tiers])).toEqual([
      ['recorded only', 1, ['web']],
      ['op 2.0', 2, ['api']],
      ['op 1.0', 2, ['web']],
    ]);
    expect(index.list(BOOT, { ...query, limit: 1, offset: 1 }).traces.map((t) => t.root)).toEqual(['op 2.0']);
    expect(index.list(BOOT, { ...query, name: 'recorded' }).traces.map((t) => t.root)).toEqual(['recorded only']);
    expect(index.list(BOOT, { ...query, tier: 'api' }).matched).toBe(1);
    // A new span of the recording and a new trace of the receiver are in the next list.
    recorded.push(span(1, 5, { status: 'error' }));
    store.add([span(4, 0)]);
    const next = index.list(BOOT, { ...query, errors: true });
    expect(next.traces.map((t) => [t.root, t.spans, t.errors])).toEqual([['op 1.0', 3, 1]]);
    expect(index.list(BOOT, query).traces[0]!.root).toBe('op 4.0');
  });

  it('sums a trace up again only when its spans changed, and forgets traces gone from memory', () => {
    // One tier's spans: a tier holds at most `inMemory` (held-items.ts), so these evict as a store of 3 would.
    const oneTier = (trace: number, n: number) => span(trace, n, { tier: 'web' });
    const { store, index } = setup();
    const small = new SpanStore({ perBoot: 1_000, inMemory: 3 });
    const recording = { spans: () => [], droppedSpans: 0 };
    const evicting = new TraceIndex(recording, () => small.byTraceIndex());
    small.add([oneTier(1, 0), oneTier(1, 1), oneTier(2, 0)]);
    const first = evicting.list(BOOT, query).traces;
    expect(evicting.list(BOOT, query).traces[1]).toBe(first[1]); // the same summary object: not summed up again
    small.add([oneTier(3, 0)]); // evicts span 1.0: trace 1 changes
    const after = evicting.list(BOOT, query);
    expect(after.traces.map((t) => [t.root, t.spans])).toEqual([
      ['op 3.0', 1],
      ['op 2.0', 1],
      ['op 1.1', 1],
    ]);
    small.add([oneTier(4, 0), oneTier(5, 0), oneTier(6, 0)]);
    expect(evicting.list(BOOT, query)).toMatchObject({ held: 3, matched: 3 });
    expect(store.byTraceIndex().size).toBe(0);
    expect(index.list(BOOT, query)).toEqual({ held: 0, matched: 0, offset: 0, traces: [] });
  });

  it("reads the recording again whole when its tail dropped spans from the front", () => {
    const recorded = [span(1, 0), span(2, 0)];
    const recording = { spans: () => recorded, droppedSpans: 0 };
    const index = new TraceIndex(recording, () => new Map());
    expect(index.list(BOOT, query).matched).toBe(2);
    recorded.shift();
    recording.droppedSpans = 1;
    expect(index.list(BOOT, query).traces.map((t) => t.root)).toEqual(['op 2.0']);
  });

  it("versions each trace from counters: changed by a span of it stored, evicted or recorded, by nothing else", () => {
    // One tier's spans: a tier holds at most `inMemory` (held-items.ts), so these evict as a store of 3 would.
    const oneTier = (trace: number, n: number) => span(trace, n, { tier: 'web' });
    const small = new SpanStore({ perBoot: 1_000, inMemory: 3 });
    const recorded: StoredSpan[] = [];
    const recording = { spans: () => recorded, droppedSpans: 0 };
    const index = new TraceIndex(recording, () => small.byTraceIndex());
    const version = (trace: number) => `${small.version(id(trace, 32))}.${index.recordedVersion(id(trace, 32))}`;
    expect(version(1)).toBe('0.0');
    small.add([oneTier(1, 0), oneTier(1, 1)]);
    const one = version(1);
    small.add([oneTier(2, 0)]);
    expect(version(1)).toBe(one); // another trace's span
    small.add([oneTier(1, 1)]); // sent again: not kept
    expect(version(1)).toBe(one);
    small.add([oneTier(2, 1)]); // evicts span 1.0
    const evicted = version(1);
    expect(evicted).not.toBe(one);
    recorded.push(oneTier(1, 5));
    const withRecorded = version(1);
    expect(withRecorded).not.toBe(evicted);
    expect(version(1)).toBe(withRecorded);
    small.add([oneTier(3, 0)]); // evicts span 1.1: trace 1 has no span left in the store
    expect(small.version(id(1, 32))).toBe(0);
    // A trace evicted whole and sent again never gets back a version it had.
    small.add([oneTier(1, 7)]);
    expect(small.version(id(1, 32))).toBeGreaterThan(Number(one.split('.')[0]));
  });
});
