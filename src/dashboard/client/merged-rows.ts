/**
 * The Logs page's matching lines and structured records in time order, row by row, without building the merged
 * list: each record's row is found once by binary search over the lines' times, and a row by binary search over the
 * records' rows. A frame under a flood with 100 000 lines costs a few hundred steps, not 100 000 new objects.
 */
import type { LogRecordView } from '../wire.js';

/** The first index of `hits` whose line is at or after `at` (a record goes before the lines of its time and later). */
function firstAtOrAfter(hits: number[], timeOf: (seq: number) => number, at: number): number {
  let low = 0;
  let high = hits.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (timeOf(hits[mid]!) < at) low = mid + 1;
    else high = mid;
  }
  return low;
}

export class MergedRows {
  readonly count: number;
  /** The row of each record (increasing: records are in time order). */
  private readonly slots: number[];

  constructor(
    private readonly hits: number[],
    timeOf: (seq: number) => number,
    /** In time order. */
    private readonly records: LogRecordView[],
  ) {
    this.slots = records.map((record, r) => firstAtOrAfter(hits, timeOf, record.at) + r);
    this.count = hits.length + records.length;
  }

  /** Row `index`: a record, or the number of a matching line. */
  at(index: number): { record: LogRecordView } | { seq: number } {
    let before = 0;
    let high = this.slots.length;
    while (before < high) {
      const mid = (before + high) >> 1;
      if (this.slots[mid]! <= index) before = mid + 1;
      else high = mid;
    }
    if (before > 0 && this.slots[before - 1] === index) return { record: this.records[before - 1]! };
    return { seq: this.hits[index - before]! };
  }
}
