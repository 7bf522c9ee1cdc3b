/**
 * The one place the dashboard meets the OTLP receiver's store (issue 13, src/receiver on its branch): children's
 * spans, structured log records and metric points of this boot, in the dashboard's shapes (wire.ts).
 *
 * `fromBootStore(receiver.store)` adapts the receiver's BootStore (src/receiver/store/boot-store.ts: one store per
 * signal, `spans.byTraceIndex`, `logs.newestFirst`, `metrics.series`). The types below name only what the dashboard reads, so
 * this module does not import the receiver: the real BootStore fits them as it is. Until a receiver runs, the
 * dashboard uses NO_RECEIVER: the Traces page shows the recording (land's spans and the recording children's), the
 * Logs page the children's output lines, the Metrics page land's own samples of each tier's CPU and memory.
 */
import type { SummarizedSpan } from '../receiver/store/span-store.js';
import { maskedAttributes, shownName } from '../config/masked-values.js';
import { recordDetail, searchRecords, type NumberedRecords, type RecordPlace } from './log-records.js';
import { histogramQuantile, QUANTILES } from './histogram-quantiles.js';
import type { LogRecordDetail, LogRecordList, LogRecordQuery, MetricSeriesView, SpanView } from './wire.js';

export interface ReceiverSource {
  /** Every span children sent for this boot that the store holds in memory; with `traceId`, that trace's only. */
  spans(traceId?: string): SpanView[];
  /** One span whole, its resource too, while memory holds it. */
  span(traceId: string, spanId: string): SpanView | undefined;
  /** A trace's version in the store: it changes whenever a span of it is stored or evicted, and only then. */
  version(traceId: string): number;
  /** The children's traces in memory by trace id, each trace's spans in arrival order: the store's index, not a copy. */
  traceIndex(): ReadonlyMap<string, readonly SummarizedSpan[]>;
  /** The newest structured log records that match, oldest first, each under its `place` (log-records.ts). */
  logRecords(query: LogRecordQuery, place: RecordPlace): LogRecordList;
  /** One record whole, while memory holds it. */
  logRecord(id: number, place: RecordPlace): LogRecordDetail | undefined;
  /** Recent values of every metric, per tier. */
  metricSeries(): MetricSeriesView[];
}

export const NO_RECEIVER: ReceiverSource = {
  spans: () => [],
  span: () => undefined,
  version: () => 0,
  traceIndex: () => new Map(),
  logRecords: () => ({ held: 0, matched: 0, records: [] }),
  logRecord: () => undefined,
  metricSeries: () => [],
};

type Attributes = Record<string, unknown>;

/** The receiver's StoredSpan, as far as the dashboard reads it. */
interface StoredSpanLike extends SpanView {
  kind?: string;
  resource?: Attributes;
}

interface StoredPointLike {
  timeMs: number;
  value?: number;
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
  description?: string;
}

interface MetricSeriesLike {
  tier: string;
  name: string;
  type: string;
  unit?: string;
  attributes: Attributes;
  points: StoredPointLike[];
}

/** What the dashboard needs of the receiver's BootStore. */
export interface ReceiverStoreLike {
  spans: {
    select(filter: (span: StoredSpanLike) => boolean, limit?: number): StoredSpanLike[];
    /** One trace's spans, from the store's index by trace (not a scan of every span). */
    trace(traceId: string): StoredSpanLike[];
    byTraceIndex(): ReadonlyMap<string, readonly SummarizedSpan[]>;
    version(traceId: string): number;
  };
  logs: NumberedRecords;
  metrics: { series(query?: { tier?: string; name?: string }): MetricSeriesLike[] };
}

/** A point's value for a chart: the value of a gauge or sum, the mean of a histogram or summary. */
function chartValue(point: StoredPointLike): number | undefined {
  if (point.value !== undefined) return point.value;
  return point.sum !== undefined && point.count ? point.sum / point.count : undefined;
}

/**
 * A series' names: alone (`name (mean) {k=v}`), its metric's (`name (mean)`), and its attributes (`k=v, …`), each
 * value masked as a span's attributes are (masked-values.ts): a child may tag a point with its `api_key`. The name
 * is masked as a span's is (shownName: in place, never whole).
 */
function seriesNames(series: MetricSeriesLike): Pick<MetricSeriesView, 'name' | 'metric' | 'labels'> {
  const labels = Object.entries(maskedAttributes(series.attributes)).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const metric = `${shownName(series.name)}${series.type === 'gauge' || series.type === 'sum' ? '' : ' (mean)'}`;
  if (labels.length === 0) return { name: metric, metric };
  return { name: `${metric} {${labels.join(', ')}}`, metric, labels: labels.join(', ') };
}

/** A stored span as the dashboard shows it: its kind among its attributes; its resource only when asked for. */
function spanView({ kind, resource, ...span }: StoredSpanLike, withResource = false): SpanView {
  const view: SpanView = { ...span, attributes: kind ? { 'span.kind': kind, ...span.attributes } : span.attributes };
  if (withResource && resource) view.resource = resource;
  return view;
}

export function fromBootStore(store: ReceiverStoreLike): ReceiverSource {
  return {
    // One trace (the Traces page's waterfall, polled): only its spans are copied, not every span held.
    spans: (traceId) => (traceId === undefined ? store.spans.select(() => true) : store.spans.trace(traceId)).map((span) => spanView(span)),
    span(traceId, spanId) {
      const found = store.spans.trace(traceId).find((span) => span.spanId === spanId);
      return found && spanView(found, true);
    },
    version: (traceId) => store.spans.version(traceId),
    traceIndex: () => store.spans.byTraceIndex(),
    logRecords: (query, place) => searchRecords(store.logs, query, place),
    logRecord: (id, place) => recordDetail(store.logs, id, place),
    metricSeries: () =>
      store.metrics.series().map((series) => {
        const charted = series.points.filter((point) => chartValue(point) !== undefined);
        const view: MetricSeriesView = { tier: series.tier, ...seriesNames(series), unit: series.unit, points: charted.map((point) => [point.timeMs, chartValue(point)!]) };
        const description = series.points.at(-1)?.description;
        if (description) view.description = shownName(description);
        if (charted.some((point) => point.bucketCounts?.length)) {
          view.quantiles = QUANTILES.map(([label, q]) => ({
            label,
            values: charted.map((point) => histogramQuantile(point.explicitBounds ?? [], point.bucketCounts ?? [], q) ?? null),
          }));
        }
        return view;
      }),
  };
}
