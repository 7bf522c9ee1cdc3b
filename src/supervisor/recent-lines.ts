/**
 * A tier's most recent lines, kept as the blocks they arrived in (one per read of the pipe): a flood adds one entry
 * per read instead of an object per line, and entries are made only when someone asks for them.
 */
import type { LogStream } from './types.js';

export interface LogEntry {
  stream: LogStream;
  line: string;
  at: number;
}

interface Block {
  stream: LogStream;
  lines: string[];
  at: number;
}

export class RecentLines {
  private blocks: Block[] = [];
  private count = 0;

  constructor(private readonly capacity: number) {}

  add(stream: LogStream, lines: string[], at: number): void {
    if (lines.length === 0) return;
    this.blocks.push({ stream, lines, at });
    this.count += lines.length;
    // Drop whole blocks while the rest still holds `capacity` lines (shift: V8 trims the array's front in place).
    while (this.count - this.blocks[0]!.lines.length >= this.capacity) this.count -= this.blocks.shift()!.lines.length;
  }

  /** Oldest first: the newest `limit` lines (at most `capacity`). */
  entries(limit = this.capacity): LogEntry[] {
    const wanted = Math.max(0, Math.min(limit, this.capacity, this.count));
    const out: LogEntry[] = [];
    for (let b = this.blocks.length - 1; b >= 0 && out.length < wanted; b--) {
      const { stream, lines, at } = this.blocks[b]!;
      for (let i = lines.length - 1; i >= 0 && out.length < wanted; i--) out.push({ stream, line: lines[i]!, at });
    }
    return out.reverse();
  }

  clear(): void {
    this.blocks = [];
    this.count = 0;
  }
}
