/**
 * What plain output has to print in one tick, written with one call from a buffer that is used again: every block of
 * lines is copied once, with its tier's head before each line, straight into that buffer (prefixInto). A fresh
 * buffer per block cost the kernel a page fault per 4 KiB touched, and a write per read of a child's pipe
 * (docs/decisions.md, "The log relay").
 */

import { holdPieces, releasePieces } from '../supervisor/slab-pool.js';

/** A line at least this large (a fragment of an over-long line) is written as it lies, not copied. */
export const LARGE_WRITE = 16 * 1024;
/**
 * The smallest buffer kept for batches; a larger batch gets one of the next power of two, so that the next ticks of
 * a flood (0.3–2.5 MB each, varying) find it fits. While writes still hold every kept buffer (an output that takes
 * its writes late), a batch gets a buffer of its own size only: memory stays what was printed.
 */
const MIN_BUFFER = 256 * 1024;
/**
 * Buffers kept for the next ticks once their write is done (the largest ones), and the largest kept: a batch larger
 * still is left to the GC. Kept past MIN_BUFFER only while output keeps coming (TRIM_MS).
 */
const KEPT_BUFFERS = 2;
const MAX_KEPT = 4 * 1024 * 1024;
/** Kept buffers beyond MIN_BUFFER are let go after this long without a batch that needed one. */
const TRIM_MS = 5_000;

const NEWLINE = Buffer.from('\n');
/** Heads up to this long are copied byte by byte in prefixInto (docs/decisions.md, "The log relay, thirteenth wave"). */
const SHORT_HEAD = 32;

interface Lines {
  head: Buffer;
  pieces: readonly Buffer[];
  count: number;
  size: number;
  ends?: ArrayLike<number>;
}

type Item = Buffer | Lines;

/** Bytes `lines` takes once printed: a head per line, and a newline where the last line has none. */
function printedSize({ head, pieces, count, size }: Lines): number {
  const last = pieces[pieces.length - 1];
  const ended = last !== undefined && last[last.length - 1] === 10;
  return head.length * count + size + (ended || size === 0 ? 0 : 1);
}

/** One large line: written as its pieces between the head and the newline, without a copy. */
const isLarge = (item: Lines) => item.count === 1 && item.size >= LARGE_WRITE;

/** Bytes an item takes in the batch's buffer: none when it is written as it lies. */
function copiedSize(item: Item): number {
  if (Buffer.isBuffer(item)) return item.length < LARGE_WRITE ? item.length : 0;
  return isLarge(item) ? 0 : printedSize(item);
}

/**
 * The lines of `pieces` (as read from a pipe: each ends in a newline, the last may not) with `head` in front of each,
 * copied into `out` at `offset`; returns where they end. `count` is the number of lines; `ends`, where known, the
 * newlines' offsets in the pieces taken as one run (the splitter found them: they are not searched for again).
 *
 * The pieces are first copied to the end of their room as they are, then each line is moved forward to its place
 * behind its head (`copyWithin`, a move inside one buffer: a view made per line cost as much as the copy itself). A
 * line never overtakes the bytes still to be moved, as the heads before it take exactly the room left in front.
 */
export function prefixInto(out: Buffer, offset: number, head: Buffer, pieces: readonly Buffer[], count: number, ends?: ArrayLike<number>): number {
  const headLength = head.length;
  const from = offset + headLength * count;
  let end = from;
  for (const piece of pieces) {
    out.set(piece, end);
    end += piece.length;
  }
  let at = offset;
  // A head of a few bytes (`api | `) is copied by a loop: the `set` builtin's call costs more than its copy.
  const short = headLength <= SHORT_HEAD;
  const known = ends?.length ?? 0;
  let line = 0;
  for (let start = from; start < end; ) {
    let next: number;
    if (line < known) next = from + ends![line++]! + 1;
    else {
      const newline = out.indexOf(10, start);
      next = newline === -1 || newline >= end ? end : newline + 1;
    }
    if (short) for (let i = 0; i < headLength; i++) out[at + i] = head[i]!;
    else out.set(head, at);
    at += headLength;
    out.copyWithin(at, start, next);
    at += next - start;
    start = next;
  }
  if (end > from && out[at - 1] !== 10) out[at++] = 10;
  return at;
}

/** prefixInto a buffer of its own. */
export function prefixLines(head: Buffer, pieces: readonly Buffer[], count: number): Buffer {
  let size = 0;
  for (const piece of pieces) size += piece.length;
  const out = Buffer.allocUnsafe(printedSize({ head, pieces, count, size }));
  return out.subarray(0, prefixInto(out, 0, head, pieces, count));
}

/**
 * Large parts as they are, the small ones between them joined (a slow writer's line comes in many small reads);
 * `done` once the output has taken them all (writes complete in order: the last one's callback).
 */
