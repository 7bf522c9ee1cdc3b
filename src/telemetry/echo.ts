/**
 * echo: the log relay's accountant, a library inside mountain. It counts the lines each tier writes, reports a
 * flood once per tier (more than 10 000 lines within one second), and a per-tier summary at shutdown.
 * Its events are named `land:echo:*` and stamped `$tier=mountain`.
 */
import type { TelemetryClient } from './client.js';

export const FLOOD_LINES_PER_SECOND = 10_000;

interface TierCount {
  lines: number;
  windowStart: number;
  inWindow: number;
  flooded: boolean;
}

export class Echo {
  private readonly counts = new Map<string, TierCount>();

  constructor(
    private readonly client: TelemetryClient,
    private readonly component: string,
    private readonly floodThreshold = FLOOD_LINES_PER_SECOND,
  ) {}

  /** `n` relayed lines of `tier`, written at `at` (ms). */
  lines(tier: string, at: number, n: number): void {
    let count = this.counts.get(tier);
    if (!count) {
      count = { lines: 0, windowStart: at, inWindow: 0, flooded: false };
      this.counts.set(tier, count);
    }
    count.lines += n;
    if (at - count.windowStart >= 1000) {
      count.windowStart = at;
      count.inWindow = 0;
    }
    count.inWindow += n;
    if (!count.flooded && count.inWindow > this.floodThreshold) {
      count.flooded = true;
      this.client.captureEvent(
        'land:echo:flood',
        { tier, lines_in_second: count.inWindow, threshold: this.floodThreshold },
        { tier: 'mountain', component: this.component },
      );
    }
  }

  linesByTier(): Record<string, number> {
    return Object.fromEntries([...this.counts].map(([tier, count]) => [tier, count.lines]));
  }

  /** `land:echo:relay:summary`: per-tier line counts of the whole boot. */
  summarize(): void {
    const lines = this.linesByTier();
    const total = Object.values(lines).reduce((sum, n) => sum + n, 0);
    const flooded = [...this.counts].filter(([, count]) => count.flooded).map(([tier]) => tier);
    this.client.captureEvent(
      'land:echo:relay:summary',
      { lines_by_tier: lines, total_lines: total, tiers: Object.keys(lines).length, flooded_tiers: flooded },
      { tier: 'mountain', component: this.component },
    );
  }
}
