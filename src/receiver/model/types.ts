/**
 * What the receiver keeps: spans, log records and metric points, each already attributed to a tier. These are the
 * records of the store (in memory and, one JSON object per line, on disk); ids are lowercase hex, times are epoch
 * milliseconds (sub-millisecond precise), attribute values plain JSON.
 */

export type Signal = 'traces' | 'logs' | 'metrics';
export const SIGNALS: readonly Signal[] = ['traces', 'logs', 'metrics'];

export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/** Who sent an item, as far as land can tell. */
export interface Origin {
  /** The tier it is attributed to (`land.tier`, else `service.name` `<app>-<tier>`, else the sending process). */
  tier: string;
  /** `service.name` of the resource (or the tier's `<app>-<tier>` when the sender gave none). */
  service: string;
}

export type SpanStatus = 'ok' | 'error' | 'unset';

export interface StoredSpan extends Origin {
  traceId: string;
  spanId: string;
  /** Absent for a root. */
  parentSpanId?: string;
  name: string;
  /** internal | server | client | producer | consumer | unspecified */
  kind: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  status: SpanStatus;
  statusMessage?: string;
  attributes: Attributes;
  events?: Array<{ name: string; timeMs: number; attributes: Attributes }>;
  resource: Attributes;
  scope?: string;
}

export interface StoredLogRecord extends Origin {
  /** When it happened, by the sender's clock (its observed time when it gave none, else its arrival). */
  timeMs: number;
  /** When the sender's SDK saw it, by the sender's clock. */
  observedMs?: number;
  /**
   * When land received it, by land's clock: what places, stamps (`-t`), filters (`--since`) and counts (`-n`) a record
   * among the tiers' lines, since a sender's clock may be off by hours. Absent in a boot recorded before it was kept.
   */
  receivedMs?: number;
  /** 1–24 (TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24); 0 unspecified. */
  severityNumber: number;
  /** As sent, else the name of severityNumber's range (INFO, WARN, …). */
  severityText: string;
  /** A string body as is; a structured one as JSON text. */
  body: string;
  attributes: Attributes;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  resource: Attributes;
  scope?: string;
}

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

export interface StoredMetricPoint extends Origin {
  name: string;
  type: MetricType;
  unit?: string;
  description?: string;
  timeMs: number;
  startMs?: number;
  /** gauge and sum: the value; histograms and summaries: none (see count/sum). */
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  /** histogram: counts per bucket and the buckets' upper bounds. */
  bucketCounts?: number[];
  explicitBounds?: number[];
  /** summary: [quantile, value] pairs. */
  quantiles?: Array<[number, number]>;
  /** sum: monotonic counter or not; sum and histograms: delta or cumulative. */
  monotonic?: boolean;
  temporality?: 'delta' | 'cumulative';
  attributes: Attributes;
  resource: Attributes;
  scope?: string;
}

/** Severity names by range, as the OpenTelemetry log data model defines them. */
export function severityName(severityNumber: number): string {
  if (severityNumber <= 0) return 'UNSPECIFIED';
  const names = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  return names[Math.min(names.length - 1, Math.floor((severityNumber - 1) / 4))]!;
}
