/**
 * The dashboard's pages and API, for requests the gateway (server.ts) has already let in (loopback Host, session
 * cookie, same origin for actions). Loaded on the first such request: `land up` never parses it otherwise.
 *
 *   GET  /                         the page (assets.ts); /assets/app.js, /assets/app.css
 *   GET  /api/state                {snapshot, usage, now}
 *   GET  /api/stream               server-sent events: StreamMessage (wire.ts)
 *   GET  /api/tiers/<tier>         TierDetail
 *   GET  /api/logs?since=N&limit=M {next, oldest, lines: WireLine[], revision}: the first M lines numbered ≥ N
 *                                  (catching up); &updatedAfter=R: also `updated`, the lines below N changed after R
 *   GET  /api/logs?before=N&limit=M the same, the last M lines numbered < N (neither: the newest M)
 *   GET  /api/logs/history?before=N&limit=M   NDJSON: the M lines below N as LogPages, newest first (log-history.ts)
 *   GET  /api/log-records?tier=&severity=&q=&attr=k=v&trace=&limit=   LogRecordList: the receiver's records that match
 *                                  (log-records.ts; `tier` and `attr` may repeat)
 *   GET  /api/log-records/<id>     LogRecordDetail: one record whole, attribute values masked
 *   GET  /api/spans?trace=<id>     {traceId, spans: SpanView[]}: the boot's trace id, and that trace's spans (no
 *                                  trace: every span held); with an ETag (trace-version.ts), and 304 to an
 *                                  If-None-Match that has it (the boot's trace too: boot-span.ts)
 *   GET  /api/spans/<span id>?trace=<id>   SpanView: one span whole, its resource too
 *   GET  /api/traces?tier=&name=&minMs=&errors=1&limit=&offset=   {traceId} & TraceList: the other traces
 *                                  (trace-search.ts checks the query, trace-index.ts lists them)
 *   GET  /api/endpoints            EndpointsView: each instance's http endpoints (endpoints.ts)
 *   GET  /api/metrics              {series: MetricSeriesView[]}
 *   GET  /api/telemetry            TelemetryView (?latest=N: the latest N events whole, 200 by default)
 *   POST /api/tiers/<tier>/start|stop|restart   the control layer's command, answered as the control API does
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiFailure, sendError, sendJson, sendThrown, type RequestTarget } from '../control/http-util.js';
import { commandResult, runTierCommand } from '../control/routes.js';
import { Assets } from './assets.js';
import { LiveStream } from './live-stream.js';
import { streamHistory } from './log-history.js';
import { LogRing } from './log-ring.js';
import type { DashboardSources } from './sources.js';
import { withBootSpan } from './boot-span.js';
import { UsageSeries } from './usage-series.js';
import { LATEST_EVENTS, LOG_PAGE_MAX, type LogPage, type TelemetryView } from './wire.js';
import { unknownTiers } from '../logs/selection.js';
import { single, whole } from './params.js';
import { traceParam, traceQuery } from './trace-search.js';
import { recordQuery } from './log-records.js';
import { holdsVersion, traceEtag } from './trace-version.js';

const ACTIONS = new Set(['start', 'stop', 'restart']);

export interface DashboardApp {
  /** `target`: the request's URL and path segments, as the server decoded them. */
  handle(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void;
  close(): void;
}

/**
 * One page of the log ring. At most LOG_PAGE_MAX lines per answer, whatever `limit` says: building and sending the
 * whole ring at once would hold land's event loop (the children's pipes) for as long as it takes.
 */
function logPage(ring: LogRing, params: URLSearchParams): LogPage {
  const since = single(params, 'since');
  const before = single(params, 'before');
  if (since !== null && before !== null) throw new ApiFailure('bad-request', 'since, before: give one of them, not both');
  const limit = Math.min(LOG_PAGE_MAX, whole(single(params, 'limit'), 'limit', LOG_PAGE_MAX, 1));
  const updatedAfter = single(params, 'updatedAfter');
  if (updatedAfter !== null && since === null) throw new ApiFailure('bad-request', 'updatedAfter: only with since');
  const lines = since !== null ? ring.since(whole(since, 'since', 0), limit) : ring.before(whole(before, 'before', ring.next), limit);
  const page: LogPage = { next: ring.next, oldest: ring.oldest, lines, revision: ring.revision };
  if (ring.olderOnDisk.size > 0) page.olderOnDisk = [...ring.olderOnDisk].sort();
  // What a page that reconnects missed of the lines it holds: those that changed in place meanwhile.
  if (updatedAfter !== null) page.updated = ring.updatedSince(whole(updatedAfter, 'updatedAfter', 0), whole(since, 'since', 0));
  return page;
}

