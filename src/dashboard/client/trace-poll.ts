/**
 * The trace the Traces page shows, kept up to date cheaply: polled every 2 s with its version (the server's ETag), so
 * an unchanged trace costs a 304 and no parsing or drawing; and not polled at all once it looks complete — its root
 * span is there, nothing runs, and nothing changed for QUIET_POLLS polls (a child's exporter sends in batches, 5 s
 * apart by default). `check()` polls again (a late span of another service may still come).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SpanView } from '../wire.js';
import { getJsonIfChanged } from './api.js';

const EVERY_MS = 2000;
export const QUIET_POLLS = 5;

interface TraceState {
  data?: { traceId: string; spans: SpanView[] };
  error?: string;
  /** Complete: no longer polled. */
  complete: boolean;
}

const looksComplete = (spans: SpanView[]) => {
  const ids = new Set(spans.map((span) => span.spanId));
  return spans.length > 0 && !spans.some((span) => span.running) && spans.some((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
};

export function useTrace(traceId: string | undefined): TraceState & { check(): void } {
  const [state, setState] = useState<TraceState>({ complete: false });
  const [round, setRound] = useState(0);
  // The version held, kept across `check()`: checking an unchanged trace again costs a 304 too.
  const held = useRef<{ traceId?: string; etag?: string }>({});
  useEffect(() => {
    if (!traceId) return undefined;
    setState((previous) => (previous.complete ? { ...previous, complete: false } : previous));
    let live = true;
    let etag = held.current.traceId === traceId ? held.current.etag : undefined;
    let quiet = 0;
    let spans: SpanView[] = held.current.traceId === traceId ? (state.data?.spans ?? []) : [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const answer = await getJsonIfChanged<{ traceId: string; spans: SpanView[] }>(`/api/spans?trace=${encodeURIComponent(traceId)}`, etag);
        if (!live) return;
        if (answer) {
          ({ etag } = answer);
          held.current = { traceId, etag };
          spans = answer.data.spans;
          quiet = 0;
          setState({ data: answer.data, complete: false });
        } else quiet += 1;
      } catch (error) {
        if (live) setState((previous) => ({ ...previous, error: (error as Error).message }));
      }
      if (!live) return;
      if (quiet >= QUIET_POLLS && looksComplete(spans)) setState((previous) => ({ ...previous, complete: true }));
      else timer = setTimeout(() => void load(), EVERY_MS);
    };
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [traceId, round]);
  return { ...state, check: () => setRound((n) => n + 1) };
}
