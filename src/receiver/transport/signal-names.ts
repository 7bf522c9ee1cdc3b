/** Names shared by the JSON and protobuf answers (kept out of codec.ts so JSON never loads protobufjs). */
import type { Signal } from '../model/types.js';

const REJECTED: Record<Signal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' };

/** The field of a partial success that counts what was rejected. */
export function rejectedField(signal: Signal): string {
  return REJECTED[signal];
}
