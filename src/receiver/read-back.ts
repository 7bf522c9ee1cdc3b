/**
 * A boot's received telemetry read back from disk: the records of each store's file, and its frames (protobuf
 * requests kept as they came) decoded and converted with the origins written beside them. Reading frames needs a
 * decoder (the codec): a reader without one gets the records only.
 */
import { join } from 'node:path';
import { expandFrame } from './ingest.js';
import type { Origin, Signal, StoredLogRecord, StoredMetricPoint, StoredSpan } from './model/types.js';
import { createBootStore, FILES, RECEIVER_DIR, type BootStore } from './store/boot-store.js';
import { readRecordFile } from './store/record-file.js';
import type { StoreLimits } from './store/signal-store.js';
import type { OtlpCodec } from './transport/codec.js';

/** Decodes a frame's request: the only part of the codec reading back needs. */
export type FrameDecoder = Pick<OtlpCodec, 'decode'>;

const FILE_OF: Record<Signal, string> = { traces: FILES.spans, logs: FILES.logs, metrics: FILES.metrics };
const VALID: Record<Signal, (record: Record<string, unknown>) => boolean> = {
  traces: (s) => typeof s.spanId === 'string' && typeof s.traceId === 'string',
  logs: (r) => typeof r.timeMs === 'number',
  metrics: (p) => typeof p.name === 'string',
};

/** What reading back could not read: items of frames that do not decode (their requests were answered 200). */
export interface Unreadable {
  items: number;
}

/** Every item of one signal kept for the boot in `bootDir`, in arrival order; `lost` counts the items left out. */
export function readReceived<T extends Origin>(bootDir: string, signal: Signal, decoder?: FrameDecoder, lost?: Unreadable): T[] {
  const out: T[] = [];
  for (const entry of readRecordFile<Record<string, unknown>>(join(bootDir, RECEIVER_DIR, FILE_OF[signal]), VALID[signal])) {
    if ('record' in entry) out.push(entry.record as unknown as T);
    else if (decoder) {
      try {
        out.push(...(expandFrame(signal, decoder, entry.frame) as T[]));
      } catch {
        // A frame that does not decode (a malformed message the survey skipped, a disk that lied): its items are
        // left out, and counted so the reader can say so.
        if (lost) lost.items += entry.frame.items;
      }
    }
  }
  return out;
}

/** A past (or running) boot's received telemetry, read back into stores that hold all of it. */
export function openBootStore(bootDir: string, decoder?: FrameDecoder): BootStore {
  const spans = readReceived<StoredSpan>(bootDir, 'traces', decoder);
  const logs = readReceived<StoredLogRecord>(bootDir, 'logs', decoder);
  const metrics = readReceived<StoredMetricPoint>(bootDir, 'metrics', decoder);
  const all = (perBoot: number): StoreLimits => ({ perBoot, inMemory: perBoot, perTier: perBoot, inMemoryBytes: Infinity });
  const store = createBootStore(undefined, { spans: all(spans.length), logRecords: all(logs.length), metricPoints: all(metrics.length) });
  store.spans.add(spans);
  store.logs.add(logs);
  store.metrics.add(metrics);
  return store;
}
