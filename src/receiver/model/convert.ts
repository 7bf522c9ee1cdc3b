/**
 * Decoded OTLP export requests (protobufjs messages or OTLP/JSON, same field names: see values.ts) → the store's records. An item
 * that cannot be kept (a span without valid ids, say) is rejected and counted, and the rest of the batch goes on:
 * that count and the first reason become the answer's `partial_success`.
 */
import type { Attributes, MetricType, Origin, Signal, StoredLogRecord, StoredMetricPoint, StoredSpan } from './types.js';
import { severityName } from './types.js';
import { kindNumber, severityNumberOf } from './json-aliases.js';
import { bodyText, cut, given, hexId, idState, int64, isObject, keyValues, list, nanosBetweenMs, nanosToMs, oneofMember, text, type Raw } from './values.js';

/** The tier (and service) of a resource's items. */
export type OriginOf = (resource: Attributes, group: number) => Origin;

export interface Converted<T> {
  items: T[];
  rejected: number;
  /** Why the first rejected item was rejected. */
  reason?: string;
  /** The tier of the first rejected item's resource: its drops are counted there. */
  rejectedTier?: string;
  /** What was kept but read in part (attributes not as a list, say): the answer's errorMessage with 0 rejected. */
  warning?: string;
}

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

class Batch<T> implements Converted<T> {
  items: T[] = [];
  rejected = 0;
  reason?: string;
  rejectedTier?: string;
  warning?: string;
  reject(reason: string, tier?: string): void {
    this.rejected += 1;
    this.reason ??= reason;
    this.rejectedTier ??= tier;
  }
  /** An item's `attributes` sent as a plain object, not OTLP's list of {key, value}: kept without them, and said. */
  checkAttributes(what: string, attributes: unknown): void {
    if (this.warning === undefined && isObject(attributes)) this.warning = `${what}: attributes: expected a list of {key, value}, got an object: left out`;
  }
}

type Visit = (resource: Attributes, scope: string | undefined, item: Raw | undefined, group: number) => void;

/** The objects in `value[key]` (a request's resource groups, a group's scopes). */
function itemsOf(value: unknown, key: string): Raw[] {
  if (!isObject(value)) return [];
  const items = value[key];
  return Array.isArray(items) ? items.filter(isObject) : [];
}

