/** The dashboard's parts on their own: the log ring, the recording tail, ANSI colours, the running boot span, auth. */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DashboardAuth, MAX_SESSIONS, SESSION_IDLE_MS } from '../../src/dashboard/auth.js';
import { withBootSpan } from '../../src/dashboard/boot-span.js';
import { parseAnsi, stripAnsi } from '../../src/dashboard/client/ansi.js';
import { LogRing } from '../../src/dashboard/log-ring.js';
import { MergedRows } from '../../src/dashboard/client/merged-rows.js';
import { RecordingTail } from '../../src/dashboard/recording-tail.js';
import { fromBootStore, type ReceiverStoreLike } from '../../src/dashboard/receiver-source.js';
import type { SpanView } from '../../src/dashboard/wire.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('LogRing', () => {
  it('numbers every line, answers what came after a number, and keeps at most its capacity', () => {
    const ring = new LogRing(5);
    ring.add('a', 'stdout', ['a1', 'a2'], 1);
    ring.add('b', 'stderr', ['b1'], 2);
    expect(ring.since(0)).toEqual([
      [0, 'a', 0, 1, 'a1'],
      [1, 'a', 0, 1, 'a2'],
      [2, 'b', 1, 2, 'b1'],
    ]);
    expect(ring.since(2)).toEqual([[2, 'b', 1, 2, 'b1']]);
    ring.add('a', 'stdout', ['a3', 'a4', 'a5', 'a6'], 3);
    // Whole blocks go once the rest still holds the capacity: a1, a2 are gone, b1 stays (5 lines).
    expect(ring.oldest).toBe(2);
    expect(ring.since(0).map((line) => line[4])).toEqual(['b1', 'a3', 'a4', 'a5', 'a6']);
    expect(ring.since(ring.next)).toEqual([]);
  });

  it('pages forward from a number and backward from one, one bounded page at a time, deep blocks included', () => {
    const ring = new LogRing(5);
    ring.add('b', 'stderr', ['b1'], 2);
    ring.add('a', 'stdout', ['a3', 'a4', 'a5', 'a6'], 3);
    expect(ring.since(0, 2).map((line) => line[4])).toEqual(['b1', 'a3']);
    expect(ring.since(2, 2).map((line) => line[0])).toEqual([2, 3]);
    expect(ring.before(undefined, 2).map((line) => line[4])).toEqual(['a5', 'a6']);
    expect(ring.before(3, 2).map((line) => line[4])).toEqual(['a3', 'a4']);
    expect(ring.before(1, 2).map((line) => line[4])).toEqual(['b1']);
    expect(ring.before(0, 2)).toEqual([]);
    // Thousands of one-line blocks, most of them dropped: pages still start and end at the numbers asked.
    const big = new LogRing(10_000);
    for (let i = 0; i < 25_000; i += 1) big.add(`t${i % 64}`, 'stdout', [`line ${i}`], i);
    expect(big.oldest).toBe(15_000);
    expect(big.before(big.oldest + 3, 5).map((line) => line[4])).toEqual(['line 15000', 'line 15001', 'line 15002']);
    expect(big.since(20_000, 2).map((line) => line[4])).toEqual(['line 20000', 'line 20001']);
    expect(big.before(undefined, 10_000).length).toBe(10_000);
    expect(big.before(undefined, 10_000)[0]![4]).toBe('line 15000');
  });

  it('forgets the changes in place of lines it has dropped, with no page asking (its memory stays bounded)', () => {
    const ring = new LogRing(5);
    for (let i = 0; i < 1000; i += 1) {
      ring.add('a', 'stdout', [`progress ${i}…`], i, 'first');
      ring.add('a', 'stdout', ['… done'], i, 'last');
    }
    expect(ring.since(0).map((line) => line[4])).toEqual(['progress 995 done', 'progress 996 done', 'progress 997 done', 'progress 998 done', 'progress 999 done']);
    // Asked before any page asks (updatedSince prunes too): the ring holds no more changes than lines.
    expect((ring as unknown as { updates: Map<number, number> }).updates.size).toBeLessThanOrEqual(5);
    expect(ring.updatedSince(0, ring.next).map(([seq]) => seq)).toEqual([995, 996, 997, 998, 999]);
  });

  it("keeps a pipe's whole lines as the one block they came in while another pipe's line is in progress", () => {
    const ring = new LogRing(100);
    ring.add('api', 'stdout', ['Password: …'], 1, 'first');
    const flood = ['db 1', 'db 2', 'db 3'];
    ring.add('db', 'stdout', flood, 2);
    const blocks = (ring as unknown as { blocks: Array<{ lines: readonly string[] }> }).blocks;
    // The fast path: the event's own lines, not a block per line through the joiner.
    expect(blocks.at(-1)!.lines).toBe(flood);
    ring.add('api', 'stdout', ['… and the rest'], 3, 'last');
    expect(ring.since(0).map((line) => line[4])).toEqual(['Password:  and the rest', 'db 1', 'db 2', 'db 3']);
  });

  it("a pipe's whole line ends its open line: a fragment after it is not joined to the stale one", () => {
    const ring = new LogRing(100);
    const texts = () => ring.since(0).map((line) => line[4]);
    ring.add('api', 'stdout', ['Password: …'], 1, 'first');
    ring.add('api', 'stdout', ['next'], 2);
    expect(texts()).toEqual(['Password: ', 'next']);
    ring.add('api', 'stdout', ['…stale'], 3, 'last');
    ring.add('api', 'stdout', ['50% …'], 4, 'first');
    ring.add('api', 'stdout', ['… done'], 5, 'last');
    expect(texts()).toEqual(['Password: ', 'next', '…stale', '50%  done']);
  });
});

