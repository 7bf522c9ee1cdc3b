/**
 * The span ids of the recent spans, to tell a span sent again (an exporter retrying) from a new one at a few
 * nanoseconds a span: the fast path sees every span, and a Set of strings cost ~0.8 µs each (a quarter of the
 * receiver's throughput). An id is kept as a number (53 of its 64 random bits: two of the last 20 000 sharing one by
 * chance is about one in 10^8 billion) in open-addressed tables of two generations: the current one takes ids until it
 * holds WINDOW, then the other is emptied and takes over, so between one and two windows are remembered.
 */
/** Retries come within a minute; this bounds memory (two 256 KiB tables). */
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

/**
 * Where an id's probe starts: both halves mixed (Fibonacci hashing), so that ids differing in any bits spread out
 * (a sender numbering its spans in their first bytes, as the bench's does, would otherwise pile up in one chain).
 */
function firstSlot(id: number): number {
  return Math.imul((id % 2 ** 32) ^ Math.floor(id / 2 ** 32), 0x9e3779b1) >>> 17;
}

export class RecentIds {
  private readonly tables = [new Float64Array(SLOTS), new Float64Array(SLOTS)];
  private readonly counts = [0, 0];
  private current = 0;

  has(id: number): boolean {
    return this.slotOf(this.tables[0]!, id) >= 0 || this.slotOf(this.tables[1]!, id) >= 0;
  }

  add(id: number): void {
    if (this.counts[this.current]! >= WINDOW) {
      this.current ^= 1;
      this.tables[this.current]!.fill(EMPTY);
      this.counts[this.current] = 0;
    }
    const table = this.tables[this.current]!;
    let slot = firstSlot(id);
    while (table[slot] !== EMPTY) slot = (slot + 1) & (SLOTS - 1);
    table[slot] = id;
    this.counts[this.current]! += 1;
  }

  delete(id: number): void {
    for (const table of this.tables) {
      const slot = this.slotOf(table, id);
      if (slot >= 0) table[slot] = GONE;
    }
  }

  private slotOf(table: Float64Array, id: number): number {
    for (let slot = firstSlot(id); ; slot = (slot + 1) & (SLOTS - 1)) {
      const held = table[slot]!;
      if (held === id) return slot;
      if (held === EMPTY) return -1;
    }
  }
}
