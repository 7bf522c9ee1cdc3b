/** A fixed-size buffer of the most recent items. */
export class RingBuffer<T> {
  private items: T[] = [];
  private next = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Oldest first; the newest `limit` when given. */
  toArray(limit = this.capacity): T[] {
    const ordered = [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return ordered.slice(Math.max(0, ordered.length - limit));
  }

  clear(): void {
    this.items = [];
    this.next = 0;
  }
}