describe('MergedRows', () => {
  it('lists matching lines and records in time order (a record before the lines of its time), row by row', () => {
    // Lines numbered 10…19 at times 100, 100, 120, 130, …; the matches are the even ones.
    const timeOf = (seq: number) => (seq <= 11 ? 100 : 100 + (seq - 10) * 10);
    const hits = [10, 12, 14, 16, 18];
    const record = (at: number) => ({ id: at, at, tier: 't', severity: 'INFO', body: `r${at}` });
    const records = [record(50), record(100), record(125), record(140), record(500)];
    const merged = new MergedRows(hits, timeOf, records);
    const rows = Array.from({ length: merged.count }, (_, i) => merged.at(i)).map((row) => ('record' in row ? row.record.body : row.seq));
    expect(rows).toEqual(['r50', 'r100', 10, 12, 'r125', 'r140', 14, 16, 18, 'r500']);
    expect(new MergedRows([], timeOf, records).count).toBe(records.length);
    expect(new MergedRows(hits, timeOf, []).at(3)).toEqual({ seq: 16 });
  });
});

describe('RecordingTail', () => {
  it('reads only what was appended, waits for a line to be whole, and survives a character cut between reads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-tail-'));
    dirs.push(dir);
    const tail = new RecordingTail(dir);
    expect(tail.spans()).toEqual([]);
    const span = (name: string) => JSON.stringify({ name, traceId: 't', spanId: name, tier: 'a', service: 's', startMs: 1, endMs: 2, durationMs: 1, status: 'ok', attributes: {} });
    writeFileSync(join(dir, 'spans.ndjson'), `${span('one')}\n${span('twö').slice(0, 20)}`);
    expect(tail.spans().map((s) => s.name)).toEqual(['one']);
    const rest = Buffer.from(`${span('twö').slice(20)}\n`);
    appendFileSync(join(dir, 'spans.ndjson'), rest);
    appendFileSync(join(dir, 'spans.ndjson'), 'torn{\n');
    expect(tail.spans().map((s) => s.name)).toEqual(['one', 'twö']);
    writeFileSync(join(dir, 'events.ndjson'), `${JSON.stringify({ event: 'land:a:x', distinct_id: 'd', timestamp: new Date(5).toISOString(), properties: { $tier: 'a' } })}\n`);
    expect(tail.events().map((e) => e.event)).toEqual(['land:a:x']);
  });
});

describe('ANSI colours', () => {
  it('turns SGR codes into classes and colours, and drops every other escape', () => {
    expect(parseAnsi('plain')).toEqual([{ text: 'plain', classes: '' }]);
    const segments = parseAnsi('\u001b[1;31mred\u001b[0m then \u001b[38;5;196mX\u001b[39m\u001b[2K done');
    expect(segments.map((s) => [s.text, s.classes, s.color])).toEqual([
      ['red', 'ansi-fg-1 ansi-bold', undefined],
      [' then ', '', undefined],
      ['X', '', 'rgb(255,0,0)'],
      [' done', '', undefined],
    ]);
    expect(stripAnsi('\u001b[32mgreen\u001b[0m \u001b]0;title\u0007ok')).toBe('green ok');
  });
});

