/**
 * The whole lines of one read of a child's pipe, as the bytes they came in. They are decoded into strings only when
 * someone asks for them (the UI, the dashboard, `land logs`, a log probe): plain output and the log file take the
 * bytes, so a flood with nobody watching never builds a string per line (docs/decisions.md, "The log relay").
 */
import { markedPieces } from './fragments.js';
import type { LineCut, LogStream, SupervisorEvent } from './types.js';

export class LineBlock {
  private decoded?: string[];

  /**
   * `pieces`: the lines as read, each ending in a newline but (at the pipe's end) the last; `count`: how many lines
   * they hold. A fragment of an over-long line (`cut`) comes with its text (fragments.ts): its pieces are never
   * decoded whole.
   */
  constructor(
    readonly pieces: readonly Buffer[],
    readonly count: number,
    readonly cut?: LineCut,
    text?: string,
    /**
     * A line handed on in quiet fragments: `file`, the bytes the log file takes for this block when they are not the
     * pieces (none for a quiet fragment: the file gets the line whole when it ends); `whole`, the line so far as read,
     * which a log probe tests (never a fragment's marks).
     */
    readonly file?: readonly Buffer[],
    private readonly whole?: readonly Buffer[],
    /**
     * Where each line's newline lies in the pieces taken as one run of bytes, when the splitter found them (a read's
     * whole lines): the printer prefixes the lines without searching for them again.
     */
    readonly ends?: ArrayLike<number>,
  ) {
    if (text !== undefined) this.decoded = [text];
    else if (count === 0) this.decoded = []; // a line's end alone: its bytes go to the file, no line to the views
  }

  /** The line a log probe tests: the whole line so far for a line shown in quiet fragments, decoded when asked. */
  wholeLine(): string | undefined {
    return this.whole && (decodeLines(this.whole)[0] ?? '');
  }

  /** The lines as text, without their line ends (`\r\n` too); decoded once, at the first ask. */
  get lines(): string[] {
    return (this.decoded ??= decodeLines(this.pieces));
  }

  /**
   * The lines as text for one reader going through them (a `land logs` stream): decoded now and not kept, unless
   * they already were, so reading the recent lines does not double what a tier keeps of them.
   */
  linesOnce(): string[] {
    return this.decoded ?? decodeLines(this.pieces);
  }

  /** Bytes held: the pieces' (a fragment's text when kept without them). */
  get size(): number {
    let size = 0;
    for (const piece of this.pieces) size += piece.length;
    return this.pieces.length === 0 ? (this.decoded?.[0]?.length ?? 0) : size;
  }

  /**
   * What the recent lines keep: the bytes (without the strings a reader of the event may have decoded: the recent
   * lines' bound counts bytes), or a fragment's text without its MiB of bytes.
   */
  kept(): LineBlock {
    return this.cut ? new LineBlock([], 1, this.cut, this.lines[0]) : new LineBlock(this.pieces, this.count);
  }

  /** The last line alone, without decoding the others when they were not asked for. */
  lastLine(): string | undefined {
    if (this.decoded || this.pieces.length !== 1) return this.lines.at(-1);
    const piece = this.pieces[0]!;
    const end = lineEnd(piece, piece.length);
    const start = end === 0 ? 0 : piece.lastIndexOf(10, end - 1) + 1;
    return piece.toString('utf8', start, end);
  }
}

/**
 * The `log` event of a block: its lines decoded when a subscriber reads them; its bytes for the printer (a fragment's
 * between the marks that say the line goes on).
 */
export function logEvent(tier: string, stream: LogStream, block: LineBlock, at: number): SupervisorEvent {
  const { count, cut } = block;
  if (cut) return { type: 'log', tier, stream, lines: block.lines, count, bytes: markedPieces(block.pieces, cut), cut, at };
  return {
    type: 'log',
    tier,
    stream,
    get lines() {
      return block.lines;
    },
    count,
    bytes: block.pieces,
    ends: block.ends,
    at,
  };
}

/** Where the line that ends at `length` (its newline included, if any) ends without its `\n` or `\r\n`. */
function lineEnd(piece: Buffer, length: number): number {
  let end = length;
  if (piece[end - 1] === 10) end -= 1;
  if (piece[end - 1] === 13) end -= 1;
  return end;
}

/**
 * The newlines' places are written into a shared run of 32-bit integers, each block's a view of it that is never
 * written to again (as the reads' slabs, slab-reads.ts): an array of ~500 numbers per read ended up in V8's old
 * generation in a flood, a full collection every ~400 reads (docs/decisions.md, "The log relay, seventeenth wave").
 */
const PLACES = 16 * 1024;
let places = new Int32Array(PLACES);
let placesUsed = 0;

/**
 * The newlines in `bytes` before `end`, each as its offset plus `offset` (the bytes pending before `bytes` in the
 * block): one native search per line, no string.
 */
export function newlineEnds(bytes: Buffer, end: number, offset: number): Int32Array {
  let from = placesUsed;
  for (let at = bytes.indexOf(10); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) {
    if (placesUsed === places.length) {
      // Out of room: this read's places so far move to a fresh run (the old one keeps what earlier blocks see).
      const found = places.subarray(from, placesUsed);
      places = new Int32Array(Math.max(PLACES, found.length * 2));
      places.set(found);
      from = 0;
      placesUsed = found.length;
    }
    places[placesUsed++] = at + offset;
  }
  return places.subarray(from, placesUsed);
}

/** The newlines in `bytes` up to `end`: one native search per line, no string. */
export function countNewlines(bytes: Buffer, end = bytes.length): number {
  let count = 0;
  for (let at = bytes.indexOf(10); at !== -1 && at < end; at = bytes.indexOf(10, at + 1)) count++;
  return count;
}

/**
 * The lines of a block's pieces: only a line that spans reads (in the pending pieces and the head of the last one)
 * is joined, because a character may be split between them; the rest is decoded where it lies.
 */
export function decodeLines(pieces: readonly Buffer[]): string[] {
  const last = pieces[pieces.length - 1];
  if (last === undefined) return [];
  const end = last[last.length - 1] === 10 ? last.length - 1 : last.length;
  if (pieces.length === 1) return splitLines(last.toString('utf8', 0, end));
  const first = last.indexOf(10);
  if (first === -1) return splitLines(Buffer.concat(pieces).toString('utf8'));
  const lines = first === end ? [] : splitLines(last.toString('utf8', first + 1, end));
  lines.unshift(trimCarriageReturn(Buffer.concat([...pieces.slice(0, -1), last.subarray(0, first)]).toString('utf8')));
  return lines;
}

function trimCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  // One search per block; the per-line pass only for output that has carriage returns at all.
  if (text.includes('\r')) for (let i = 0; i < lines.length; i++) lines[i] = trimCarriageReturn(lines[i]!);
  return lines;
}
