/**
 * Finding a trace (the Traces page's list): the query's parameters, checked. The list itself is trace-index.ts's:
 * the traces of this boot held in memory other than the boot's own, filtered by tier, span name, least duration and
 * errors, newest first, `limit` of them after the newest `offset` (paging).
 */
import { ApiFailure } from '../control/http-util.js';
import { flag, text, single, whole } from './params.js';
import { TRACE_LIST_MAX, type TraceQuery } from './wire.js';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** `/api/traces?tier=&name=&minMs=&errors=&limit=&offset=`, checked (absent: no filter; limit: TRACE_LIST_MAX at most). */
export function traceQuery(params: URLSearchParams): TraceQuery {
  const tier = text(single(params, 'tier'), 'tier', 200);
  const name = text(single(params, 'name'), 'name', 200).trim().toLowerCase();
  return {
    ...(tier ? { tier } : {}),
    ...(name ? { name } : {}),
    minMs: whole(single(params, 'minMs'), 'minMs', 0),
    errors: flag(single(params, 'errors'), 'errors'),
    limit: Math.min(TRACE_LIST_MAX, whole(single(params, 'limit'), 'limit', TRACE_LIST_MAX, 1)),
    offset: whole(single(params, 'offset'), 'offset', 0),
  };
}

/** `/api/spans?trace=<id>`: a trace id as OTLP gives it (32 lowercase hex digits), or null for every span. */
export function traceParam(params: URLSearchParams): string | null {
  const trace = single(params, 'trace');
  if (trace !== null && !TRACE_ID.test(trace)) throw new ApiFailure('bad-request', `trace: expected a trace id of 32 lowercase hex digits, got "${trace.slice(0, 60)}"`);
  return trace;
}
