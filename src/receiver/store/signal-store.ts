/**
 * What every signal's store shares: items of one kind attributed to tiers, kept for the boot up to a limit (beyond
 * it new items are dropped and counted per tier), the most recent `inMemory` of them in memory for queries and live
 * views, every kept one appended to the boot's record file, and subscribers told of each accepted batch.
 *
 * Items come as records (`add`) or as frames (`admit` + `addFrame`): a protobuf request kept as it came, counted from
 * its survey, written to disk as bytes and converted into records only when someone reads the store (or at once
 * while someone subscribes). That keeps the receiver's hot path to a partial decode; see docs/decisions.md.
 */
import { UNATTRIBUTED } from '../attribution.js';
import type { Origin } from '../model/types.js';
import { HeldItems } from './held-items.js';
import { RecordFile, type Frame } from './record-file.js';

export interface StoreLimits {
  /** Items kept for the whole boot (memory and disk); beyond it new ones are dropped and counted. */
  perBoot: number;
  /**
   * The most recent items of a tier held in memory for queries and live views; all tiers together hold at most
   * twice as many (past that the tier holding the most bytes lets its oldest go: held-items.ts).
   */
  inMemory: number;
  /**
   * Bytes held in memory at most, counted as the items came on the wire (default 16 MiB), frames waiting to be
   * converted included: items of any size cannot make the held ones take more than about that.
   */
  inMemoryBytes?: number;
  /** Items one tier may keep in the boot (default: half of perBoot), so one flooding child cannot crowd out the rest. */
  perTier?: number;
}

export interface TierCount {
  kept: number;
  dropped: number;
  /** Kept items let go from memory to make room (still on disk, in the boot's record file). */
  evicted: number;
}

export const IN_MEMORY_BYTES = 16 * 1024 * 1024;

/** What an item of a batch `add` is given weighs, when the caller does not say (land's own spans). */
const ITEM_BYTES = 512;

export type Listener<T> = (items: readonly T[]) => void;

/** A frame's records (the codec and the conversion); throws for bytes that do not decode. */
export type Expand<T> = (frame: Frame) => T[];

export class SignalStore<T extends Origin> {
  /** The items in memory: the newest, as many as the limits let stay, each tier's share kept from the others. */
  protected readonly memory: HeldItems<T>;
  private total = 0;
  private readonly tiers = new Map<string, TierCount>();
  private readonly listeners = new Set<Listener<T>>();
  private readonly file: RecordFile | undefined;
  /** Frames not converted yet, oldest first, and the items they hold. */
  private pending: Frame[] = [];
  private pendingItems = 0;
  private pendingBytes = 0;
  private readonly pendingBytesOf = new Map<string, number>();
  private expand: Expand<T> | undefined;
  /** Items in frames that would not decode when converted (counted kept when they came). */
  unreadable = 0;
  /** Which limit the last `add` dropped items at: the boot's, a tier's share, or both (the sender is told which). */
  lastOver = { boot: false, tier: false };

  constructor(
    readonly limits: StoreLimits,
    /** Where kept items are appended; none for a store read back from disk. */
    file?: string,
  ) {
    this.file = file ? new RecordFile(file) : undefined;
    const bounds = { perTier: limits.inMemory, items: 2 * limits.inMemory, bytes: this.memoryBytes() };
    this.memory = new HeldItems(bounds, (item) => this.evicted(item));
  }

  private memoryBytes(): number {
    return this.limits.inMemoryBytes ?? IN_MEMORY_BYTES;
  }

  /** How frames become records (set once the codec is loaded; frames are only made after that). */
  expandWith(expand: Expand<T>): void {
    this.expand = expand;
  }

  /**
   * Keeps what fits under the boot's limit; returns how many were dropped. `countAs`: the tier the items are counted
   * for when it is not theirs (land's own spans about a tier count as mountain's). An item this store already holds
   * (`repeated`: a span sent again) is neither kept nor dropped: it was kept once. `bytes`: what the batch took on
   * the wire (what memory is bounded by).
   */
  add(batch: readonly T[], countAs?: string, bytes = batch.length * ITEM_BYTES): number {
    const perTier = this.perTier();
    const kept: T[] = [];
    let dropped = 0;
    this.lastOver = { boot: false, tier: false };
    for (const item of batch) {
      if (this.repeated(item)) continue;
      const count = this.count(countAs ?? item.tier);
      if (this.total >= this.limits.perBoot || count.kept >= perTier) {
        count.dropped += 1;
        dropped += 1;
        if (this.total >= this.limits.perBoot) this.lastOver.boot = true;
        else this.lastOver.tier = true;
        continue;
      }
      this.total += 1;
      count.kept += 1;
      kept.push(item);
    }
    if (kept.length === 0) return dropped;
    this.file?.append(kept);
    this.hold(kept, bytes / batch.length, countAs);
    return dropped;
  }

  /**
   * Counts a surveyed request's items (per resource group: its tier and how many) when all of them fit under the
   * limits, and says so; when any would not, counts nothing (the caller converts the request and `add`s it, which
   * keeps what fits).
   */
  admit(groups: ReadonlyArray<{ tier: string; items: number }>): boolean {
    const perTier = this.perTier();
    const byTier = new Map<string, number>();
    let all = 0;
    for (const group of groups) {
      if (group.items === 0) continue;
      byTier.set(group.tier, (byTier.get(group.tier) ?? 0) + group.items);
      all += group.items;
    }
    if (this.total + all > this.limits.perBoot) return false;
    for (const [tier, n] of byTier) if (this.count(tier).kept + n > perTier) return false;
    for (const [tier, n] of byTier) this.count(tier).kept += n;
    this.total += all;
    return true;
  }

