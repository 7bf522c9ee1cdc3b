// The lists the Traces and Logs pages poll every 2 s while open, built as before the fifteenth wave and as now.
// Traces (`/api/traces`): every span the dashboard holds copied by `sources.spans()`, then grouped and summed up per
// poll, against trace-index.ts (the receiver's index by trace, summaries kept until a trace changes); 10 000 spans
// in the receiver's store (its in-memory bound) in 2 000 traces; on a store that does not change between polls and
// on one that gets a new trace before each. Records (`/api/log-records`): every record in memory (10 000, five
// attributes each) in the page's shape, against the newest 2 000 that match (log-records.ts); time and JSON bytes.
// Medians of interleaved rounds. Run after `npm run build`: `node bench/dashboard-lists.mjs [rounds]`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fromBootStore } from '../dist/src/dashboard/receiver-source.js';
import { stackSources } from '../dist/src/dashboard/sources.js';
import { createBootStore } from '../dist/src/receiver/store/boot-store.js';
import { recordQuery, searchRecords } from '../dist/src/dashboard/log-records.js';
import { summarize } from '../dist/src/receiver/store/span-store.js';

const rounds = Number(process.argv[2] ?? 200);
const BOOT = 'b'.repeat(32);
const hex = (n, width) => n.toString(16).padStart(width, '0');

/** The list as app.ts built it before: group every (copied) span by trace, sum each up, filter, sort. */
function findTracesBefore(spans, bootTraceId, query) {
  const byTrace = new Map();
  for (const span of spans) {
    if (span.traceId === bootTraceId) continue;
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const matched = [];
  for (const [traceId, list] of byTrace) {
    const summary = summarize(traceId, list);
    if (summary.durationMs < query.minMs || (query.errors && summary.errors === 0)) continue;
    matched.push(summary);
  }
  matched.sort((a, b) => b.startMs - a.startMs);
  return { held: byTrace.size, matched: matched.length, traces: matched.slice(0, query.limit) };
}

let traces = 0;
function addTrace(store) {
  const traceId = hex(++traces, 32);
  const start = 1_700_000_000_000 + traces * 10;
  const spans = Array.from({ length: 5 }, (_, i) => ({
    traceId, spanId: hex(traces * 8 + i, 16), ...(i > 0 ? { parentSpanId: hex(traces * 8, 16) } : {}), name: `GET /route/${i}`, kind: 'server',
    tier: `t${traces % 8}`, service: `app-t${traces % 8}`, startMs: start + i, endMs: start + 5 + i, durationMs: 5, status: i === 4 && traces % 10 === 0 ? 'error' : 'ok',
    attributes: { 'http.route': `/route/${i}`, 'http.status_code': 200, 'net.peer.ip': '127.0.0.1' }, resource: { 'service.name': `app-t${traces % 8}` },
  }));
  store.spans.add(spans);
}

const store = createBootStore(undefined, { spans: { perBoot: 1e9, inMemory: 10_000 }, logRecords: { perBoot: 1e9, inMemory: 10_000 }, metricPoints: { perBoot: 10, inMemory: 10 } });
for (let i = 0; i < 2_000; i += 1) addTrace(store);
const dir = mkdtempSync(join(tmpdir(), 'land-trace-list-'));
const control = { snapshot: () => ({ traceId: BOOT, tiers: [] }), subscribe: () => () => {} };
const sources = stackSources({ control, plan: { tiers: {} }, recordDir: dir, receiver: fromBootStore(store), childEnv: () => ({}) });
const query = { minMs: 0, errors: false, limit: 200, offset: 0 };

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
function measure(changing) {
  const before = [];
  const after = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const [list, run] of [
      [before, () => findTracesBefore(sources.spans(), BOOT, query)],
      [after, () => sources.traces(query)],
    ]) {
      if (changing) addTrace(store);
      const start = performance.now();
      const answer = run();
      list.push(performance.now() - start);
      if (answer.traces.length !== 200) throw new Error('the two lists differ');
    }
  }
  return { before: median(before), after: median(after) };
}

const { held, matched, traces: listed } = sources.traces(query);
const same = JSON.stringify(findTracesBefore(sources.spans(), BOOT, query)) === JSON.stringify({ held, matched, traces: listed });
const idle = measure(false);
const growing = measure(true);
rmSync(dir, { recursive: true, force: true });

// Records: the receiver's store full (10 000 in memory), five attributes each.
store.logs.add(
  Array.from({ length: 10_000 }, (_, i) => ({
    tier: `t${i % 8}`, service: 's', timeMs: 1_700_000_000_000 + i, severityNumber: 9, severityText: 'INFO', body: `request ${i} served in ${i % 97} ms`,
    attributes: { 'http.route': '/orders', 'http.status_code': 200, 'user.id': i % 500, 'request.id': `r-${i}`, 'net.peer.ip': '127.0.0.1' }, resource: { 'service.name': 's' },
  })),
);
const recordsBefore = () => JSON.stringify(store.logs.query({ limit: 20_000 }).map((r) => ({ at: r.timeMs, tier: r.tier, severity: r.severityText, body: r.body, traceId: r.traceId, spanId: r.spanId, attributes: r.attributes })));
const recordsAfter = () => JSON.stringify(searchRecords(store.logs, recordQuery(new URLSearchParams()), (record) => record.tier));
const records = { before: [], after: [] };
for (let round = 0; round < rounds; round += 1) {
  for (const [list, run] of [[records.before, recordsBefore], [records.after, recordsAfter]]) {
    const start = performance.now();
    run();
    list.push(performance.now() - start);
  }
}
const ms = (value) => `${value.toFixed(3)} ms`;
console.log(`trace list, 10 000 spans in 2 000 traces, ${rounds} interleaved rounds (the same answer both ways: ${same})`);
console.log(`  unchanged store: before ${ms(idle.before)}, after ${ms(idle.after)} median per poll`);
console.log(`  a new trace per poll: before ${ms(growing.before)}, after ${ms(growing.after)} median per poll`);
console.log(`log records, 10 000 in memory, no filter: before ${ms(median(records.before))} and ${recordsBefore().length} bytes, after ${ms(median(records.after))} and ${recordsAfter().length} bytes per poll`);