describe('the running boot span', () => {
  const snapshot = { app: 'x', profile: 'p', bootId: 'b', traceId: 'trace', startedAt: 100 } as StackSnapshot;
  const spawn: SpanView = { traceId: 'trace', spanId: 's1', parentSpanId: 'boot', name: 'land.spawn a', tier: 'a', service: 'x-mountain', startMs: 110, endMs: 120, durationMs: 10, status: 'ok', attributes: {} };

  it('is drawn from the spawn spans while land.boot is not recorded yet, and left alone once it is', () => {
    const spans = withBootSpan([spawn], snapshot);
    // It ends at the trace's latest span, not at the time of the request: the same answer until a span comes.
    expect(spans[0]).toMatchObject({ name: 'land.boot', spanId: 'boot', traceId: 'trace', startMs: 100, endMs: 120, durationMs: 20, running: true });
    const later = { ...spawn, spanId: 's2', startMs: 130, endMs: 150 };
    expect(withBootSpan([spawn, later], snapshot)[0]).toMatchObject({ endMs: 150, durationMs: 50 });
    const recorded = { ...spawn, spanId: 'boot', parentSpanId: undefined, name: 'land.boot' };
    expect(withBootSpan([recorded, spawn], snapshot)).toEqual([recorded, spawn]);
    expect(withBootSpan([], snapshot)).toEqual([]);
  });
});