function writeAsIs(out: NodeJS.WritableStream, parts: readonly Buffer[], done: () => void): boolean {
  const chunks: Buffer[] = [];
  let small: Buffer[] = [];
  const joinSmall = () => {
    if (small.length > 0) chunks.push(small.length === 1 ? small[0]! : Buffer.concat(small));
    small = [];
  };
  for (const part of parts) {
    if (part.length < LARGE_WRITE) small.push(part);
    else {
      joinSmall();
      chunks.push(part);
    }
  }
  joinSmall();
  let ok = true;
  chunks.forEach((chunk, i) => (ok = i === chunks.length - 1 ? out.write(chunk, () => done()) : out.write(chunk)));
  return ok;
}

export class OutputBatch {
  private items: Item[] = [];
  private free: Buffer[] = [];
  /** Buffers that writes still hold. */
  private held = 0;
  private trim?: NodeJS.Timeout;

  get empty(): boolean {
    return this.items.length === 0;
  }

  add(bytes: Buffer): void {
    this.items.push(bytes);
  }

  /**
   * A block of lines as read, not copied until the batch is written: held till then (they may be views of a read's
   * slab, which is used again once nobody holds it: slab-pool.ts).
   */
  addLines(head: Buffer, pieces: readonly Buffer[], count: number, ends?: ArrayLike<number>): void {
    let size = 0;
    for (const piece of pieces) size += piece.length;
    holdPieces(pieces);
    this.items.push({ head, pieces, count, size, ends });
  }

  clear(): void {
    for (const item of this.items) if (!Buffer.isBuffer(item)) releasePieces(item.pieces);
    this.items = [];
  }

  /** Writes the batch in order and empties it; false when `out` asked to wait for 'drain' (its last write did). */
  writeTo(out: NodeJS.WritableStream): boolean {
    const items = this.items;
    this.items = [];
    let needed = 0;
    for (const item of items) needed += copiedSize(item);
    const buffer = needed > 0 ? this.take(needed) : undefined;
    let ok = true;
    let start = 0;
    let at = 0;
    const writeCopied = (last: boolean) => {
      if (at === start) return;
      const part = buffer!.subarray(start, at);
      start = at;
      // Writes complete in order: once the last one that uses the buffer is done, it can be used again.
      if (!last) return void (ok = out.write(part));
      this.held += 1;
      ok = out.write(part, () => {
        this.held -= 1;
        this.give(buffer!);
      });
    };
    for (const item of items) {
      if (Buffer.isBuffer(item)) {
        if (item.length < LARGE_WRITE) {
          buffer!.set(item, at);
          at += item.length;
          continue;
        }
        writeCopied(false);
        ok = out.write(item);
      } else if (!isLarge(item)) {
        at = prefixInto(buffer!, at, item.head, item.pieces, item.count, item.ends);
        releasePieces(item.pieces);
      } else {
        writeCopied(false);
        const parts = item.pieces.at(-1)?.at(-1) === 10 ? [item.head, ...item.pieces] : [item.head, ...item.pieces, NEWLINE];
        ok = writeAsIs(out, parts, () => releasePieces(item.pieces));
      }
    }
    if (at > start) writeCopied(true);
    else if (buffer && start === 0) this.give(buffer); // (a buffer an earlier write still holds is left to the GC)
    return ok;
  }

  /**
   * A kept buffer that fits, or a new one. A fresh buffer costs the kernel a page fault per 4 KiB the copy touches:
   * keeping only buffers of 256 KiB–1 MiB, a flood's larger ticks (71 % of its bytes) each got a fresh one.
   */
  private take(size: number): Buffer {
    if (size > MIN_BUFFER) this.keepLarge();
    const index = this.free.findIndex((buffer) => buffer.length >= size);
    if (index !== -1) return this.free.splice(index, 1)[0]!;
    return this.held === 0 ? Buffer.allocUnsafeSlow(roomFor(size)) : Buffer.allocUnsafe(size);
  }

  /** Kept: the largest buffers, up to KEPT_BUFFERS, smallest first (a batch takes the smallest that fits). */
  private give(buffer: Buffer): void {
    if (buffer.length < MIN_BUFFER || buffer.length > MAX_KEPT) return;
    // A large buffer whose write came back after the trim (or that a small batch took) is not kept past it.
    if (buffer.length > MIN_BUFFER && !this.trim) return;
    this.free.push(buffer);
    this.free.sort((a, b) => a.length - b.length);
    if (this.free.length > KEPT_BUFFERS) this.free.shift();
  }

  /** Large buffers stay kept while large batches keep coming; TRIM_MS after the last one they go to the GC. */
  private keepLarge(): void {
    if (this.trim) return void this.trim.refresh();
    this.trim = setTimeout(() => {
      this.trim = undefined;
      this.free = this.free.filter((buffer) => buffer.length <= MIN_BUFFER);
    }, TRIM_MS);
    this.trim.unref();
  }
}

/** A new batch buffer's size: the next power of two (at least MIN_BUFFER) while it can be kept, else `size`. */
function roomFor(size: number): number {
  if (size > MAX_KEPT) return size;
  let room = MIN_BUFFER;
  while (room < size) room *= 2;
  return room;
}
