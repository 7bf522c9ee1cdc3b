/**
 * A running span (the boot's root, `land.boot`, recorded only when the stack stops) is drawn to the page's clock:
 * the server sends it ending at the trace's latest span, the same at every poll, so the boot's trace keeps its
 * version (a 304 while no span arrives) and the page alone moves its end on, once a second.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SpanView } from '../wire.js';
import { store } from './store.js';

const TICK_MS = 1000;

/** The page's clock (the stack's, through the snapshot's skew), ticking while `running`; undefined otherwise. */
export function useRunningClock(running: boolean): number | undefined {
  const [now, setNow] = useState(() => store.now());
  useEffect(() => {
    if (!running) return undefined;
    setNow(store.now());
    const timer = setInterval(() => setNow(store.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [running]);
  return running ? now : undefined;
}

/** Where a span's bar ends: a running one at `now` (never before what the server knew). */
export function shownEnd(span: SpanView, now: number | undefined): number {
  return span.running && now !== undefined ? Math.max(span.endMs, now) : span.endMs;
}

/** What a span took, as drawn: a running one up to `now`. */
export function shownDuration(span: SpanView, now: number | undefined): number {
  return span.running ? shownEnd(span, now) - span.startMs : span.durationMs;
}
