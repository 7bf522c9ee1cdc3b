/**
 * The Traces page's list (`/api/traces`), built from indexes instead of a copy of every span per poll: the receiver's
 * own index by trace (SpanStore.byTraceIndex) and one kept here of the recording's spans (read as the recording
 * grows, each span once). Each trace's summary (the receiver's `summarize`, as `land trace` sums a trace up) is kept
 * until its spans change: a trace's list only grows at its end or loses its oldest spans, so its length and first
 * span tell. A poll of a store that did not change sums nothing up again and copies no span.
 */
import { summarize, type SummarizedSpan, type TraceSummary } from '../receiver/store/span-store.js';
import type { TraceList, TraceQuery } from './wire.js';
import { shownName } from '../config/masked-values.js';

type Span = SummarizedSpan & { traceId: string };

/** What the index reads of the recording (RecordingTail): its spans, and how many it dropped from the front. */
export interface RecordedSpans {
  spans(): readonly Span[];
  readonly droppedSpans: number;
}

interface Cached {
  first: SummarizedSpan | undefined;
  received: number;
  recorded: number;
  summary: TraceSummary;
}

/** Text in a span's name as shown (masked): a search for a token's value must not find the span it hides in. */
const nameHolds = (raw: string, name: string) => raw.toLowerCase().includes(name) && shownName(raw).toLowerCase().includes(name);
const hasName = (spans: readonly SummarizedSpan[] | undefined, name: string) => spans?.some((span) => nameHolds(span.name, name)) ?? false;

/** A trace's spans from both sources, one per span id (the receiver's preferred, as sources.ts merges them). */
function merged(received: readonly SummarizedSpan[] | undefined, recorded: readonly SummarizedSpan[] | undefined): readonly SummarizedSpan[] {
  if (!recorded) return received ?? [];
  if (!received) return recorded;
  const ids = new Set(received.map((span) => span.spanId));
  return [...received, ...recorded.filter((span) => !ids.has(span.spanId))];
}

export class TraceIndex {
  private readonly recorded = new Map<string, Span[]>();
  /** The recording's spans in `recorded`, numbered as the tail numbers them: [readFrom, readTo). */
  private readFrom = 0;
  private readTo = 0;
  private summaries = new Map<string, Cached>();
  /** Each trace's version among the recording's spans: `changes` when one of its spans was last read (trace-version.ts). */
  private readonly versions = new Map<string, number>();
  private changes = 0;

  constructor(
    private readonly recording: RecordedSpans,
    private readonly received: () => ReadonlyMap<string, readonly SummarizedSpan[]>,
  ) {}

  /** The recording's new spans into the index (read again whole when the tail dropped some or started over). */
  private readRecording(): void {
    const spans = this.recording.spans();
    const dropped = this.recording.droppedSpans;
    const end = dropped + spans.length;
    if (dropped !== this.readFrom || end < this.readTo) {
      this.recorded.clear();
      // Read again whole: the counter goes on, so no trace gets back a version it had with other spans.
      this.versions.clear();
      this.readFrom = this.readTo = dropped;
    }
    for (let at = this.readTo; at < end; at += 1) {
      const span = spans[at - dropped]!;
      this.versions.set(span.traceId, ++this.changes);
      const list = this.recorded.get(span.traceId);
      if (list) list.push(span);
      else this.recorded.set(span.traceId, [span]);
    }
    this.readTo = end;
  }

  private summary(traceId: string, received: readonly SummarizedSpan[] | undefined, recorded: readonly SummarizedSpan[] | undefined): Cached {
    const old = this.summaries.get(traceId);
    const first = received?.[0];
    const counts = { received: received?.length ?? 0, recorded: recorded?.length ?? 0 };
    if (old && old.first === first && old.received === counts.received && old.recorded === counts.recorded) return old;
    return { first, ...counts, summary: summarize(traceId, merged(received, recorded)) };
  }

  /** A trace's version among the recording's spans: it changes when a span of it is read (0: none held). */
  recordedVersion(traceId: string): number {
    this.readRecording();
    return this.versions.get(traceId) ?? 0;
  }

  /** The traces other than the boot's that match, newest first: `limit` of them after the newest `offset`. */
  list(bootTraceId: string, query: TraceQuery): TraceList {
    this.readRecording();
    const received = this.received();
    const summaries = new Map<string, Cached>();
    const matched: TraceSummary[] = [];
    const visit = (traceId: string): void => {
      if (traceId === bootTraceId || summaries.has(traceId)) return;
      const mine = received.get(traceId);
      const theirs = this.recorded.get(traceId);
      const cached = this.summary(traceId, mine, theirs);
      summaries.set(traceId, cached);
      const { summary } = cached;
      if (query.tier !== undefined && !summary.tiers.includes(query.tier)) return;
      if (summary.durationMs < query.minMs || (query.errors && summary.errors === 0)) return;
      if (query.name && !hasName(mine, query.name) && !hasName(theirs, query.name)) return;
      matched.push(summary);
    };
    for (const traceId of received.keys()) visit(traceId);
    for (const traceId of this.recorded.keys()) visit(traceId);
    // Traces gone from both sources are forgotten with their summaries.
    this.summaries = summaries;
    matched.sort((a, b) => b.startMs - a.startMs);
    return { held: summaries.size, matched: matched.length, offset: query.offset, traces: matched.slice(query.offset, query.offset + query.limit) };
  }
}
