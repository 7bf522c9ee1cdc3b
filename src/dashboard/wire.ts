/**
 * What the dashboard's server sends its page (JSON shapes only: the browser bundle imports these types too). Spans,
 * log records and metric series have the shapes the page draws; sources.ts fills them from the recording, the
 * supervisor and (receiver-source.ts) the OTLP receiver's store.
 */
import type { TraceSummary } from '../receiver/store/span-store.js';
import type { ReceiverStatus, StackSnapshot, TelemetryStatus } from '../supervisor/types.js';

export type { TraceSummary };

/** One output line: [sequence number, tier, 0 stdout | 1 stderr, epoch ms, text]. */
export type WireLine = [number, string, 0 | 1, number, string];

/**
 * A line held already whose text changed: [sequence number, the ring's revision of that change, text]. A line shown
 * while its child was quiet mid-line (`Password: …`) gets the rest of it in place (src/logs/fragment-join.ts).
 */
export type LineUpdate = [number, number, string];

/** An answer of `/api/logs`: lines numbered [oldest, next) are held; `lines` is one page of them, oldest first. */
export interface LogPage {
  next: number;
  oldest: number;
  lines: WireLine[];
  /** The ring's revision (the number of the last change in place) when this page was read. */
  revision?: number;
  /** With `since` and `updatedAfter=R`: the lines below `since` changed after revision R. */
  updated?: LineUpdate[];
  /** Tiers whose older lines are in their log files only (`land logs <tier>`, .land/logs/<boot id>/<tier>.log). */
  olderOnDisk?: string[];
}

/** The most lines one `/api/logs` answer carries (the page's history arrives in pages of this size). */
export const LOG_PAGE_MAX = 5_000;

export interface SpanEventView {
  name: string;
  timeMs: number;
  attributes?: Record<string, unknown>;
}

export interface SpanView {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  tier: string;
  service: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Record<string, unknown>;
  events?: SpanEventView[];
  /**
   * Drawn from what is known while it runs (the boot span is recorded only when the stack stops): its `endMs` is the
   * trace's latest span's end; the page draws it on to its own clock.
   */
  running?: boolean;
  /**
   * The boot's root the page drew running, once the stack has stopped without a shutdown (land SIGKILLed, crashed):
   * land.boot is never recorded, as `land trace` draws it (client/stopped-root.ts). Set by the page, not the server.
   */
  cutShort?: boolean;
  /** The resource it came from (service.name, host, SDK …): in `/api/spans/<span id>` only, not in a trace's list. */
  resource?: Record<string, unknown>;
}

/** A structured log record a child sent over OTLP, as the Logs page lists it (its detail: LogRecordDetail). */
export interface LogRecordView {
  /** Its number in the receiver's store: `/api/log-records/<id>` answers its detail while memory holds it. */
  id: number;
  at: number;
  /** The instance it is listed under: a replica's (`web.2`) by its `service.instance.id`, else its tier's. */
  tier: string;
  /** TRACE, DEBUG, INFO, WARN, ERROR, FATAL (OTLP severity text, or derived from its number). */
  severity: string;
  body: string;
  traceId?: string;
  spanId?: string;
}

/** `/api/log-records/<id>`: everything of one record, attribute values that may be secret masked. */
export interface LogRecordDetail extends LogRecordView {
  service: string;
  /** 1–24 (0: unspecified). */
  severityNumber: number;
  /** When it happened by the sender's clock (`at` is its arrival, by land's). */
  sentAt: number;
  observedAt?: number;
  eventName?: string;
  scope?: string;
  attributes: Array<[string, string]>;
  resource: Array<[string, string]>;
  /** How many values were masked. */
  masked: number;
}

/** What `/api/log-records` filters by (log-records.ts): every part must hold. */
export interface LogRecordQuery {
  /** Any of these instances (`web.2`), or tiers with replicas (all of them); none: every tier. */
  tiers: string[];
  /** At least this severity number (1 TRACE, 5 DEBUG, 9 INFO, 13 WARN, 17 ERROR, 21 FATAL; 0: any). */
  minSeverity: number;
  /** Lowercase text the body holds. */
  text: string;
  /** `key=value` pairs each of which the record's attributes (or its resource's) hold. */
  attributes: Array<[string, string]>;
  /** Records of this trace only (a span's `Logs of this trace`). */
  traceId?: string;
  limit: number;
}

/** The most records one `/api/log-records` answer carries (the newest that match). */
export const LOG_RECORDS_MAX = 2_000;

/** An answer of `/api/log-records`: the newest `limit` matching records, oldest first, and how many matched. */
export interface LogRecordList {
  /** Records the receiver holds in memory. */
  held: number;
  matched: number;
  records: LogRecordView[];
}

