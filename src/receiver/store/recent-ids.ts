/**
 * The span ids of the recent spans, to tell a span sent again (an exporter retrying) from a new one at a few
 * nanoseconds a span: the fast path sees every span, and a Set of strings cost ~0.8 µs each (a quarter of the
 * receiver's throughput). An id is kept as a number (53 of its 64 random bits: two of the last 20 000 sharing one by
 * chance is about one in 10^8 billion) in open-addressed tables of two generations: the current one takes ids until it
 * holds WINDOW, then the other is emptied and takes over, so between one and two windows are remembered.
 */
/** Retries come within a minute; this bounds memory (two 256 KiB tables, and 32 KiB of marks beside each). */
export const WINDOW = 10_000;
/** Slots per table: a power of two, under a third full at most. */
const SLOTS = 1 << 15;
const EMPTY = 0;
/** A slot whose id was released: lookups go past it (its chain goes on), inserts do not reuse it. */
const GONE = -1;

/**
 * An id's number from its 8 bytes (two 32-bit halves): its low 53 bits, plus one (0 is an empty slot): 1 … 2^53. The
 * low bits, not the high: hand-made and sequential ids (`0000000000000001`, `…02`) differ there.
 */
export function idNumber(hi: number, lo: number): number {
  return (hi & 0x1fffff) * 2 ** 32 + lo + 1;
}

/** The same from a span id as hex text (the converting path). */
export const idNumberOfHex = (hex: string): number => idNumber(Number.parseInt(hex.slice(0, 8), 16) >>> 0, Number.parseInt(hex.slice(8, 16), 16) >>> 0);

/** Bits of the marks (below): 2^18 per table, 32 KiB, a few per cent set at most. */
const MARK_BITS = 18;
const TWO_32 = 2 ** 32;

/**
 * An id's hash: both halves mixed (Fibonacci hashing), so that ids differing in any bits spread out (a sender
 * numbering its spans in their first bytes, as the bench's does, would otherwise pile up in one chain). Integer
 * operations only: `id % 2 ** 32` here was a call to fmod per probe.
 */
function hashOf(id: number): number {
  return Math.imul((id >>> 0) ^ ((id / TWO_32) >>> 0), 0x9e3779b1);
}

/** Where an id's probe starts: the hash's top bits. */
const firstSlot = (hash: number): number => hash >>> (32 - 15);

/**
 * Each table has marks beside it, a bit per hash (its top 18 bits) of the ids it took: a new id (nearly every one)
 * is told absent from the older table by a bit in 32 KiB instead of a probe into its 256 KiB, which on a busy
 * machine is a cache miss (the check cost ~6 µs of a 100-span request before: docs/decisions.md).
 */
const markOf = (hash: number): number => hash >>> (32 - MARK_BITS);

export class RecentIds {
  /**
   * Made at the first id noted, not with the store: 576 KiB of zeroed memory that `land up` made before its first fork
   * (the receiver opens before it), in the malloc heap every child copies until its exec, for a boot that may never
   * be sent a span (docs/decisions.md, "Start-up, fourteenth pass").
   */
  private tables: Float64Array[] = [];
  private marks: Int32Array[] = [];
  private readonly counts = [0, 0];
  private current = 0;

  has(id: number): boolean {
    if (this.tables.length === 0) return false;
    const hash = hashOf(id);
    return this.holds(0, id, hash) || this.holds(1, id, hash);
  }

  add(id: number): void {
    this.note(id);
  }

  /**
   * Notes `id` unless it is held already; says whether it was new. One probe of the current table finds it or the
   * slot it goes in.
   */
  note(id: number): boolean {
    if (this.tables.length === 0) {
      this.tables = [new Float64Array(SLOTS), new Float64Array(SLOTS)];
      this.marks = [new Int32Array(2 ** MARK_BITS / 32), new Int32Array(2 ** MARK_BITS / 32)];
    }
    if (this.counts[this.current]! >= WINDOW) this.rotate();
    const hash = hashOf(id);
    const current = this.current;
    if (this.holds(current ^ 1, id, hash)) return false;
    const table = this.tables[current]!;
    let slot = firstSlot(hash);
    for (let held = table[slot]!; held !== EMPTY; held = table[slot]!) {
      if (held === id) return false;
      slot = (slot + 1) & (SLOTS - 1);
    }
    table[slot] = id;
    const mark = markOf(hash);
    this.marks[current]![mark >>> 5]! |= 1 << (mark & 31);
    this.counts[current]! += 1;
    return true;
  }

  delete(id: number): void {
    const hash = hashOf(id);
    for (const table of this.tables) {
      const slot = this.slotOf(table, id, hash);
      if (slot >= 0) table[slot] = GONE;
    }
  }

  /** The other table becomes the current one, emptied. */
  private rotate(): void {
    this.current ^= 1;
    this.tables[this.current]!.fill(EMPTY);
    this.marks[this.current]!.fill(0);
    this.counts[this.current] = 0;
  }

  private holds(which: number, id: number, hash: number): boolean {
    const mark = markOf(hash);
    if ((this.marks[which]![mark >>> 5]! & (1 << (mark & 31))) === 0) return false;
    return this.slotOf(this.tables[which]!, id, hash) >= 0;
  }

  private slotOf(table: Float64Array, id: number, hash: number): number {
    for (let slot = firstSlot(hash); ; slot = (slot + 1) & (SLOTS - 1)) {
      const held = table[slot]!;
      if (held === id) return slot;
      if (held === EMPTY) return -1;
    }
  }
}
