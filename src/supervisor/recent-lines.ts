/**
 * A tier's most recent lines, kept as the blocks they arrived in (one per read of the pipe): a flood adds one entry
 * per read instead of an object per line, and entries are made only when someone asks for them. Bounded in lines and
 * in characters (long lines must not turn 1 000 lines into a gigabyte); the newest block is always kept.
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
  chars: number;
}

/** Characters of recent lines a tier keeps by default (about 1 MiB of ASCII). */
export const RECENT_CHARS = 1 << 20;

export class RecentLines {
  private blocks: Block[] = [];
  private count = 0;
  private chars = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxChars = RECENT_CHARS,
  ) {}

  add(stream: LogStream, lines: string[], at: number): void {
    if (lines.length === 0) return;
    let chars = 0;
    for (const line of lines) chars += line.length;
    this.blocks.push({ stream, lines, at, chars });
    this.count += lines.length;
    this.chars += chars;
    // Drop whole blocks while the rest still holds `capacity` lines, or while there are too many characters
    // (shift: V8 trims the array's front in place).
    while (this.blocks.length > 1 && (this.count - this.blocks[0]!.lines.length >= this.capacity || this.chars > this.maxChars)) {
      const dropped = this.blocks.shift()!;
      this.count -= dropped.lines.length;
      this.chars -= dropped.chars;
    }
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
    this.chars = 0;
  }
}
