/**
 * The Logs page's structured records (OTLP log records children send), filtered where they live: the receiver's
 * store (a record listed under the instance that sent it, as `land logs` lists it: `RecordPlace`), whose memory holds the newest `inMemory` of them (10 000). `/api/log-records?tier=&tier=&severity=&q=&attr=
 * key=value&trace=&limit=` walks them newest first without copying one (it counts every match) and builds the list shape
 * of the newest `limit` matches only (≤ LOG_RECORDS_MAX), so one request copies at most that many whatever the store
 * holds. `/api/log-records/<id>` is one record whole: body, attributes and resource attributes masked (masked-values.ts).
 */
import { ApiFailure } from '../control/http-util.js';
import { maskedBody, maskedPairs, shownValue } from '../config/masked-values.js';
import { text, single, whole } from './params.js';
import { traceParam } from './trace-search.js';
import { LOG_RECORDS_MAX, type LogRecordDetail, type LogRecordList, type LogRecordQuery, type LogRecordView } from './wire.js';

/** Severity names, lowest first; each covers four numbers of OTLP's 1–24. */
export const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

/** How many values a repeated parameter (`tier`, `attr`) may have. */
const MAX_VALUES = 32;

/** The receiver's StoredLogRecord, as far as the dashboard reads it. */
export interface StoredLogLike {
  tier: string;
  service: string;
  timeMs: number;
  observedMs?: number;
  receivedMs?: number;
  severityNumber: number;
  severityText: string;
  body: string;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  scope?: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** What the search reads of the receiver's log store (SignalStore: numbered items, newest first). */
export interface NumberedRecords {
  newestFirst(visit: (record: StoredLogLike, id: number) => boolean | void): void;
  numbered(id: number): StoredLogLike | undefined;
  readonly held: number;
}

function values(params: URLSearchParams, name: string, max: number): string[] {
  const all = params.getAll(name);
  if (all.length > MAX_VALUES) throw new ApiFailure('bad-request', `${name}: expected at most ${MAX_VALUES} values, got ${all.length}`);
  return all.map((value) => text(value, name, max));
}

function attributePair(pair: string): [string, string] {
  const eq = pair.indexOf('=');
  if (eq <= 0 || pair.slice(0, eq).trim() === '') throw new ApiFailure('bad-request', `attr: expected key=value, got "${pair.slice(0, 60)}"`);
  return [pair.slice(0, eq).trim(), pair.slice(eq + 1)];
}

/** `/api/log-records?…`, checked: a bad parameter is a 400 naming it and what was expected. */
export function recordQuery(params: URLSearchParams): LogRecordQuery {
  const severity = single(params, 'severity') ?? '';
  const rank = SEVERITIES.indexOf(severity.toUpperCase() as (typeof SEVERITIES)[number]);
  if (severity !== '' && rank < 0) throw new ApiFailure('bad-request', `severity: expected one of ${SEVERITIES.join(', ')}, got "${severity.slice(0, 60)}"`);
  const trace = traceParam(params);
  return {
    tiers: values(params, 'tier', 200).filter((tier) => tier !== ''),
    minSeverity: rank < 0 ? 0 : rank * 4 + 1,
    text: text(single(params, 'q'), 'q', 200).trim().toLowerCase(),
    attributes: values(params, 'attr', 400).map(attributePair),
    ...(trace !== null ? { traceId: trace } : {}),
    limit: Math.min(LOG_RECORDS_MAX, whole(single(params, 'limit'), 'limit', LOG_RECORDS_MAX, 1)),
  };
}

/** A record's severity number; a sender that gave only a name (`WARN`) gets its range's first (0: none known). */
function severityOf(record: StoredLogLike): number {
  if (record.severityNumber > 0) return record.severityNumber;
  const rank = SEVERITIES.indexOf(record.severityText.toUpperCase() as (typeof SEVERITIES)[number]);
  return rank < 0 ? 0 : rank * 4 + 1;
}

const valueText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

// A search matches what the page shows, never what it masks: else a query could confirm a secret it cannot see.
function holds(record: StoredLogLike, key: string, value: string): boolean {
  if (Object.hasOwn(record.attributes, key)) return shownValue(key, valueText(record.attributes[key])) === value;
  return Object.hasOwn(record.resource, key) && shownValue(key, valueText(record.resource[key])) === value;
}

/** The raw body first (cheap, most records fail it), then the body as shown. */
const bodyHolds = (body: string, text: string) => body.toLowerCase().includes(text) && maskedBody(body).toLowerCase().includes(text);

/**
 * The instance a record is listed under (`web.2`, told by its `service.instance.id`), or undefined when the query's
 * tiers leave it out: the rule `land logs` follows (control/record-lines.ts `recordPlaces`), made per request from
 * the stack's snapshot.
 */
export type RecordPlace = (record: StoredLogLike) => string | undefined;

/** Whether a record holds the query's parts besides its tiers (which `RecordPlace` decides). */
export function recordMatcher(query: LogRecordQuery): (record: StoredLogLike) => boolean {
  return (record) =>
    (query.traceId === undefined || record.traceId === query.traceId) &&
    (query.minSeverity === 0 || severityOf(record) >= query.minSeverity) &&
    (query.text === '' || bodyHolds(record.body, query.text)) &&
    query.attributes.every(([key, value]) => holds(record, key, value));
}

function listed(record: StoredLogLike, id: number, tier: string): LogRecordView {
  // Listed and ordered by arrival, as `land logs` does: a sender's clock may be hours off (its time is in the detail).
  const view: LogRecordView = { id, at: record.receivedMs ?? record.timeMs, tier, severity: record.severityText, body: maskedBody(record.body) };
  if (record.traceId) view.traceId = record.traceId;
  if (record.spanId) view.spanId = record.spanId;
  return view;
}

export function searchRecords(store: NumberedRecords, query: LogRecordQuery, place: RecordPlace): LogRecordList {
  const matches = recordMatcher(query);
  const records: LogRecordView[] = [];
  let matched = 0;
  store.newestFirst((record, id) => {
    const tier = place(record);
    if (tier === undefined || !matches(record)) return;
    matched += 1;
    if (records.length < query.limit) records.push(listed(record, id, tier));
  });
  return { held: store.held, matched, records: records.reverse() };
}

/** One record whole, for its detail: the body as the list shows it, attribute values masked; under its owner (`place`). */
export function recordDetail(store: NumberedRecords, id: number, place: RecordPlace): LogRecordDetail | undefined {
  const record = store.numbered(id);
  if (!record) return undefined;
  const attributes = maskedPairs(Object.entries(record.attributes).map(([key, value]): [string, string] => [key, valueText(value)]));
  const resource = maskedPairs(Object.entries(record.resource).map(([key, value]): [string, string] => [key, valueText(value)]));
  return {
    ...listed(record, id, place(record) ?? record.tier),
    service: record.service,
    severityNumber: record.severityNumber,
    sentAt: record.timeMs,
    ...(record.observedMs !== undefined ? { observedAt: record.observedMs } : {}),
    ...(record.eventName ? { eventName: record.eventName } : {}),
    ...(record.scope ? { scope: record.scope } : {}),
    attributes: attributes.pairs,
    resource: resource.pairs,
    masked: attributes.masked + resource.masked,
  };
}
