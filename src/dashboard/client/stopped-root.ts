/**
 * The boot's root once the stack has stopped. The page drew it running (land.boot is recorded only at the shutdown,
 * and the server that would send it is gone with land), and would have gone on drawing it running. A stack that shut
 * down (its last snapshot, sent as the dashboard closed, said so) ended it about when the page saw it stop. A land
 * gone without a shutdown (SIGKILL, a crash) never records it: drawn cut short, as `land trace` draws it
 * (src/telemetry/running-boot.ts), ending at the last moment a span of the trace knew of, as the server sent it.
 */
import { CUT_SHORT_MESSAGE } from '../../telemetry/running-boot.js';
import type { SpanView } from '../wire.js';

export function rootAfterStop(spans: SpanView[], stopped: { at: number } | undefined, shutDown: boolean): SpanView[] {
  if (!stopped || !spans.some((span) => span.running)) return spans;
  return spans.map((span) => {
    if (!span.running) return span;
    const { running: _running, ...ended } = span;
    if (shutDown) {
      const endMs = Math.max(span.endMs, stopped.at);
      return { ...ended, endMs, durationMs: endMs - span.startMs };
    }
    return { ...ended, status: 'error', statusMessage: CUT_SHORT_MESSAGE, cutShort: true };
  });
}
