/**
 * Every tier's output merged in arrival order, for the dashboard's Logs page: a bounded ring of the blocks the
 * supervisor published (one per pipe read: the lines are shared with the event, never copied), each line numbered
 * so a browser can page through it — forward from the last line it has, or backward from the oldest — one bounded
 * page per request. It is a view of the supervisor's log events, as the TUI's log buffer is; it holds no state about
 * tiers.
 */
import { FragmentJoiner, pipeKey, type JoinTarget } from '../logs/fragment-join.js';
import type { LineCut, LogStream, SupervisorControl } from '../supervisor/types.js';
import type { LineUpdate, WireLine } from './wire.js';
import { RECENT_LINES } from '../supervisor/tier-base.js';

interface Block {
  first: number;
  tier: string;
  stream: LogStream;
  at: number;
  /** Shared with the event it came in; a block of a line that changes in place has its own (replace). */
  lines: readonly string[];
}

/** How many lines the dashboard keeps for all tiers together (the bound of its memory under a flood). */
export const DASHBOARD_LOG_LINES = 100_000;

/** Dropped blocks are cut off the array in bulk once this many have gone (not one `shift()` per block). */
const COMPACT_AFTER = 4096;

export class LogRing {
  private blocks: Block[] = [];
  /** Index in `blocks` of the oldest block still held; those before it are dropped. */
  private head = 0;
  private count = 0;
  /** The sequence number the next line will get. */
  next = 0;
  /** Changes in place so far: the last one's number. */
  revision = 0;
  /** The lines changed in place that may still be held: sequence number → the revision of its last change. */
  private readonly updates = new Map<number, number>();
  /**
   * Tiers whose older lines are not here, only in their log files: the supervisor kept its newest RECENT_LINES when
   * the ring started, or the ring dropped some of theirs since.
   */
  readonly olderOnDisk = new Set<string>();
  /** A line shown in fragments while its child was quiet gets the rest in place (src/logs/fragment-join.ts). */
  private readonly joiner = new FragmentJoiner<number>();

  constructor(private readonly capacity = DASHBOARD_LOG_LINES) {}

  /** The lines of a log event (or a recent entry): whole, or (`cut`) one fragment of a line, joined where it can be. */
  add(tier: string, stream: LogStream, lines: readonly string[], at: number, cut?: LineCut): void {
    const key = pipeKey(tier, stream);
    if (cut === undefined && !this.joiner.isOpen(key)) return this.append(tier, stream, lines, at);
    const target: JoinTarget<number> = {
      append: (line) => {
        this.append(tier, stream, [line], at);
        return this.next - 1;
      },
      replace: (seq, line) => this.replace(seq, line),
    };
    this.joiner.add(key, lines, cut, target);
  }

  /** The line numbered `seq` gets a new text (a revision of its own); false when it is no longer held. */
  private replace(seq: number, line: string): boolean {
    if (seq < this.oldest || seq >= this.next) return false;
    const block = this.blocks[this.blockOf(seq)]!;
    const lines = [...block.lines];
    lines[seq - block.first] = line;
    block.lines = lines;
    this.revision += 1;
    this.updates.set(seq, this.revision);
    return true;
  }

  /** The lines numbered below `below` changed after `revision`, still held. */
  updatedSince(revision: number, below: number): LineUpdate[] {
    const out: LineUpdate[] = [];
    if (revision >= this.revision) return out;
    for (const [seq, changed] of this.updates) {
      if (seq < this.oldest) this.updates.delete(seq);
      else if (changed > revision && seq < below) out.push([seq, changed, this.range(seq, seq + 1)[0]![4]]);
    }
    return out;
  }

  private append(tier: string, stream: LogStream, lines: readonly string[], at: number): void {
    if (lines.length === 0) return;
    this.blocks.push({ first: this.next, tier, stream, at, lines });
    this.next += lines.length;
    this.count += lines.length;
    while (this.count - this.blocks[this.head]!.lines.length >= this.capacity) {
      const dropped = this.blocks[this.head++]!;
      this.count -= dropped.lines.length;
      this.olderOnDisk.add(dropped.tier);
    }
    if (this.head >= COMPACT_AFTER) {
      this.blocks = this.blocks.slice(this.head);
      this.head = 0;
    }
    this.forgetDroppedUpdates();
  }

  /**
   * Updates of lines the ring no longer holds, forgotten as the ring drops them: updatedSince prunes too, but only
   * runs while a page is open. Lines are updated oldest first, so the stale ones lead the map.
   */
  private forgetDroppedUpdates(): void {
    const oldest = this.oldest;
    for (const seq of this.updates.keys()) {
      if (seq >= oldest) break;
      this.updates.delete(seq);
    }
  }

  /** The oldest sequence number still held. */
  get oldest(): number {
    return this.blocks[this.head]?.first ?? this.next;
  }

  /** Lines numbered `from` and later, oldest first: at most `limit`, the first ones (a page forward). */
  since(from: number, limit = Infinity): WireLine[] {
    const start = Math.max(from, this.oldest);
    return this.range(start, Math.min(this.next, start + limit));
  }

  /** Lines numbered below `to`, oldest first: at most `limit`, the last ones (a page backward; the newest by default). */
  before(to = this.next, limit = Infinity): WireLine[] {
    const end = Math.min(to, this.next);
    return this.range(Math.max(this.oldest, end - limit), end);
  }

  /** Lines numbered [from, to), both within what is held. */
  private range(from: number, to: number): WireLine[] {
    const out: WireLine[] = [];
    if (from >= to) return out;
    for (let b = this.blockOf(from); b < this.blocks.length; b += 1) {
      const block = this.blocks[b]!;
      if (block.first >= to) break;
      const stream = block.stream === 'stderr' ? 1 : 0;
      const end = Math.min(block.lines.length, to - block.first);
      for (let i = Math.max(0, from - block.first); i < end; i += 1) out.push([block.first + i, block.tier, stream, block.at, block.lines[i]!]);
    }
    return out;
  }

  /** The index of the block holding line `seq` (binary search: a page deep in the history is as cheap as the last). */
  private blockOf(seq: number): number {
    let low = this.head;
    let high = this.blocks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.blocks[mid]!.first <= seq) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  /**
   * Fills the ring from the supervisor's recent lines (what happened before the dashboard was first opened), then
   * follows its log events. Returns the unsubscribe function.
   */
  follow(control: SupervisorControl): () => void {
    const seed: Array<{ tier: string; stream: LogStream; line: string; at: number; cut?: LineCut }> = [];
    for (const tier of control.snapshot().tiers) {
      const recent = control.logs(tier.name);
      // A full buffer: the tier wrote more before the dashboard started.
      if (recent.length >= RECENT_LINES) this.olderOnDisk.add(tier.name);
      for (const entry of recent) seed.push({ tier: tier.name, ...entry });
    }
    seed.sort((a, b) => a.at - b.at);
    for (const entry of seed) this.add(entry.tier, entry.stream, [entry.line], entry.at, entry.cut);
    return control.subscribe((event) => {
      if (event.type === 'log') this.add(event.tier, event.stream, event.lines, event.at, event.cut);
    });
  }
}
