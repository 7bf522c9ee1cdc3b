/** Spans: by trace (a waterfall) and by tier, and each trace summed up (the traces a tier started on its own). */
import type { StoredSpan } from '../model/types.js';
import { shownName } from '../../config/masked-values.js';
import { idNumberOfHex, RecentIds } from './recent-ids.js';
import { SignalStore } from './signal-store.js';

export interface TraceSummary {
  traceId: string;
  /** The root's name (the earliest span whose parent is not in the trace). */
  root: string;
  /** The root's tier. */
  tier: string;
  tiers: string[];
  spans: number;
  errors: number;
  /** Spans whose status is `ok`: a trace with no error and none ok is `unset` (its spans set no status), as Aspire says. */
  oks: number;
  startMs: number;
  endMs: number;
  durationMs: number;
}

/** A span's key among the recent ones (recent-ids.ts): a number from its span id (the survey reads it from the wire). */
export const spanKey = (span: { spanId: string }): number => idNumberOfHex(span.spanId);

export class SpanStore extends SignalStore<StoredSpan> {
  private readonly byTrace = new Map<string, StoredSpan[]>();
  /** The span ids of the last 10 000 – 20 000 spans kept. */
  private readonly recent = new RecentIds();
  /**
   * Each trace's version: the store's change count when a span of it was last stored or evicted. One counter for all,
   * so a trace evicted whole and sent again never gets back a version it had (the dashboard's ETag).
   */
  private readonly versions = new Map<string, number>();
  private changes = 0;

  /**
   * A frame's spans (`spanKey`s), noted as kept when none was seen before nor repeats within the frame; else none is
   * noted and false (the frame is converted, and `add` skips the repeated ones).
   */
  claim(keys: readonly number[]): boolean {
    for (let i = 0; i < keys.length; i++) {
      if (!this.recent.note(keys[i]!)) {
        this.release(keys.slice(0, i));
        return false;
      }
    }
    return true;
  }

  /** Forgets keys `claim` noted for a frame that was not kept after all. */
  release(keys: readonly number[]): void {
    for (const key of keys) this.recent.delete(key);
  }

  protected override repeated(span: StoredSpan): boolean {
    return !this.recent.note(spanKey(span));
  }

  protected override indexed(span: StoredSpan): void {
    this.versions.set(span.traceId, ++this.changes);
    const list = this.byTrace.get(span.traceId);
    if (list) list.push(span);
    else this.byTrace.set(span.traceId, [span]);
  }

  protected override evicted(span: StoredSpan): void {
    const list = this.byTrace.get(span.traceId);
    // Each tier's oldest go first, and a trace's list is in arrival order: the evicted span is mostly near its start.
    const at = list ? (list[0] === span ? 0 : list.indexOf(span)) : -1;
    if (at === 0) list!.shift();
    else if (at > 0) list!.splice(at, 1);
    this.changes += 1;
    if (list?.length === 0) {
      this.byTrace.delete(span.traceId);
      this.versions.delete(span.traceId);
    } else this.versions.set(span.traceId, this.changes);
  }

  /**
   * A trace's version (with none, the whole store's): it changes whenever a span of it is stored or evicted, and
   * only then; 0 while memory holds none. Nothing is copied: a poll of an unchanged trace costs a map lookup.
   */
  version(traceId?: string): number {
    this.materialize();
    return traceId === undefined ? this.changes : (this.versions.get(traceId) ?? 0);
  }

  /** Every span of a trace held in memory, by start time. */
  trace(traceId: string): StoredSpan[] {
    this.materialize();
    return [...(this.byTrace.get(traceId) ?? [])].sort((a, b) => a.startMs - b.startMs);
  }

  /**
   * The store's index by trace as it is (each trace's spans in arrival order): for a list of traces that sums each up
   * without copying a span (the dashboard's trace-index.ts). Read only; it changes as spans come and go.
   */
  byTraceIndex(): ReadonlyMap<string, readonly StoredSpan[]> {
    this.materialize();
    return this.byTrace;
  }

  /** A tier's spans, oldest first (at most the newest `limit`). */
  ofTier(tier: string, limit?: number): StoredSpan[] {
    return this.select((span) => span.tier === tier, limit);
  }

  /** Each trace in memory summed up, newest first; `tier`: only traces with a span of that tier. */
  traces(options: { tier?: string; exclude?: string; limit?: number } = {}): TraceSummary[] {
    this.materialize();
    const out: TraceSummary[] = [];
    for (const [traceId, spans] of this.byTrace) {
      if (traceId === options.exclude) continue;
      if (options.tier !== undefined && !spans.some((span) => span.tier === options.tier)) continue;
      out.push(summarize(traceId, spans));
    }
    out.sort((a, b) => b.startMs - a.startMs);
    return out.slice(0, options.limit ?? out.length);
  }
}

/** What a trace's summary reads of each span: the receiver's, or the dashboard's (which also holds the recording's). */
export type SummarizedSpan = Pick<StoredSpan, 'spanId' | 'parentSpanId' | 'name' | 'tier' | 'startMs' | 'endMs' | 'status'>;

export function summarize(traceId: string, spans: readonly SummarizedSpan[]): TraceSummary {
  const ids = new Set(spans.map((span) => span.spanId));
  const roots = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
  const root = roots.reduce((first, span) => (span.startMs < first.startMs ? span : first), roots[0] ?? spans[0]!);
  // Loops, not Math.min(...): a trace may hold more spans than a call takes arguments (a RangeError).
  let startMs = Infinity;
  let endMs = -Infinity;
  for (const span of spans) {
    startMs = Math.min(startMs, span.startMs);
    endMs = Math.max(endMs, span.endMs);
  }
  return {
    traceId,
    // Masked as the name is wherever it is shown (the dashboard's list, `land trace`'s): a summary is only shown.
    root: shownName(root.name),
    tier: root.tier,
    tiers: [...new Set(spans.map((span) => span.tier))].sort(),
    spans: spans.length,
    errors: spans.filter((span) => span.status === 'error').length,
    oks: spans.filter((span) => span.status === 'ok').length,
    startMs,
    endMs,
    durationMs: endMs - startMs,
  };
}
