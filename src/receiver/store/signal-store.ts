/**
 * What every signal's store shares: items of one kind attributed to tiers, kept for the boot up to a limit (beyond
 * it new items are dropped and counted per tier), the most recent `inMemory` of them in memory for queries and live
 * views, every kept one appended to the boot's NDJSON file, and subscribers told of each accepted batch.
 */
import type { Origin } from '../model/types.js';
import { NdjsonFile } from './ndjson-file.js';

export interface StoreLimits {
  /** Items kept for the whole boot (memory and disk); beyond it new ones are dropped and counted. */
  perBoot: number;
  /** The most recent items held in memory for queries and live views. */
  inMemory: number;
  /** Items one tier may keep in the boot (default: half of perBoot), so one flooding child cannot crowd out the rest. */
  perTier?: number;
}

export interface TierCount {
  kept: number;
  dropped: number;
}

export type Listener<T> = (items: readonly T[]) => void;

export class SignalStore<T extends Origin> {
  protected items: T[] = [];
  private total = 0;
  private readonly tiers = new Map<string, TierCount>();
  private readonly listeners = new Set<Listener<T>>();
  private readonly file: NdjsonFile | undefined;

  constructor(
    readonly limits: StoreLimits,
    /** Where kept items are appended; none for a store read back from disk. */
    file?: string,
  ) {
    this.file = file ? new NdjsonFile(file) : undefined;
  }

  /**
   * Keeps what fits under the boot's limit; returns how many were dropped. `countAs`: the tier the items are counted
   * for when it is not theirs (land's own spans about a tier count as mountain's).
   */
  add(batch: readonly T[], countAs?: string): number {
    const perTier = this.limits.perTier ?? Math.ceil(this.limits.perBoot / 2);
    const kept: T[] = [];
    for (const item of batch) {
      const count = this.count(countAs ?? item.tier);
      if (this.total >= this.limits.perBoot || count.kept >= perTier) {
        count.dropped += 1;
        continue;
      }
      this.total += 1;
      count.kept += 1;
      kept.push(item);
      this.items.push(item);
      this.indexed(item);
    }
    if (kept.length === 0) return batch.length;
    const excess = this.items.length - this.limits.inMemory;
    // One splice per batch: a shift per item moved the whole array each time (a batch of 100 into 10 000 held).
    if (excess > 0) for (const item of this.items.splice(0, excess)) this.evicted(item);
    this.file?.append(kept);
    for (const listener of this.listeners) {
      try {
        listener(kept);
      } catch {
        // a live view that throws must not stop the others or the receiver
      }
    }
    return batch.length - kept.length;
  }

  /** Count `n` items of a tier that never reached the store (a refused request, a rejected item). */
  countDropped(tier: string, n: number): void {
    if (n > 0) this.count(tier).dropped += n;
  }

  private count(tier: string): TierCount {
    let count = this.tiers.get(tier);
    if (!count) this.tiers.set(tier, (count = { kept: 0, dropped: 0 }));
    return count;
  }

  /** For subclasses: index a new item, forget an evicted one. */
  protected indexed(_item: T): void {}
  protected evicted(_item: T): void {}

  /** Kept and dropped per tier, for the whole boot. */
  counts(): Record<string, TierCount> {
    return Object.fromEntries([...this.tiers].map(([tier, count]) => [tier, { ...count }]));
  }

  /** Items kept in the boot so far (including those no longer in memory). */
  get size(): number {
    return this.total;
  }

  /** What the file could not write (a full disk, a folder that is a file). */
  get fileStatus(): { written: number; lost: number; failure?: string } {
    return this.file ? { written: this.file.written, lost: this.file.lost, failure: this.file.failure } : { written: 0, lost: 0 };
  }

  /** The items in memory that pass `filter`, oldest first, at most the newest `limit`. */
  select(filter: (item: T) => boolean, limit = Infinity): T[] {
    const out: T[] = [];
    for (let i = this.items.length - 1; i >= 0 && out.length < limit; i--) if (filter(this.items[i]!)) out.push(this.items[i]!);
    return out.reverse();
  }

  /** Told of every accepted batch until the returned function is called. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): void {
    this.file?.flushSync();
  }
}
