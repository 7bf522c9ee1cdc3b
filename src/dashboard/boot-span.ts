/**
 * The boot's root span while the stack runs: `land.boot` is recorded only when it ends (at shutdown), so until then
 * the waterfall's root is drawn from what is known — the id every `land.spawn` span names as its parent, the boot's
 * start — and marked running. It ends at the trace's latest span, not now: built from the spans and what does not
 * change, it is the same at every poll, so the boot's trace has a version as the others (a 304 while no span comes);
 * the page draws its end on to its own clock (client/running-clock.ts).
 */
import type { StackSnapshot } from '../supervisor/types.js';
import type { SpanView } from './wire.js';

export function withBootSpan(spans: SpanView[], snapshot: StackSnapshot): SpanView[] {
  const inTrace = spans.filter((span) => span.traceId === snapshot.traceId);
  if (inTrace.some((span) => span.name === 'land.boot')) return spans;
  const spawn = inTrace.find((span) => span.name.startsWith('land.spawn ') && span.parentSpanId);
  if (!spawn) return spans;
  let endMs = snapshot.startedAt;
  for (const span of inTrace) endMs = Math.max(endMs, span.endMs);
  const boot: SpanView = {
    traceId: snapshot.traceId,
    spanId: spawn.parentSpanId!,
    name: 'land.boot',
    tier: 'mountain',
    service: `${snapshot.app}-mountain`,
    startMs: snapshot.startedAt,
    endMs,
    durationMs: endMs - snapshot.startedAt,
    status: 'unset',
    attributes: { 'land.profile': snapshot.profile, 'land.boot_id': snapshot.bootId },
    running: true,
  };
  return [boot, ...spans];
}
