/**
 * Every tier's output merged in arrival order, for the dashboard's Logs page: a bounded ring of the blocks the
 * supervisor published (one per pipe read: the lines are shared with the event, never copied), each line numbered
 * so a browser can ask for what came after the last line it has. It is a view of the supervisor's log events, as
 * the TUI's log buffer is; it holds no state about tiers.
 */
import type { LogStream, SupervisorControl } from '../supervisor/types.js';
import type { WireLine } from './wire.js';

interface Block {
  first: number;
  tier: string;
  stream: LogStream;
  at: number;
  lines: readonly string[];
}

/** How many lines the dashboard keeps for all tiers together (the bound of its memory under a flood). */
export const DASHBOARD_LOG_LINES = 100_000;

export class LogRing {
  private blocks: Block[] = [];
  private count = 0;
  /** The sequence number the next line will get. */
  next = 0;

  constructor(private readonly capacity = DASHBOARD_LOG_LINES) {}

  add(tier: string, stream: LogStream, lines: readonly string[], at: number): void {
    if (lines.length === 0) return;
    this.blocks.push({ first: this.next, tier, stream, at, lines });
    this.next += lines.length;
    this.count += lines.length;
    while (this.count - this.blocks[0]!.lines.length >= this.capacity) this.count -= this.blocks.shift()!.lines.length;
  }

  /** The oldest sequence number still held. */
  get oldest(): number {
    return this.blocks[0]?.first ?? this.next;
  }

  /** Lines numbered `from` and later (at most `limit`, the newest ones), oldest first. */
  since(from: number, limit = this.capacity): WireLine[] {
    const start = Math.max(from, this.oldest, this.next - limit);
    const out: WireLine[] = [];
    // Blocks are in order: find the first that reaches `start` from the end (recent reads are the common case).
    let b = this.blocks.length - 1;
    while (b > 0 && this.blocks[b]!.first > start) b -= 1;
    for (; b < this.blocks.length; b += 1) {
      const block = this.blocks[b];
      if (!block) break;
      const stream = block.stream === 'stderr' ? 1 : 0;
      for (let i = Math.max(0, start - block.first); i < block.lines.length; i += 1) {
        out.push([block.first + i, block.tier, stream, block.at, block.lines[i]!]);
      }
    }
    return out;
  }

  /**
   * Fills the ring from the supervisor's recent lines (what happened before the dashboard was first opened), then
   * follows its log events. Returns the unsubscribe function.
   */
  follow(control: SupervisorControl): () => void {
    const seed: Array<{ tier: string; stream: LogStream; line: string; at: number }> = [];
    for (const tier of control.snapshot().tiers) {
      for (const entry of control.logs(tier.name)) seed.push({ tier: tier.name, ...entry });
    }
    seed.sort((a, b) => a.at - b.at);
    for (const entry of seed) this.add(entry.tier, entry.stream, [entry.line], entry.at);
    return control.subscribe((event) => {
      if (event.type === 'log') this.add(event.tier, event.stream, event.lines, event.at);
    });
  }
}
