/** Spans: by trace (a waterfall) and by tier, and each trace summed up (the traces a tier started on its own). */
import type { StoredSpan } from '../model/types.js';
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
  startMs: number;
  endMs: number;
  durationMs: number;
}

/**
 * How many of the most recent spans' ids are remembered to tell a span sent again (an exporter retrying a request it
 * thinks lost: the same trace id and span id) from a new one: retries come within a minute, and this bounds memory.
 */
export const REPEAT_WINDOW = 10_000;

export class SpanStore extends SignalStore<StoredSpan> {
  private readonly byTrace = new Map<string, StoredSpan[]>();
  /** The last REPEAT_WINDOW spans kept, by trace id + span id, and their order (oldest first) to forget them. */
  private readonly seen = new Set<string>();
  private readonly seenOrder: string[] = [];
  private seenHead = 0;

  /** Whether none of `keys` (trace id + span id, hex) was kept already nor repeats in the list: a frame may be kept whole. */
  fresh(keys: readonly string[]): boolean {
    if (keys.some((key) => this.seen.has(key))) return false;
    return new Set(keys).size === keys.length;
  }

  /** The spans of a frame just kept. */
  remember(keys: readonly string[]): void {
    for (const key of keys) this.note(key);
  }

  protected override repeated(span: StoredSpan): boolean {
    const key = span.traceId + span.spanId;
    if (this.seen.has(key)) return true;
    this.note(key);
    return false;
  }

  private note(key: string): void {
    this.seen.add(key);
    this.seenOrder.push(key);
    if (this.seenOrder.length - this.seenHead > REPEAT_WINDOW) this.seen.delete(this.seenOrder[this.seenHead++]!);
    // Compacted now and then, not shifted per span.
    if (this.seenHead > REPEAT_WINDOW) {
      this.seenOrder.splice(0, this.seenHead);
      this.seenHead = 0;
    }
  }

  protected override indexed(span: StoredSpan): void {
    const list = this.byTrace.get(span.traceId);
    if (list) list.push(span);
    else this.byTrace.set(span.traceId, [span]);
  }

  protected override evicted(span: StoredSpan): void {
    const list = this.byTrace.get(span.traceId);
    // Eviction goes oldest first, and a trace's list is in arrival order: the evicted span is its first.
    if (list?.[0] === span) list.shift();
    if (list?.length === 0) this.byTrace.delete(span.traceId);
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
  const startMs = Math.min(...spans.map((span) => span.startMs));
  const endMs = Math.max(...spans.map((span) => span.endMs));
  return {
    traceId,
    root: root.name,
    tier: root.tier,
    tiers: [...new Set(spans.map((span) => span.tier))].sort(),
    spans: spans.length,
    errors: spans.filter((span) => span.status === 'error').length,
    startMs,
    endMs,
    durationMs: endMs - startMs,
  };
}