describe('DashboardAuth', () => {
  const auth = new DashboardAuth(4321);
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it('lets in loopback Hosts with its port only, and actions from its own origin only', () => {
    expect(auth.hostAllowed(req({ host: '127.0.0.1:4321' }))).toBe(true);
    expect(auth.hostAllowed(req({ host: 'LOCALHOST:4321' }))).toBe(true);
    for (const host of ['127.0.0.1:4322', 'localhost', 'evil.test:4321', '127.0.0.1.evil.test:4321']) expect(auth.hostAllowed(req({ host }))).toBe(false);
    expect(auth.hostAllowed(req({}))).toBe(false);
    expect(auth.sameOrigin(req({ host: '127.0.0.1:4321', origin: 'http://127.0.0.1:4321' }))).toBe(true);
    expect(auth.sameOrigin(req({ host: '127.0.0.1:4321', origin: 'http://localhost:4321' }))).toBe(false);
    expect(auth.sameOrigin(req({ host: '127.0.0.1:4321', origin: 'null' }))).toBe(false);
    expect(auth.sameOrigin(req({ host: '127.0.0.1:4321', 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(auth.sameOrigin(req({ host: '127.0.0.1:4321', 'sec-fetch-site': 'cross-site' }))).toBe(false);
    expect(auth.sameOrigin(req({ host: '127.0.0.1:4321' }))).toBe(false);
  });

  it('gives a session only for the token, and knows it by its cookie', () => {
    expect(auth.login(null)).toBeUndefined();
    expect(auth.login(`${auth.token}x`)).toBeUndefined();
    const session = auth.login(auth.token)!;
    expect(session).not.toContain(auth.token);
    expect(auth.sessionCookie(session)).toBe(`land_dashboard_4321=${session}; HttpOnly; SameSite=Strict; Path=/`);
    expect(auth.hasSession(req({ cookie: `other=1; land_dashboard_4321=${session}` }))).toBe(true);
    expect(auth.hasSession(req({ cookie: `land_dashboard_4321=${session}x` }))).toBe(false);
    expect(auth.hasSession(req({ cookie: `land_dashboard_1234=${session}` }))).toBe(false);
    expect(auth.loginUrl()).toBe(`http://127.0.0.1:4321/login?token=${auth.token}`);
  });

  it('forgets a session idle for SESSION_IDLE_MS, keeps one in use, and never holds more than MAX_SESSIONS', () => {
    let now = 1_000_000;
    const clocked = new DashboardAuth(4321, () => now);
    const cookie = (session: string) => req({ cookie: `land_dashboard_4321=${session}` });
    const idle = clocked.login(clocked.token)!;
    const busy = clocked.login(clocked.token)!;
    now += SESSION_IDLE_MS - 1;
    expect(clocked.hasSession(cookie(busy))).toBe(true);
    now += 1;
    expect(clocked.hasSession(cookie(idle))).toBe(false);
    expect(clocked.hasSession(cookie(busy))).toBe(true);
    for (let n = 0; n < 1000; n++) clocked.login(clocked.token);
    expect(clocked.sessionCount).toBe(MAX_SESSIONS);
    expect(clocked.hasSession(cookie(busy))).toBe(false);
  });
});

describe("the receiver's store, as the dashboard reads it", () => {
  it('maps spans, log records and metric series (gauges as they are, histograms as their mean)', () => {
    const span = { traceId: 't', spanId: 's', name: 'GET /', tier: 'api', service: 'x-api', kind: 'server', startMs: 1, endMs: 3, durationMs: 2, status: 'error' as const, attributes: { a: 1 }, resource: { r: 1 } };
    const asked: string[] = [];
    const record = { tier: 'api', service: 'x-api', timeMs: 5, severityNumber: 13, severityText: 'WARN', body: 'slow', traceId: 't', spanId: 's', attributes: { 'db.password': 'pw-123456' }, resource: { 'service.name': 'x-api' } };
    const store: ReceiverStoreLike = {
      spans: {
        select: (filter) => (asked.push('every span'), [span].filter(filter)),
        trace: (traceId) => (asked.push(`trace ${traceId}`), [span].filter((one) => one.traceId === traceId)),
        byTraceIndex: () => new Map([['t', [span]]]),
        version: (traceId) => (traceId === 't' ? 3 : 0),
      },
      logs: {
        newestFirst: (visit) => void visit(record, 7),
        numbered: (id) => (id === 7 ? record : undefined),
        held: 1,
      },
      metrics: {
        series: () => [
          { tier: 'api', name: 'queue', type: 'gauge', unit: '1', attributes: {}, points: [{ timeMs: 1, value: 4 }] },
          { tier: 'api', name: 'latency', type: 'histogram', unit: 'ms', attributes: { route: '/' }, points: [{ timeMs: 2, count: 4, sum: 10 }, { timeMs: 3, count: 0, sum: 0 }] },
        ],
      },
    };
    const source = fromBootStore(store);
    const view = { traceId: 't', spanId: 's', name: 'GET /', tier: 'api', service: 'x-api', startMs: 1, endMs: 3, durationMs: 2, status: 'error', attributes: { 'span.kind': 'server', a: 1 } };
    expect(source.spans()).toEqual([view]);
    // One trace (the waterfall's poll) through the store's index by trace, not a copy of every span held.
    expect(source.spans('t')).toEqual([view]);
    expect(source.spans('other')).toEqual([]);
    expect(asked).toEqual(['every span', 'trace t', 'trace other']);
    const every = { tiers: [], minSeverity: 0, text: '', attributes: [], limit: 10 };
    // Each record listed where `place` says (the instance that sent it), or not at all.
    const place = (record: { tier: string }) => (record.tier === 'api' ? 'api.2' : undefined);
    expect(source.logRecords(every, place)).toEqual({ held: 1, matched: 1, records: [{ id: 7, at: 5, tier: 'api.2', severity: 'WARN', body: 'slow', traceId: 't', spanId: 's' }] });
    expect(source.logRecords(every, () => undefined)).toEqual({ held: 1, matched: 0, records: [] });
    expect(source.logRecords({ ...every, minSeverity: 17 }, place)).toEqual({ held: 1, matched: 0, records: [] });
    expect(source.logRecord(7, place)).toMatchObject({ id: 7, tier: 'api.2', service: 'x-api', severityNumber: 13, attributes: [['db.password', '•••••• (masked)']], resource: [['service.name', 'x-api']], masked: 1 });
    expect(source.logRecord(8, place)).toBeUndefined();
    expect(source.traceIndex().get('t')).toEqual([span]);
    expect(source.metricSeries()).toEqual([
      { tier: 'api', name: 'queue', metric: 'queue', unit: '1', points: [[1, 4]] },
      { tier: 'api', name: 'latency (mean) {route=/}', metric: 'latency (mean)', labels: 'route=/', unit: 'ms', points: [[2, 2.5]] },
    ]);
    // A trace's version is the store's, read without a span copied.
    expect([source.version('t'), source.version('other')]).toEqual([3, 0]);
    expect(asked).toHaveLength(3);
  });
});
