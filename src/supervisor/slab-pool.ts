/**
 * The reads' slabs used again (docs/decisions.md, "The log relay (nineteenth wave)"). A slab of slab-reads.ts is
 * handed on as views; each holder of views counts itself on the slab (`holdPieces`) and lets go when it is done
 * (`releasePieces`): the reader while it reads into the slab or a line still pending lies in it, the log file until
 * its write is done, the printer until its batch has copied them, the recent lines until they drop the block, a
 * `land logs` reader until it has read it. A slab nobody holds goes back to a short free list and the next read
 * fills it again: a flood reads into the same few MiB instead of a fresh 256 KiB slab per ~9 reads, so no page
 * faults for new memory and no full collections driven by external memory.
 *
 * A missed release only keeps a slab from being used again (the GC takes it as before); a missed hold would show a
 * view other bytes, so every holder that keeps views past the `log` event's dispatch holds them. The event's `bytes`
 * and `lines` are for the dispatch: every listener reads them at once, the printer holds what it keeps.
 */

/** The slab's size: a read needs 64 KiB free, so at most a quarter of a slab is left unused. */
export const SLAB_BYTES = 256 * 1024;
/** Free slabs kept for the next reads (2 MiB), for all pipes together; let go after FREE_MS without a read. */
const FREE_SLABS = 8;
const FREE_MS = 5_000;

/** The holders of each pooled slab, by its memory; a slab not in it is not the pool's (held and released for nothing). */
const holders = new WeakMap<ArrayBufferLike, { count: number }>();
let free: Buffer[] = [];
let trim: NodeJS.Timeout | undefined;

/** A slab to read into, held once by the reader that takes it. */
export function takeSlab(): Buffer {
  if (trim) trim.refresh();
  else {
    trim = setTimeout(() => {
      trim = undefined;
      free = [];
    }, FREE_MS).unref();
  }
  const slab = free.pop() ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
  holders.set(slab.buffer, { count: 1 });
  return slab;
}

export function holdPieces(pieces: readonly Uint8Array[]): void {
  for (let i = 0; i < pieces.length; i++) {
    const held = holders.get(pieces[i]!.buffer);
    if (held) held.count += 1;
  }
}

export function releasePieces(pieces: readonly Uint8Array[]): void {
  for (let i = 0; i < pieces.length; i++) releaseSlab(pieces[i]!.buffer);
}

/** One holder of the slab whose memory is `memory` lets go; the last one gives it back. */
export function releaseSlab(memory: ArrayBufferLike): void {
  const held = holders.get(memory);
  if (!held || --held.count > 0) return;
  holders.delete(memory);
  if (free.length < FREE_SLABS && trim) free.push(Buffer.from(memory as ArrayBuffer));
}
