/**
 * A tier's most recent lines, kept as the blocks they arrived in (one per read of the pipe, as bytes: decoded only
 * when someone asks for them): a flood adds one entry per read instead of an object per line. Bounded in lines and
 * in size (long lines must not turn 1 000 lines into a gigabyte); the newest block is always kept.
 */
import type { LineBlock } from './line-block.js';
import type { LineCut, LogStream } from './types.js';

export interface LogEntry {
  stream: LogStream;
  line: string;
  at: number;
  /** A fragment of a line (quiet or over-long): which part; `line` carries its `…` marks. */
  cut?: LineCut;
}

/** What a block offers: its lines (decoded when asked), how many, and its size in bytes (or characters). */
type Lines = Pick<LineBlock, 'lines' | 'count' | 'size'> & { cut?: LineCut };

interface Block {
  stream: LogStream;
  lines: Lines;
  at: number;
  size: number;
}

/** Bytes of recent lines a tier keeps by default (1 MiB; as many characters of ASCII). */
export const RECENT_BYTES = 1 << 20;

export class RecentLines {
  private blocks: Block[] = [];
  private count = 0;
  private bytes = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes = RECENT_BYTES,
  ) {}

  /** A block of lines, or lines already decoded. */
  add(stream: LogStream, block: Lines | string[], at: number): void {
    const lines = Array.isArray(block) ? decoded(block) : block;
    if (lines.count === 0) return;
    const size = lines.size;
    this.blocks.push({ stream, lines, at, size });
    this.count += lines.count;
    this.bytes += size;
    // Drop whole blocks while the rest still holds `capacity` lines, or while they take too much room
    // (shift: V8 trims the array's front in place).
    while (this.blocks.length > 1 && (this.count - this.blocks[0]!.lines.count >= this.capacity || this.bytes > this.maxBytes)) {
      const dropped = this.blocks.shift()!;
      this.count -= dropped.lines.count;
      this.bytes -= dropped.size;
    }
  }

  /** Oldest first: the newest `limit` lines (at most `capacity`). */
  entries(limit = this.capacity): LogEntry[] {
    const wanted = Math.max(0, Math.min(limit, this.capacity, this.count));
    const out: LogEntry[] = [];
    for (let b = this.blocks.length - 1; b >= 0 && out.length < wanted; b--) {
      const { stream, at } = this.blocks[b]!;
      const { lines, cut } = this.blocks[b]!.lines;
      for (let i = lines.length - 1; i >= 0 && out.length < wanted; i--) out.push(cut ? { stream, line: lines[i]!, at, cut } : { stream, line: lines[i]!, at });
    }
    return out.reverse();
  }

  clear(): void {
    this.blocks = [];
    this.count = 0;
    this.bytes = 0;
  }
}

function decoded(lines: string[]): Lines {
  let size = 0;
  for (const line of lines) size += line.length;
  return { lines, count: lines.length, size };
}
