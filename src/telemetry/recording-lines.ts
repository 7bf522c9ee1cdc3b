/**
 * Reading a boot's recording (spans.ndjson, events.ndjson) line by line: for `land trace` and the dashboard's tail
 * of a live recording. Apart from trace-view.ts, so that the dashboard does not load what drawing for a terminal
 * needs (string-width).
 */
import type { RecordedEvent } from './capture.js';
import type { RecordedSpan } from './spans.js';

/** Parsed NDJSON text; a torn or foreign line is skipped, not fatal. */
export function parseNdjson<T>(text: string): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // skip a partial line (a writer killed mid-append)
    }
  }
  return out;
}

export const keepSpans = (spans: RecordedSpan[]) => spans.filter((s) => typeof s?.spanId === 'string');
export const keepEvents = (events: RecordedEvent[]) => events.filter((e) => typeof e?.event === 'string');
