/**
 * How often a connection's reader is seen to take bytes, for the close's drain (drain.ts). On a unix socket land
 * sees a slow reader's progress only in steps: Linux wakes the writer once the reader has emptied about three
 * quarters of the socket's send buffer (net.core.wmem_default, 208 KiB here), so a reader taking 320 KB/s shows a
 * step every ~0.6 s and one taking 100 KB/s every ~2 s, with nothing to see in between (measured:
 * bench/drain-pace.mjs). A fixed "no step for 1 s" limit therefore cut off readers that were reading, slowly; the
 * limit now follows the gaps this reader showed while it was behind.
 */
import type { Socket } from 'node:net';

/** A gap between steps counts only while it is this recent: a reader's pace is what it did lately. */
const PACE_WINDOW_MS = 10_000;
/** Gaps shorter than this are the several pieces handed over at one wake-up, not the reader's pace. */
const MIN_GAP_MS = 20;
/** A reader may take this many times its longest recent gap before it counts as stopped (load makes it uneven). */
export const PACE_FACTOR = 3;

export class ReaderPace {
  /** When the socket last handed all it held to the kernel, if it had more to send right after (still behind). */
  private behindSince?: number;
  private readonly gaps: { at: number; gap: number }[] = [];

  constructor(private readonly socket: Socket) {
    // 'drain': everything written so far was taken by the kernel, the only step a writer sees.
    socket.on('drain', () => this.step(Date.now()));
  }

  /** The reader took bytes now (a 'drain', or the close's drain saw the bytes taken grow). */
  step(now: number): void {
    if (this.behindSince !== undefined && now - this.behindSince >= MIN_GAP_MS) {
      this.gaps.push({ at: now, gap: now - this.behindSince });
      while (this.gaps.length > 0 && now - this.gaps[0]!.at > PACE_WINDOW_MS) this.gaps.shift();
    }
    this.behindSince = undefined;
    // After the writer's own 'drain' listeners have written more: behind again means the next gap is the reader's.
    setImmediate(() => {
      if (this.socket.writableLength > 0) this.behindSince ??= now;
    });
  }

  /** How long this reader may take nothing, at the least `floorMs`: PACE_FACTOR times its longest recent gap. */
  stallLimit(now: number, floorMs: number): number {
    let longest = 0;
    for (const { at, gap } of this.gaps) if (now - at <= PACE_WINDOW_MS) longest = Math.max(longest, gap);
    return Math.max(floorMs, PACE_FACTOR * longest);
  }
}
