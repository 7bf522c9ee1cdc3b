/**
 * An idle stack's garbage collection. Once land's heap has grown by a megabyte past V8's bootstrap without a full
 * collection (every `land up` does, loading its own code), V8's memory reducer schedules collections to give the
 * memory back: a timer 8 s later samples the allocation rate, 8 s after that it starts an incremental mark-compact
 * that shrinks the heap, and then up to two more while each one still shrank it. On an idle stack the second one
 * frees nothing (7.3 → 7.2 MB, committed 8.8 → 8.8 MB in `--trace-gc`), yet costs as much as the first: about half
 * of what an idle `land up --no-tui` spends in its first 30 s (docs/decisions.md, "An idle stack's wake-ups").
 * One reducing collection keeps the memory it gives back and drops the rest.
 */
import { setFlagsFromString } from 'node:v8';

/** V8 reads this flag at each step of the memory reducer, so setting it at run time takes effect. */
const SINGLE_REDUCING_GC = '--memory-reducer-single-gc';

export function quietIdleHeap(): void {
  setFlagsFromString(SINGLE_REDUCING_GC);
}
