/**
 * A boot's received telemetry: one store per signal, written under `<boot's telemetry folder>/receiver/` as
 * `spans.records`, `logs.records` and `metrics.records` (record-file.ts: the records of model/types.ts one per line,
 * and protobuf requests kept as they came), beside the boot's recording, so a past boot can be read back whole
 * (read-back.ts) and is pruned with its folder.
 *
 * The query and subscribe interface (for `land trace`, `land logs`, the dashboard):
 *   spans.trace(traceId)                 every span of a trace, by start
 *   spans.ofTier(tier, limit?)           a tier's spans
 *   spans.traces({ tier?, exclude? })    each trace summed up (root, tiers, span count, errors, duration)
 *   logs.query({ tier?, minSeverity?, traceId?, text?, sinceMs?, limit? })
 *   metrics.series({ tier?, name? })     points grouped by tier, name and attributes; metrics.names(tier?)
 *   <store>.subscribe(listener)          each accepted batch, live; returns the unsubscribe function
 *   <store>.counts()                     kept and dropped per tier
 */
import { join } from 'node:path';
import { RECEIVER_DEFAULTS, type ResolvedReceiver } from '../../config/receiver.js';
import { LogStore } from './log-store.js';
import { MetricStore } from './metric-store.js';
import type { StoreLimits } from './signal-store.js';
import { SpanStore } from './span-store.js';

export const RECEIVER_DIR = 'receiver';
export const FILES = { spans: 'spans.records', logs: 'logs.records', metrics: 'metrics.records' } as const;

export interface ReceiverLimits {
  spans: StoreLimits;
  logRecords: StoreLimits;
  metricPoints: StoreLimits;
}

/** How many of the most recent items each store holds in memory (the rest of the boot's are on disk). */
const IN_MEMORY = { spans: 10_000, logRecords: 10_000, metricPoints: 20_000 };

/** The stores' limits from the items kept per boot (the config's `receiver.limits`). */
export function storeLimits(perBoot: ResolvedReceiver['limits']): ReceiverLimits {
  const limit = (key: keyof typeof IN_MEMORY) => ({ perBoot: perBoot[key], inMemory: Math.min(perBoot[key], IN_MEMORY[key]) });
  return { spans: limit('spans'), logRecords: limit('logRecords'), metricPoints: limit('metricPoints') };
}

/** Defaults (docs/telemetry.md): per boot on disk, and the most recent ones in memory. */
export const DEFAULT_LIMITS: ReceiverLimits = storeLimits(RECEIVER_DEFAULTS.limits);

export interface BootStore {
  readonly spans: SpanStore;
  readonly logs: LogStore;
  readonly metrics: MetricStore;
  /** Write what waits for the disk (synchronously: an 'exit' hook). */
  flush(): void;
  /** Write what waits for the disk after the writes under way (the end of a boot). */
  drain(): Promise<void>;
}

/** The live store of a running boot, writing under `<bootDir>/receiver/`. */
export function createBootStore(bootDir: string | undefined, limits: ReceiverLimits = DEFAULT_LIMITS): BootStore {
  const file = (name: string) => (bootDir ? join(bootDir, RECEIVER_DIR, name) : undefined);
  const spans = new SpanStore(limits.spans, file(FILES.spans));
  const logs = new LogStore(limits.logRecords, file(FILES.logs));
  const metrics = new MetricStore(limits.metricPoints, file(FILES.metrics));
  return {
    spans,
    logs,
    metrics,
    flush() {
      spans.flush();
      logs.flush();
      metrics.flush();
    },
    async drain() {
      await Promise.all([spans.drain(), logs.drain(), metrics.drain()]);
    },
  };
}
