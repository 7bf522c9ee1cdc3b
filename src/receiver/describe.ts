/** The receiver in one short line, for `land status`, the UI header and the end of a boot. */
import type { ReceiverStatus } from '../supervisor/types.js';

export interface ReceiverTotals {
  spans: number;
  logRecords: number;
  metricPoints: number;
  dropped: number;
}

export function receiverTotals(status: ReceiverStatus): ReceiverTotals {
  const totals = { spans: 0, logRecords: 0, metricPoints: 0, dropped: 0 };
  for (const counts of Object.values(status.tiers)) {
    totals.spans += counts.spans;
    totals.logRecords += counts.logRecords;
    totals.metricPoints += counts.metricPoints;
    totals.dropped += counts.dropped;
  }
  return totals;
}

/** `receiver on http://127.0.0.1:4711 · 12 spans, 3 log records, 0 metric points · forward off` */
export function describeReceiver(status: ReceiverStatus): string {
  if (status.state !== 'on') return `receiver ${status.state}${status.reason ? ` (${status.reason})` : ''}`;
  const totals = receiverTotals(status);
  // What did not become spans, records or points: dropped at the door, and bodies that could not be decoded.
  const notCounted = (totals.dropped > 0 ? `, ${totals.dropped} dropped` : '') + (status.unreadable ? `, ${status.unreadable} unreadable` : '');
  const forward = status.forward.state === 'off' ? 'forward off' : `forward ${status.forward.state} (${status.forward.sent} sent, ${status.forward.dropped} dropped)`;
  return `receiver on ${status.endpoint} · ${totals.spans} spans, ${totals.logRecords} log records, ${totals.metricPoints} metric points${notCounted} · ${forward}`;
}
