/**
 * The dashboard's waterfall with the running boot's root drawn in (src/receiver/running-boot.ts says how). It ends at
 * the trace's latest span, not now: built from the spans and what does not change, it is the same at every poll, so
 * the boot's trace has a version as the others (a 304 while no span comes); the page draws its end on to its own
 * clock (client/running-clock.ts).
 */
import { runningBootSpan } from '../telemetry/running-boot.js';
import type { StackSnapshot } from '../supervisor/types.js';
import type { SpanView } from './wire.js';

export function withBootSpan(spans: SpanView[], snapshot: StackSnapshot): SpanView[] {
  let endMs = snapshot.startedAt;
  for (const span of spans) if (span.traceId === snapshot.traceId) endMs = Math.max(endMs, span.endMs);
  const boot = runningBootSpan(spans, snapshot, endMs);
  return boot ? [boot, ...spans] : spans;
}