/** Where each signal's items sit in an export request: resource groups → scopes → items. */
export const PATHS: Record<Signal, readonly [string, string, string]> = {
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

/**
 * Every (resource, scope, item) of a request of `signal`, with the index of its resource group (the conversion and
 * the survey count groups alike). A callback, not a generator: a generator's tuple per item was a measurable share
 * of the receiver's allocations.
 */
export function walkRequest(request: unknown, signal: Signal, visit: Visit): void {
  const [resourceKey, scopeKey, itemKey] = PATHS[signal];
  itemsOf(request, resourceKey).forEach((group, index) => {
    const resource = keyValues(isObject(group.resource) ? group.resource.attributes : undefined);
    for (const scoped of itemsOf(group, scopeKey)) {
      const scope = isObject(scoped.scope) ? text(scoped.scope.name) : undefined;
      for (const item of list(scoped[itemKey])) visit(resource, scope, isObject(item) ? item : undefined, index);
    }
  });
}

// What can be kept: the conversion below and the survey (transport/wire-survey.ts, on the protobuf bytes) decide by these same rules.

/** A span needs a trace id, a span id, a well-formed parent id (or none) and a start time. */
export function spanKeepable(span: Raw): boolean {
  return idState(span.traceId, 16) === 'ok' && idState(span.spanId, 8) === 'ok' && idState(span.parentSpanId, 8) !== 'bad' && nanosToMs(span.startTimeUnixNano) !== undefined;
}

/** A log record's trace context, when it has one, must be well-formed. */
export function logKeepable(record: Raw): boolean {
  return idState(record.traceId, 16) !== 'bad' && idState(record.spanId, 8) !== 'bad';
}

const METRIC_TYPES: MetricType[] = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'];

/** A metric needs a name and one kind of data; undefined when it lacks either. */
export function metricType(metric: Raw): MetricType | undefined {
  return text(metric.name) ? METRIC_TYPES.find((candidate) => isObject(metric[candidate])) : undefined;
}

function statusCode(status: unknown): StoredSpan['status'] {
  if (!isObject(status)) return 'unset';
  const code = typeof status.code === 'number' ? status.code : status.code === 'STATUS_CODE_ERROR' ? 2 : status.code === 'STATUS_CODE_OK' ? 1 : 0;
  return code === 2 ? 'error' : code === 1 ? 'ok' : 'unset';
}

const SPAN_IDS: Array<[string, 8 | 16, boolean]> = [['traceId', 16, true], ['spanId', 8, true], ['parentSpanId', 8, false]];
const RECORD_IDS: Array<[string, 8 | 16, boolean]> = [['traceId', 16, false], ['spanId', 8, false]];

/** Which id is wrong and how (`fields`: name, bytes, required): OTLP/JSON ids are hex, where proto3's JSON has base64. */
function idProblem(item: Raw, fields: Array<[string, 8 | 16, boolean]>): string {
  for (const [field, bytes, required] of fields) {
    const state = idState(item[field], bytes);
    if (state === 'ok' || (state === 'none' && !required)) continue;
    const value = item[field];
    if (state === 'none') return `${field}: expected ${bytes * 2} hex digits, got none`;
    const got = typeof value === 'string' ? `${value.length} characters${/[^0-9a-fA-F]/.test(value) ? ' (not hex: OTLP/JSON ids are hex, not base64)' : ''}` : given(value);
    return `${field}: expected ${bytes * 2} hex digits, got ${got}`;
  }
  return 'malformed ids';
}

// Records are built field by field, never by spreading optional parts: V8 made each conditional spread cost
// tens of microseconds (a tenth of the receiver's whole time per span in the bench).

export function toSpans(request: unknown, originOf: OriginOf): Converted<StoredSpan> {
  const batch = new Batch<StoredSpan>();
  const origins: Origin[] = [];
  const tierAt = (resource: Attributes, group: number) => (origins[group] ??= originOf(resource, group)).tier;
  walkRequest(request, 'traces', (resource, scope, span, group) => {
    if (!span) {
      batch.reject('a span that is not an object', tierAt(resource, group));
      return;
    }
    // OTLP/JSON can give any type here (protobuf always a string): String({}) would name it "[object Object]".
    const name = span.name ?? '';
    if (typeof name !== 'string') {
      batch.reject(`a span's name: expected a string, got ${given(name)}`, tierAt(resource, group));
      return;
    }
    const traceId = hexId(span.traceId, 16);
    const spanId = hexId(span.spanId, 8);
    const parentSpanId = hexId(span.parentSpanId, 8);
    if (!traceId || !spanId || parentSpanId === null) {
      batch.reject(`span ${JSON.stringify(cut(name, 60))}: ${idProblem(span, SPAN_IDS)}`, tierAt(resource, group));
      return;
    }
    const startMs = nanosToMs(span.startTimeUnixNano);
    const endMs = nanosToMs(span.endTimeUnixNano) ?? startMs;
    if (startMs === undefined || endMs === undefined) {
      batch.reject(`span ${spanId}: expected startTimeUnixNano`, tierAt(resource, group));
      return;
    }
    const origin = (origins[group] ??= originOf(resource, group));
    const events = list(span.events)
      .filter(isObject)
      .map((event) => ({ name: cut(text(event.name) ?? '', 256), timeMs: nanosToMs(event.timeUnixNano) ?? startMs, attributes: keyValues(event.attributes) }));
    const kind = kindNumber(span.kind);
    batch.checkAttributes(`span ${spanId}`, span.attributes);
    const item: StoredSpan = {
      tier: origin.tier,
      service: origin.service,
      traceId,
      spanId,
      name: cut(name, 512),
      kind: SPAN_KINDS[kind] ?? 'unspecified',
      startMs,
      endMs,
      durationMs: Math.max(0, nanosBetweenMs(span.startTimeUnixNano, span.endTimeUnixNano) ?? endMs - startMs),
      status: statusCode(span.status),
      attributes: keyValues(span.attributes),
      resource,
    };
    if (parentSpanId) item.parentSpanId = parentSpanId;
    const message = isObject(span.status) ? text(span.status.message) : undefined;
    if (message) item.statusMessage = cut(message, 1024);
    if (events.length > 0) item.events = events.slice(0, 128);
    if (scope) item.scope = scope;
    batch.items.push(item);
  });
  return batch;
}

export function toLogRecords(request: unknown, originOf: OriginOf, now = Date.now()): Converted<StoredLogRecord> {
  const batch = new Batch<StoredLogRecord>();
  const origins: Origin[] = [];
  const tierAt = (resource: Attributes, group: number) => (origins[group] ??= originOf(resource, group)).tier;
  walkRequest(request, 'logs', (resource, scope, record, group) => {
    if (!record) {
      batch.reject('a log record that is not an object', tierAt(resource, group));
      return;
    }
    const traceId = hexId(record.traceId, 16);
    const spanId = hexId(record.spanId, 8);
    if (traceId === null || spanId === null) {
      batch.reject(`a log record: ${idProblem(record, RECORD_IDS)}`, tierAt(resource, group));
      return;
    }
    const origin = (origins[group] ??= originOf(resource, group));
    const observedMs = nanosToMs(record.observedTimeUnixNano);
    const severityNumber = severityNumberOf(record.severityNumber);
    batch.checkAttributes('a log record', record.attributes);
    if (typeof record.body === 'string') batch.warning ??= 'a log record: body: expected an AnyValue ({"stringValue": "…"}), got a string: left out';
    const eventName = text(record.eventName);
    const item: StoredLogRecord = {
      tier: origin.tier,
      service: origin.service,
      timeMs: nanosToMs(record.timeUnixNano) ?? observedMs ?? now,
      receivedMs: now,
      severityNumber,
      severityText: cut(text(record.severityText) ?? severityName(severityNumber), 32),
      body: bodyText(record.body),
      attributes: keyValues(record.attributes),
      resource,
    };
    if (observedMs !== undefined) item.observedMs = observedMs;
    if (traceId) item.traceId = traceId;
    if (spanId) item.spanId = spanId;
    if (eventName) item.eventName = cut(eventName, 256);
    if (scope) item.scope = scope;
    batch.items.push(item);
  });
  return batch;
}

function numberValue(point: Raw): number | undefined {
  const member = oneofMember(point, 'value', ['asDouble', 'asInt']);
  if (member === 'asDouble') return typeof point.asDouble === 'number' ? point.asDouble : Number(point.asDouble);
  return member === 'asInt' ? int64(point.asInt) : undefined;
}

function optionalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** The value fields of one data point of a metric of `type`, set on `item`. */
function setPointFields(item: StoredMetricPoint, type: MetricType, point: Raw): void {
  if (type === 'gauge' || type === 'sum') {
    const value = numberValue(point);
    if (value !== undefined) item.value = value;
    return;
  }
  item.count = int64(point.count) ?? 0;
  for (const key of ['sum', 'min', 'max'] as const) {
    const value = optionalNumber(point[key]);
    if (value !== undefined) item[key] = value;
  }
  if (type === 'histogram') {
    item.bucketCounts = list(point.bucketCounts).map((n) => int64(n) ?? 0).slice(0, 256);
    item.explicitBounds = list(point.explicitBounds).map(Number).slice(0, 256);
  }
  if (type === 'summary') {
    item.quantiles = list(point.quantileValues)
      .filter(isObject)
      .map((q) => [Number(q.quantile ?? 0), Number(q.value ?? 0)] as [number, number])
      .slice(0, 64);
  }
}

function temporalityOf(value: unknown): StoredMetricPoint['temporality'] {
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return 'delta';
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return 'cumulative';
  return undefined;
}

export function toMetricPoints(request: unknown, originOf: OriginOf, now = Date.now()): Converted<StoredMetricPoint> {
  const batch = new Batch<StoredMetricPoint>();
  const origins: Origin[] = [];
  const tierAt = (resource: Attributes, group: number) => (origins[group] ??= originOf(resource, group)).tier;
  walkRequest(request, 'metrics', (resource, scope, metric, group) => {
    const name = metric ? text(metric.name) : undefined;
    const type = metric ? metricType(metric) : undefined;
    if (!metric || !name || !type) {
      batch.reject(`metric ${JSON.stringify(name ?? '')}: expected a name and one of ${METRIC_TYPES.join(', ')}`, tierAt(resource, group));
      return;
    }
    const origin = (origins[group] ??= originOf(resource, group));
    const data = metric[type] as Raw;
    const unit = text(metric.unit);
    const description = text(metric.description);
    const temporality = temporalityOf(data.aggregationTemporality);
    for (const point of list(data.dataPoints)) {
      if (!isObject(point)) {
        batch.reject(`metric ${name}: a data point that is not an object`, tierAt(resource, group));
        continue;
      }
      const startMs = nanosToMs(point.startTimeUnixNano);
      const item: StoredMetricPoint = {
        tier: origin.tier,
        service: origin.service,
        name: cut(name, 256),
        type,
        timeMs: nanosToMs(point.timeUnixNano) ?? now,
        attributes: keyValues(point.attributes),
        resource,
      };
      if (unit) item.unit = cut(unit, 64);
      if (description) item.description = cut(description, 512);
      if (startMs !== undefined) item.startMs = startMs;
      setPointFields(item, type, point);
      if ((type === 'gauge' || type === 'sum') && item.value === undefined) batch.warning ??= `metric ${name}: a data point without asInt or asDouble: kept without a value`;
      batch.checkAttributes(`metric ${name}`, point.attributes);
      if (type === 'sum') item.monotonic = data.isMonotonic === true;
      if (temporality) item.temporality = temporality;
      if (scope) item.scope = scope;
      batch.items.push(item);
    }
  });
  return batch;
}
