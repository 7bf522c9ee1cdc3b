/**
 * The one place the dashboard meets the OTLP receiver's store (issue 13): children's spans, structured log records
 * and metric points of this boot, in the dashboard's shapes (wire.ts). Until the receiver is wired in, the dashboard
 * runs on NO_RECEIVER: the Traces page shows the recording (land's spans and the recording children's), the Logs
 * page the children's output lines, the Metrics page land's own samples of each tier's CPU and memory.
 *
 * Wiring it: implement ReceiverSource over the receiver's per-signal stores (map each span to SpanView — tier from
 * the resource's `land.tier`, times in epoch ms, status ok/error/unset —, each log record to LogRecordView, each
 * metric's data points to one MetricSeriesView per tier and metric name) and pass it as `receiver` to
 * startDashboard (src/cli/dashboard-start.ts). Nothing else in the dashboard changes.
 */
import type { LogRecordView, MetricSeriesView, SpanView } from './wire.js';

export interface ReceiverSource {
  /** Every span children sent for this boot (any trace). */
  spans(): SpanView[];
  /** Structured log records, oldest first. */
  logRecords(): LogRecordView[];
  /** Recent values of every metric, per tier. */
  metricSeries(): MetricSeriesView[];
}

export const NO_RECEIVER: ReceiverSource = {
  spans: () => [],
  logRecords: () => [],
  metricSeries: () => [],
};