export function createDashboardApp(sources: DashboardSources): DashboardApp {
  const { control } = sources;
  const assets = new Assets();
  const ring = new LogRing();
  const stopFollowing = ring.follow(control);
  const usage = new UsageSeries(control);
  const live = new LiveStream(control, ring, usage);

  async function route(req: IncomingMessage, res: ServerResponse, { url, parts }: RequestTarget): Promise<void> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && assets.serve(url.pathname, req.headers['accept-encoding'], res)) return;
    if (parts[0] !== 'api') return sendError(res, 'not-found', `no such page: ${url.pathname}`);
    const key = `${method} /${parts.join('/')}`;
    if (key === 'GET /api/state') return sendJson(res, 200, { snapshot: control.snapshot(), usage: usage.now(), now: Date.now() });
    if (key === 'GET /api/stream') return live.open(res);
    if (key === 'GET /api/logs') return sendJson(res, 200, logPage(ring, url.searchParams));
    if (key === 'GET /api/logs/history') {
      const { searchParams } = url;
      return streamHistory(ring, res, whole(single(searchParams, 'before'), 'before', ring.next), whole(single(searchParams, 'limit'), 'limit', Infinity, 1));
    }
    if (key === 'GET /api/log-records') return sendJson(res, 200, sources.logRecords(recordQuery(url.searchParams)));
    if (parts[1] === 'log-records' && parts.length === 3 && method === 'GET') {
      const id = whole(parts[2]!, 'log record id', 0);
      const record = sources.logRecord(id);
      if (!record) throw new ApiFailure('not-found', `no log record ${id} in memory: the receiver holds the newest ones only`);
      return sendJson(res, 200, record);
    }
    if (key === 'GET /api/spans') {
      const snapshot = control.snapshot();
      const trace = traceParam(url.searchParams);
      // The boot's trace too: its running root is built from its spans (boot-span.ts), so it changes only with them.
      if (trace !== null) {
        const etag = traceEtag(sources.traceVersion(trace));
        res.setHeader('etag', etag);
        res.setHeader('cache-control', 'no-cache');
        if (holdsVersion(req, etag)) return void res.writeHead(304).end();
      }
      // The boot span is drawn into the boot's trace only, so it may be added after the filter.
      return sendJson(res, 200, { traceId: snapshot.traceId, spans: withBootSpan(sources.spans(trace ?? undefined), snapshot) });
    }
    if (parts[1] === 'spans' && parts.length === 3 && method === 'GET') {
      const trace = traceParam(url.searchParams);
      if (trace === null) throw new ApiFailure('bad-request', 'trace: expected the trace id of the span');
      const spanId = parts[2]!;
      if (!/^[0-9a-f]{16}$/.test(spanId)) throw new ApiFailure('bad-request', `span id: expected 16 lowercase hex digits, got "${spanId.slice(0, 60)}"`);
      const span = sources.span(trace, spanId);
      if (!span) throw new ApiFailure('not-found', `no span ${spanId} of trace ${trace} in memory`);
      return sendJson(res, 200, span);
    }
    if (key === 'GET /api/traces') {
      const query = traceQuery(url.searchParams);
      const { traceId, receiver } = control.snapshot();
      const evicted = Object.entries(receiver?.tiers ?? {}).reduce((sum, [tier, counts]) => sum + (query.tier === undefined || query.tier === tier ? (counts.evicted ?? 0) : 0), 0);
      return sendJson(res, 200, { traceId, ...sources.traces(query), ...(evicted > 0 ? { evicted } : {}) });
    }
    if (key === 'GET /api/endpoints') return sendJson(res, 200, sources.endpoints());
    if (key === 'GET /api/metrics') return sendJson(res, 200, { series: [...usage.asMetrics(), ...sources.metricSeries()] });
    if (key === 'GET /api/telemetry') {
      const events = sources.events(whole(single(url.searchParams, 'latest'), 'latest', LATEST_EVENTS));
      const { telemetry, receiver } = control.snapshot();
      return sendJson(res, 200, { pipes: telemetry, ...events, ...(receiver ? { receiver } : {}) } satisfies TelemetryView);
    }
    if (parts[1] === 'tiers' && parts.length === 3 && method === 'GET') {
      const detail = sources.tierDetail(parts[2]!);
      if (!detail) throw new ApiFailure('unknown-tier', unknownTiers([parts[2]!]));
      return sendJson(res, 200, detail);
    }
    if (parts[1] === 'tiers' && parts.length === 4 && method === 'POST' && ACTIONS.has(parts[3]!)) {
      const [, , tier, action] = parts as [string, string, string, 'start' | 'stop' | 'restart'];
      await runTierCommand(control, action, tier);
      return sendJson(res, 200, commandResult(control, tier));
    }
    sendError(res, 'not-found', `no such endpoint: ${method} ${url.pathname}`);
  }

  return {
    handle(req, res, target) {
      req.resume();
      route(req, res, target).catch((error: unknown) => sendThrown(res, error));
    },
    close() {
      stopFollowing();
      live.close();
    },
  };
}
