/** The dashboard's waterfall with the running boot's root drawn in (src/receiver/running-boot.ts says how). */
import { runningBootSpan } from '../receiver/running-boot.js';
import type { StackSnapshot } from '../supervisor/types.js';
import type { SpanView } from './wire.js';

export function withBootSpan(spans: SpanView[], snapshot: StackSnapshot, now = Date.now()): SpanView[] {
  const boot = runningBootSpan(spans, snapshot, now);
  return boot ? [boot, ...spans] : spans;
}
