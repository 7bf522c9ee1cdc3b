/**
 * A cache that holds at most `limit` entries and forgets the oldest first. A hit does not reorder (that cost more
 * than it saved: what a frame uses is found again at once, and an entry forgotten while in use is merely recomputed).
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
  }

  get size(): number {
    return this.map.size;
  }
}