  /** An admitted frame: written as it came, converted when read (at once while someone subscribes). */
  addFrame(frame: Frame): void {
    this.file?.appendFrame(frame);
    this.pending.push(frame);
    this.pendingItems += frame.items;
    this.pendingBytes += frame.body.length;
    this.pendingBytesOf.set(frameTier(frame), (this.pendingBytesOf.get(frameTier(frame)) ?? 0) + frame.body.length);
    // Frames beyond what memory holds need never be converted: they are on disk. Which go is decided as for items.
    while (this.pending.length > 1 && (this.pendingItems > 2 * this.limits.inMemory || this.pendingBytes > this.memoryBytes())) {
      this.unpend(this.heaviestTiersOldestFrame());
    }
    if (this.listeners.size > 0) this.materialize();
  }

  /** The oldest waiting frame of the tier whose waiting frames weigh the most (a frame is its first group's). */
  private heaviestTiersOldestFrame(): number {
    const heaviest = [...this.pendingBytesOf].reduce((most, entry) => (entry[1] > most[1] ? entry : most))[0];
    return Math.max(0, this.pending.findIndex((frame) => frameTier(frame) === heaviest));
  }

  private unpend(at: number): void {
    const frame = this.pending.splice(at, 1)[0]!;
    this.pendingItems -= frame.items;
    this.pendingBytes -= frame.body.length;
    const left = this.pendingBytesOf.get(frameTier(frame))! - frame.body.length;
    if (left > 0) this.pendingBytesOf.set(frameTier(frame), left);
    else this.pendingBytesOf.delete(frameTier(frame));
    this.memory.countEvicted(frameTier(frame), frame.items);
  }

  /** Converts the frames that wait, in arrival order (every read calls it first). */
  protected materialize(): void {
    if (this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    this.pendingItems = 0;
    this.pendingBytes = 0;
    this.pendingBytesOf.clear();
    for (const frame of frames) {
      let items: T[];
      try {
        items = this.expand ? this.expand(frame) : [];
      } catch {
        this.unreadable += frame.items;
        continue;
      }
      if (items.length > 0) this.hold(items, frame.body.length / items.length);
    }
  }

  /**
   * Kept items into memory (after what waits, to keep arrival order), each weighing `bytesEach`, as `countAs`'s when
   * given (else its tier's); past the limits the heaviest tier's oldest go (held-items.ts); subscribers told.
   */
  private hold(kept: T[], bytesEach: number, countAs?: string): void {
    this.materialize();
    for (const item of kept) {
      this.memory.push(item, countAs ?? item.tier, bytesEach);
      this.indexed(item);
    }
    this.memory.trim();
    for (const listener of this.listeners) {
      try {
        listener(kept);
      } catch {
        // a live view that throws must not stop the others or the receiver
      }
    }
  }

  /** Items one tier may keep in the boot. */
  perTier(): number {
    return this.limits.perTier ?? Math.ceil(this.limits.perBoot / 2);
  }

  /** Count `n` items of a tier that never reached the store (a refused request, a rejected item). */
  countDropped(tier: string, n: number): void {
    if (n > 0) this.count(tier).dropped += n;
  }

  private count(tier: string): TierCount {
    let count = this.tiers.get(tier);
    if (!count) this.tiers.set(tier, (count = { kept: 0, dropped: 0, evicted: 0 }));
    return count;
  }

  /** For subclasses: whether `item` was kept already (and, if not, remember it as kept). */
  protected repeated(_item: T): boolean {
    return false;
  }

  /** For subclasses: index a new item, forget an evicted one. */
  protected indexed(_item: T): void {}
  protected evicted(_item: T): void {}

  /** Kept, dropped and let go from memory per tier, for the whole boot. */
  counts(): Record<string, TierCount> {
    return Object.fromEntries([...this.tiers].map(([tier, count]) => [tier, { ...count, evicted: this.memory.evicted.get(tier) ?? 0 }]));
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
    this.materialize();
    const out: T[] = [];
    if (limit > 0) {
      this.memory.newestFirst((item) => {
        if (filter(item)) out.push(item);
        return out.length < limit;
      });
    }
    return out.reverse();
  }

  /**
   * The items in memory newest first, each with its number (its place among the items held this boot: stable while
   * it is held), until `visit` returns false. Nothing is copied: a search that stops early costs what it read.
   */
  newestFirst(visit: (item: T, seq: number) => boolean | void): void {
    this.materialize();
    this.memory.newestFirst(visit);
  }

  /** The item numbered `seq` (see newestFirst), while memory still holds it. */
  numbered(seq: number): T | undefined {
    this.materialize();
    return this.memory.numbered(seq);
  }

  /** How many items memory holds now. */
  get held(): number {
    this.materialize();
    return this.memory.size;
  }

  /** Told of every accepted batch until the returned function is called. */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  flush(): void {
    this.file?.flushSync();
  }

  /** As flush, after the write under way (the end of a boot). */
  async drain(): Promise<void> {
    await this.file?.drain();
  }
}

/** The tier a waiting frame is counted for: its first group's. */
const frameTier = (frame: Frame): string => frame.origins[0]?.tier ?? UNATTRIBUTED;
