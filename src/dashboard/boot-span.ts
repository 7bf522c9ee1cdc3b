/**
 * The boot's root span while the stack runs: `land.boot` is recorded only when it ends (at shutdown), so until then
 * the waterfall's root is drawn from what is known — the id every `land.spawn` span names as its parent, the boot's
 * start — and marked running.
 */
import type { StackSnapshot } from '../supervisor/types.js';
import type { SpanView } from './wire.js';

export function withBootSpan(spans: SpanView[], snapshot: StackSnapshot, now = Date.now()): SpanView[] {
  const inTrace = spans.filter((span) => span.traceId === snapshot.traceId);
  if (inTrace.some((span) => span.name === 'land.boot')) return spans;
  const spawn = inTrace.find((span) => span.name.startsWith('land.spawn ') && span.parentSpanId);
  if (!spawn) return spans;
  const boot: SpanView = {
    traceId: snapshot.traceId,
    spanId: spawn.parentSpanId!,
    name: 'land.boot',
    tier: 'mountain',
    service: `${snapshot.app}-mountain`,
    startMs: snapshot.startedAt,
    endMs: now,
    durationMs: now - snapshot.startedAt,
    status: 'unset',
    attributes: { 'land.profile': snapshot.profile, 'land.boot_id': snapshot.bootId },
    running: true,
  };
  return [boot, ...spans];
}
