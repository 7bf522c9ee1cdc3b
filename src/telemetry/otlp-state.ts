/** What the OTLP pipe has done so far: read by status() before and after the SDK is loaded. */
import type { PipeStatus } from '../supervisor/types.js';

/** Counters and the fail-open latch of the OTLP pipe. */
export class OtlpState {
  queued = 0;
  sent = 0;
  dropped = 0;
  closed = false;
  /** Set at the end of shutdown: what was still queued is counted as dropped, late callbacks count nothing more. */
  finalized = false;
  unavailableReason: string | undefined;

  status(): PipeStatus {
    if (this.unavailableReason !== undefined) {
      return { state: 'unavailable', sent: this.sent, dropped: this.dropped, reason: this.unavailableReason };
    }
    return { state: 'on', sent: this.sent, dropped: this.dropped };
  }
}
