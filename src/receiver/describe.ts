/** The receiver in one short line, for `land status`, the UI header and the end of a boot. */
import type { ReceiverStatus } from '../supervisor/types.js';

export interface ReceiverTotals {
  spans: number;
  logRecords: number;
  metricPoints: number;
  dropped: number;
  /** Kept, then let go from memory to make room (on disk still). */
  evicted: number;
}

export function receiverTotals(status: ReceiverStatus): ReceiverTotals {
  const totals = { spans: 0, logRecords: 0, metricPoints: 0, dropped: 0, evicted: 0 };
  for (const counts of Object.values(status.tiers)) {
    totals.spans += counts.spans;
    totals.logRecords += counts.logRecords;
    totals.metricPoints += counts.metricPoints;
    totals.dropped += counts.dropped;
    totals.evicted += counts.evicted ?? 0;
  }
  return totals;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * What the receiver kept of each tier, one line a tier (indented under the receiver's line), its counts in columns
 * that line up: `  api           301 spans   12 records   40 points   3 dropped`. `order`: the tiers shown first, in
 * their order (the status table's); the others (mountain, unattributed) after them by name.
 */
export function receiverTierLines(status: ReceiverStatus, order: readonly string[] = []): string[] {
  if (status.state !== 'on') return [];
  const rank = (tier: string) => (order.includes(tier) ? order.indexOf(tier) : order.length);
  const tiers = Object.keys(status.tiers).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const cells = tiers.map((tier) => {
    const counts = status.tiers[tier]!;
    const lost = [counts.dropped > 0 ? `${counts.dropped} dropped` : '', counts.evicted ? `${counts.evicted} evicted` : ''].filter(Boolean).join(', ');
    return [tier, plural(counts.spans, 'span'), plural(counts.logRecords, 'record'), plural(counts.metricPoints, 'point'), lost];
  });
  const widths = [0, 1, 2, 3].map((column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : column < 4 ? cell.padStart(widths[column]!) : cell)).join('  ')}`.trimEnd());
}

/** `receiver on http://127.0.0.1:4711 · 12 spans, 3 log records, 0 metric points · forward off` */
export function describeReceiver(status: ReceiverStatus): string {
  if (status.state !== 'on') return `receiver ${status.state}${status.reason ? ` (${status.reason})` : ''}`;
  const totals = receiverTotals(status);
  // What did not become spans, records or points: dropped at the door, and bodies that could not be decoded.
  const notCounted =
    (totals.dropped > 0 ? `, ${totals.dropped} dropped` : '') +
    (status.unreadable ? `, ${status.unreadable} unreadable` : '') +
    // Kept, then let go from memory to make room: not in the dashboard any more, still in the boot's record file.
    (totals.evicted > 0 ? `, ${totals.evicted} evicted from memory` : '');
  const forward = status.forward.state === 'off' ? 'forward off' : `forward ${status.forward.state} (${status.forward.sent} sent, ${status.forward.dropped} dropped)`;
  return `receiver on ${status.endpoint} · ${plural(totals.spans, 'span')}, ${plural(totals.logRecords, 'log record')}, ${plural(totals.metricPoints, 'metric point')}${notCounted} · ${forward}`;
}
