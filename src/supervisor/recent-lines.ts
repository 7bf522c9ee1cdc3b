/**
 * A tier's most recent lines, kept as the blocks they arrived in (one per read of the pipe, as bytes: decoded only
 * when someone asks for them): a flood adds one entry per read instead of an object per line. Bounded in lines and
 * in size (long lines must not turn 1 000 lines into a gigabyte); the newest block is always kept.
 */
import type { LineBlock } from './line-block.js';
import { holdPieces, releasePieces } from './slab-pool.js';
import type { LineCut, LogStream } from './types.js';

export interface LogEntry {
  stream: LogStream;
  line: string;
  at: number;
  /** A fragment of a line (quiet or over-long): which part; `line` carries its `…` marks. */
  cut?: LineCut;
}

/**
 * What a block offers: its lines (decoded when asked), how many, and its size in bytes (or characters); `pieces`,
 * the bytes it decodes them from (views of a read's slab: held while kept, slab-pool.ts).
 */
type Lines = Pick<LineBlock, 'lines' | 'linesOnce' | 'count' | 'size'> & { cut?: LineCut; pieces?: readonly Buffer[] };

/** Bytes a block decodes from: held while the ring or a reader keeps the block. */
const held = (lines: Lines) => lines.pieces ?? NONE;
const NONE: readonly Buffer[] = [];

interface Block {
  stream: LogStream;
  lines: Lines;
  at: number;
  size: number;
  /** The block's place among every block the tier has kept: a reader tells by it whether the ring still holds it. */
  seq: number;
}

/**
 * A tier's recent lines as one reader takes them, a line at a time (a `land logs` stream): it holds the ring's
 * blocks, not a copy of their lines, and decodes one block at a time.
 */
export interface RecentReader {
  /** Lines still to come. */
  readonly left: number;
  /** About how many bytes they are (the blocks they are in). */
  readonly leftBytes: number;
  /**
   * Of the blocks it reads, how many are a line's fragment (0: joining fragments changes none of its lines). Optional
   * (a published type): a reader without it is read as if it had fragments (the counting pass, log-selection.ts).
   */
  readonly fragments?: number;
  next(): LogEntry | undefined;
  /** Bytes of the lines still to come that the tier no longer keeps: alive for this reader alone. */
  pinnedBytes(): number;
}

/** Bytes of recent lines a tier keeps by default (1 MiB; as many characters of ASCII). */
export const RECENT_BYTES = 1 << 20;

export class RecentLines {
  private blocks: Block[] = [];
  private count = 0;
  private bytes = 0;
  private nextSeq = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxBytes = RECENT_BYTES,
  ) {}

  /** A block of lines, or lines already decoded. */
  add(stream: LogStream, block: Lines | string[], at: number): void {
    const lines = Array.isArray(block) ? decoded(block) : block;
    if (lines.count === 0) return;
    const size = lines.size;
    holdPieces(held(lines));
    this.blocks.push({ stream, lines, at, size, seq: this.nextSeq++ });
    this.count += lines.count;
    this.bytes += size;
    // Drop whole blocks while the rest still holds `capacity` lines, or while they take too much room
    // (shift: V8 trims the array's front in place).
    while (this.blocks.length > 1 && (this.count - this.blocks[0]!.lines.count >= this.capacity || this.bytes > this.maxBytes)) {
      const dropped = this.blocks.shift()!;
      this.count -= dropped.lines.count;
      this.bytes -= dropped.size;
      releasePieces(held(dropped.lines));
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

  /** The newest `limit` lines (at most `capacity`), oldest first, for a reader that takes them one at a time. */
  reader(limit = this.capacity): RecentReader {
    let wanted = Math.max(0, Math.min(limit, this.capacity, this.count));
    const left = wanted;
    let first = this.blocks.length;
    while (wanted > 0 && first > 0) wanted -= this.blocks[--first]!.lines.count;
    return new BlockReader(this, this.blocks.slice(first), -wanted, left);
  }

  /** The oldest block still kept (with none: the next to come). */
  firstKept(): number {
    return this.blocks[0]?.seq ?? this.nextSeq;
  }

  clear(): void {
    for (const block of this.blocks) releasePieces(held(block.lines));
    this.blocks = [];
    this.count = 0;
    this.bytes = 0;
  }
}

class BlockReader implements RecentReader {
  private index = 0;
  private lines?: string[];
  private line: number;
  leftBytes = 0;
  readonly fragments: number = 0;

  constructor(
    private readonly ring: RecentLines,
    /** The blocks still to read: each dropped once read, so that the reader does not keep it alive. */
    private readonly blocks: Array<Block | undefined>,
    /** Lines of the first block that are not among the newest asked for. */
    skip: number,
    public left: number,
  ) {
    this.line = skip;
    for (const block of blocks) {
      this.leftBytes += block!.size;
      if (block!.lines.cut) this.fragments += 1;
      holdPieces(held(block!.lines));
    }
  }

  next(): LogEntry | undefined {
    for (let block = this.blocks[this.index]; block; block = this.blocks[this.index]) {
      const lines = (this.lines ??= block.lines.linesOnce());
      if (this.line < lines.length) {
        this.left -= 1;
        const { stream, at } = block;
        const { cut } = block.lines;
        const line = lines[this.line++]!;
        return cut ? { stream, line, at, cut } : { stream, line, at };
      }
      this.leftBytes -= block.size;
      releasePieces(held(block.lines));
      this.blocks[this.index++] = undefined;
      this.lines = undefined;
      this.line = 0;
    }
    return undefined;
  }

  pinnedBytes(): number {
    const kept = this.ring.firstKept();
    let bytes = 0;
    for (let i = this.index; i < this.blocks.length && this.blocks[i]!.seq < kept; i++) bytes += this.blocks[i]!.size;
    return bytes;
  }
}

function decoded(lines: string[]): Lines {
  let size = 0;
  for (const line of lines) size += line.length;
  return { lines, linesOnce: () => lines, count: lines.length, size };
}