export interface MetricSeriesView {
  tier: string;
  /** The series' name as shown alone: its metric's name, and its attributes (`{route=/a, code=200}`). */
  name: string;
  /** The metric's name, the same for each of its series (one per set of attributes): a chart groups them. */
  metric?: string;
  /** Its attributes as `key=value, …` (none: absent): the series' name in its metric's chart. */
  labels?: string;
  unit?: string;
  /** [epoch ms, value], oldest first. */
  points: Array<[number, number]>;
  /** What the metric measures, as its sender described it. */
  description?: string;
  /** A histogram's percentiles (P50, P90, P99) at each of `points`' times, from its bucket counts; `points`: the mean. */
  quantiles?: Array<{ label: string; values: Array<number | null> }>;
}

export interface TierDetail {
  name: string;
  tier: string;
  /** A replica (`web.2`): the configured tier whose config it shares, and its number. */
  replicaOf?: string;
  replica?: number;
  description?: string;
  /** Its arguments, masked; a shell tier's: its one line as written (land runs it with `/bin/sh -c`). */
  command: string[];
  shell: boolean;
  cwd: string;
  ready: string;
  liveness?: string;
  restart: string;
  stop: string;
  /** `limits.memory`, said as the liveness, restart and stop policies are. */
  limits?: string;
  /** `daemon: true`: what that means for its life (its pid is the daemon's once its launcher has exited 0). */
  daemon?: string;
  dependsOn: Record<string, string>;
  /** The environment land gives the tier's process, sorted, secret values masked. */
  env: Array<[string, string]>;
  masked: number;
}

/** What `/api/traces` filters by: a tier the trace passes through, text in a span's name (lowercase), least duration. */
export interface TraceQuery {
  tier?: string;
  name?: string;
  minMs: number;
  errors: boolean;
  limit: number;
  /** Traces skipped from the newest (paging). */
  offset: number;
}

/** The most traces one `/api/traces` answer lists. */
export const TRACE_LIST_MAX = 200;

/** An answer of `/api/traces`: the matching traces newest first (at most the query's limit), and how many there were. */
export interface TraceList {
  /** Traces held in memory, the boot's own left out. */
  held: number;
  matched: number;
  /** The query's offset: traces[0] is the (offset + 1)-th newest match. */
  offset: number;
  traces: TraceSummary[];
  /**
   * Spans (of the tier asked for, else of every tier) the receiver let go from memory to make room: their traces are
   * not listed (`/api/traces` adds it; the boot's record file still holds them, which `land trace` reads).
   */
  evicted?: number;
}

/** Where a tier answers HTTP, as far as its config says (an http probe's origin): see endpoints.ts. */
export interface Endpoint {
  /** `scheme://host:port/`: no userinfo, path or query, so nothing secret. */
  url: string;
  /** Which probe names it and what it asks there, masked as messages are (`ready probe: GET /health`). */
  via: string;
}

/** `/api/endpoints`: per instance, its http endpoints and its PORT when it has one. */
export type EndpointsView = Record<string, { endpoints: Endpoint[]; port?: number }>;

export interface TierUsage {
  cpu: number;
  memory: number;
}

export interface RecordedEventView {
  event: string;
  tier: string;
  at: number;
  properties: Record<string, unknown>;
}

/** The boot's recorded events as `/api/telemetry` sends them: counted by name, the latest few whole. */
export interface RecordedEvents {
  /** Events recorded (and held: see dropped). */
  total: number;
  /** How many of each event name. */
  counts: Record<string, number>;
  /** The latest `?latest=` (200 by default), oldest first. */
  events: RecordedEventView[];
  /** Entries of the recording left out beyond the dashboard's bound. */
  dropped: number;
}

/** The latest events `/api/telemetry` sends unless asked for more (`?latest=`). */
export const LATEST_EVENTS = 200;

export interface TelemetryView extends RecordedEvents {
  pipes: TelemetryStatus;
  /** The OTLP receiver's counters (requests answered, items kept, dropped, unreadable), when land runs one. */
  receiver?: ReceiverStatus;
}

/** Messages of the page's live stream (`/api/stream`, server-sent events, one JSON object per message). */
export type StreamMessage =
  | { kind: 'snapshot'; snapshot: StackSnapshot; usage: Record<string, TierUsage>; now: number }
  | { kind: 'logs'; lines: WireLine[]; updated?: LineUpdate[]; revision: number; olderOnDisk?: string[] };

export { SECRET_MASK } from '../config/masked-values.js';
