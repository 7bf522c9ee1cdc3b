/**
 * The items a store holds in memory, bounded and let go fairly: a tier holds at most its newest `perTier` (its own
 * oldest go first), all tiers together at most `items` and `bytes`, past which the oldest item of the tier holding
 * the most bytes goes. So a tier that floods pushes out its own items, never a quiet tier's, and one tier's trace of
 * `perTier` items is held whole. (Oldest first across all tiers made a chatty child, or one 10 000-span trace, push
 * out everything else.)
 *
 * Each item keeps the number it came with (its place among the items held this boot: the dashboard's id), so items
 * can go from the middle; the slots they leave are closed up once they outnumber the items held.
 */

export interface HeldBounds {
  /** Items one tier holds at most. */
  perTier: number;
  /** Items held at most, all tiers together. */
  items: number;
  /** Bytes held at most (as the items came on the wire: an estimate of what they take). */
  bytes: number;
}

interface TierQueue<T> {
  /** The tier's held items in arrival order from `head` (an item already let go is skipped when reached). */
  list: T[];
  head: number;
  held: number;
  bytes: number;
}

export class HeldItems<T> {
  private slots: Array<T | undefined> = [];
  private seqs: number[] = [];
  private gaps = 0;
  private nextSeq = 0;
  private bytesHeld = 0;
  private readonly about = new Map<T, { seq: number; tier: string; bytes: number }>();
  private readonly tiers = new Map<string, TierQueue<T>>();
  /** Items let go per tier (still on disk). */
  readonly evicted = new Map<string, number>();
  /** Tiers that took items since the last trim. */
  private readonly grown = new Set<TierQueue<T>>();

  constructor(
    private readonly bounds: HeldBounds,
    /** Told of each item let go (the store's indexes). */
    private readonly onEvict: (item: T) => void,
  ) {}

  get size(): number {
    return this.about.size;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  /** Holds an item as `tier`'s, weighing `bytes`. Call `trim` after a batch. */
  push(item: T, tier: string, bytes: number): void {
    this.slots.push(item);
    this.seqs.push(this.nextSeq);
    this.about.set(item, { seq: this.nextSeq++, tier, bytes });
    let queue = this.tiers.get(tier);
    if (!queue) this.tiers.set(tier, (queue = { list: [], head: 0, held: 0, bytes: 0 }));
    queue.list.push(item);
    this.grown.add(queue);
    queue.held += 1;
    queue.bytes += bytes;
    this.bytesHeld += bytes;
  }

  /** Lets go of the fairest victims until both bounds hold again. */
  trim(): void {
    for (const queue of this.grown) {
      while (queue.held > this.bounds.perTier) this.remove(this.oldestOf(queue)!);
    }
    this.grown.clear();
    while (this.about.size > this.bounds.items || (this.bytesHeld > this.bounds.bytes && this.about.size > 1)) {
      const victim = this.oldestOfHeaviest();
      if (victim === undefined) break;
      this.remove(victim);
    }
    if (this.gaps > 1024 && this.gaps > this.about.size) this.closeUp();
  }

  /** Counts items let go before they were held (frames that waited to be converted). */
  countEvicted(tier: string, n: number): void {
    this.evicted.set(tier, (this.evicted.get(tier) ?? 0) + n);
  }

  /** Lets go of one item (a subclass's own bound, such as a trace's share). */
  remove(item: T): void {
    const about = this.about.get(item);
    if (!about) return;
    this.about.delete(item);
    const at = this.indexOf(about.seq);
    if (at >= 0) this.slots[at] = undefined;
    this.gaps += 1;
    this.bytesHeld -= about.bytes;
    const queue = this.tiers.get(about.tier)!;
    queue.held -= 1;
    queue.bytes -= about.bytes;
    // Let go out of turn (a trace's share), an item stays in its tier's list until reached: close the list up.
    if (queue.list.length - queue.head > 2 * queue.held + 1024) {
      queue.list = queue.list.slice(queue.head).filter((held) => this.about.has(held));
      queue.head = 0;
    }
    this.evicted.set(about.tier, (this.evicted.get(about.tier) ?? 0) + 1);
    this.onEvict(item);
  }

  private oldestOfHeaviest(): T | undefined {
    let heaviest: TierQueue<T> | undefined;
    for (const queue of this.tiers.values()) {
      if (queue.held > 0 && (!heaviest || queue.bytes > heaviest.bytes)) heaviest = queue;
    }
    return heaviest && this.oldestOf(heaviest);
  }

  private oldestOf(queue: TierQueue<T>): T | undefined {
    while (queue.head < queue.list.length) {
      const item = queue.list[queue.head++]!;
      if (queue.head > 1024 && queue.head * 2 > queue.list.length) {
        queue.list = queue.list.slice(queue.head);
        queue.head = 0;
      }
      if (this.about.has(item)) return item;
    }
    return undefined;
  }

  /** The slot of the item numbered `seq` (numbers ascend with the slots), or -1. */
  private indexOf(seq: number): number {
    let low = 0;
    let high = this.seqs.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const at = this.seqs[mid]!;
      if (at === seq) return mid;
      if (at < seq) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  private closeUp(): void {
    const slots: T[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      if (this.slots[i] === undefined) continue;
      slots.push(this.slots[i]!);
      seqs.push(this.seqs[i]!);
    }
    this.slots = slots;
    this.seqs = seqs;
    this.gaps = 0;
  }

  /** The items newest first, each with its number, until `visit` returns false. */
  newestFirst(visit: (item: T, seq: number) => boolean | void): void {
    for (let i = this.slots.length - 1; i >= 0; i--) {
      const item = this.slots[i];
      if (item !== undefined && visit(item, this.seqs[i]!) === false) return;
    }
  }

  /** The item numbered `seq`, while it is held. */
  numbered(seq: number): T | undefined {
    const at = this.indexOf(seq);
    return at < 0 ? undefined : this.slots[at];
  }
}
