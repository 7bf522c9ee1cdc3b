/**
 * Finding a trace (the Traces page's list): the traces of this boot held in memory other than the boot's own, each
 * summed up by the receiver's own `summarize` (as `land trace` sums them), filtered by tier, span name, least
 * duration and errors, newest first, at most `limit`. The spans are the dashboard's (the recording's and the
 * receiver's, which holds the newest of a boot in memory: its `inMemory` limit bounds the work of one search).
 */
import { ApiFailure } from '../control/http-util.js';
import { summarize, type SummarizedSpan } from '../receiver/store/span-store.js';
import { flag, text, whole } from './params.js';
import { TRACE_LIST_MAX, type TraceList, type TraceQuery } from './wire.js';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** `/api/traces?tier=&name=&minMs=&errors=&limit=`, checked (absent: no filter; limit: TRACE_LIST_MAX at most). */
export function traceQuery(params: URLSearchParams): TraceQuery {
  const tier = text(params.get('tier'), 'tier', 200);
  const name = text(params.get('name'), 'name', 200).trim().toLowerCase();
  return {
    ...(tier ? { tier } : {}),
    ...(name ? { name } : {}),
    minMs: whole(params.get('minMs'), 'minMs', 0),
    errors: flag(params.get('errors'), 'errors'),
    limit: Math.min(TRACE_LIST_MAX, whole(params.get('limit'), 'limit', TRACE_LIST_MAX, 1)),
  };
}

/** `/api/spans?trace=<id>`: a trace id as OTLP gives it (32 lowercase hex digits), or null for every span. */
export function traceParam(params: URLSearchParams): string | null {
  const trace = params.get('trace');
  if (trace !== null && !TRACE_ID.test(trace)) throw new ApiFailure('bad-request', `trace: expected a trace id of 32 lowercase hex digits, got "${trace.slice(0, 60)}"`);
  return trace;
}

export function findTraces(spans: readonly (SummarizedSpan & { traceId: string })[], bootTraceId: string, query: TraceQuery): TraceList {
  const byTrace = new Map<string, (SummarizedSpan & { traceId: string })[]>();
  for (const span of spans) {
    if (span.traceId === bootTraceId) continue;
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const matched = [];
  for (const [traceId, list] of byTrace) {
    if (query.name && !list.some((span) => span.name.toLowerCase().includes(query.name!))) continue;
    const summary = summarize(traceId, list);
    if (query.tier !== undefined && !summary.tiers.includes(query.tier)) continue;
    if (summary.durationMs < query.minMs || (query.errors && summary.errors === 0)) continue;
    matched.push(summary);
  }
  matched.sort((a, b) => b.startMs - a.startMs);
  return { held: byTrace.size, matched: matched.length, traces: matched.slice(0, query.limit) };
}
