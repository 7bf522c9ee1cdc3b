/** Log records: by tier, with filters (severity, trace, text, time). */
import type { StoredLogRecord } from '../model/types.js';
import { SignalStore } from './signal-store.js';

export interface LogQuery {
  tier?: string;
  /** At least this severity number (9 INFO, 13 WARN, 17 ERROR). */
  minSeverity?: number;
  traceId?: string;
  /** Case-insensitive substring of the body. */
  text?: string;
  /** Records that arrived at or after this time (epoch ms, land's clock). */
  sinceMs?: number;
  /** The newest `limit` matches (oldest first). */
  limit?: number;
  /** Records that pass this too (`land logs web.2`: the replica's own, by its `service.instance.id`). */
  accept?: (record: StoredLogRecord) => boolean;
}

/** When a record arrived, by land's clock (a record of a boot recorded before that was kept: its own time). */
export const arrivalMs = (record: Pick<StoredLogRecord, 'timeMs' | 'receivedMs'>): number => record.receivedMs ?? record.timeMs;

export function matchesLog(query: LogQuery): (record: StoredLogRecord) => boolean {
  const needle = query.text?.toLowerCase();
  return (record) =>
    (query.tier === undefined || record.tier === query.tier) &&
    (query.minSeverity === undefined || record.severityNumber >= query.minSeverity) &&
    (query.traceId === undefined || record.traceId === query.traceId) &&
    (query.sinceMs === undefined || arrivalMs(record) >= query.sinceMs) &&
    (needle === undefined || record.body.toLowerCase().includes(needle)) &&
    (query.accept === undefined || query.accept(record));
}

export class LogStore extends SignalStore<StoredLogRecord> {
  query(query: LogQuery = {}): StoredLogRecord[] {
    return this.select(matchesLog(query), query.limit);
  }
}
