/** What the boot's store holds and dropped, counted: per tier for `land status`, in all for the drop note. */
import type { ReceiverTierCounts } from '../supervisor/types.js';
import { DropNote } from './drop-note.js';
import type { BootStore } from './store/boot-store.js';
import type { SignalStore } from './store/signal-store.js';

type Counts = ReturnType<SignalStore<never>['counts']>;

const droppedOf = (counts: Counts) => Object.values(counts).reduce((sum, count) => sum + count.dropped, 0);

/** The boot's drop note (`dropped.json` in `bootDir`), counting from the store's signals. */
export function dropNoteFor(bootDir: string, store: BootStore): DropNote {
  return new DropNote(bootDir, () => ({
    spans: droppedOf(store.spans.counts()),
    logRecords: droppedOf(store.logs.counts()),
    metricPoints: droppedOf(store.metrics.counts()),
  }));
}

/** Each tier's kept items per signal, and what was dropped (and let go from memory) of all of them. */
export function tierCounts(store: BootStore): Record<string, ReceiverTierCounts> {
  const out: Record<string, ReceiverTierCounts> = {};
  const row = (tier: string) => (out[tier] ??= { spans: 0, logRecords: 0, metricPoints: 0, dropped: 0 });
  const add = (counts: Counts, field: 'spans' | 'logRecords' | 'metricPoints') => {
    for (const [tier, count] of Object.entries(counts)) {
      row(tier)[field] += count.kept;
      row(tier).dropped += count.dropped;
      if (count.evicted > 0) row(tier).evicted = (row(tier).evicted ?? 0) + count.evicted;
    }
  };
  add(store.spans.counts(), 'spans');
  add(store.logs.counts(), 'logRecords');
  add(store.metrics.counts(), 'metricPoints');
  return out;
}
