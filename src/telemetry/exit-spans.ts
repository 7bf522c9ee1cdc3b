/**
 * A child that crashes after its start was ready: its `land.spawn <tier>` span has already ended `ok`, so the crash
 * goes into the trace as a `land.exit <tier>` span under it, with error status and the exit code (`land trace`
 * folds it into the spawn row). Without it a tier that exited with code 3 four times read `ok` everywhere.
 */
import { SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { SupervisorEvent } from '../supervisor/types.js';
import type { TelemetryClient } from './client.js';

type SpawnEvent = Extract<SupervisorEvent, { type: 'spawn' }>;
type ExitEvent = Extract<SupervisorEvent, { type: 'exit' }>;

export const EXIT_SPAN_PREFIX = 'land.exit ';

/** The exits that end a ready tier's life as a failure, with what the exit span's status says first. */
const FAILED_EXITS = new Map([
  ['crashed', ''],
  ['probe-failed', 'liveness probe failed, '],
  ['memory-limit', 'over its memory limit, '],
]);

export class ExitSpans {
  /** The spawn span of each live child, by pid. */
  private readonly spawnSpans = new Map<number, string>();

  constructor(private readonly client: TelemetryClient) {}

  spawned(event: SpawnEvent): void {
    this.spawnSpans.set(event.pid, event.spanId);
  }

  exited(event: ExitEvent, tier: string): void {
    const spanId = this.spawnSpans.get(event.pid);
    this.spawnSpans.delete(event.pid);
    // Before ready the spawn span itself ends with the exit (tier-process); a requested stop is no failure.
    if (!spanId || event.timeToReadyMs === undefined || !FAILED_EXITS.has(event.why)) return;
    const parent = { traceId: this.client.traceId, spanId, traceFlags: TraceFlags.SAMPLED };
    const status = event.signal ? `signal ${event.signal}` : `code ${event.code}`;
    const span = this.client.startSpan(`${EXIT_SPAN_PREFIX}${tier}`, exitAttributes(tier, event), parent);
    span.setStatus({ code: SpanStatusCode.ERROR, message: `${FAILED_EXITS.get(event.why)}exited with ${status}` });
    span.end();
  }
}

/** land.exit_code / land.signal / land.why, as on a spawn span whose start failed. */
export function exitAttributes(tier: string, exit: { code: number | null; signal: string | null; why?: string; pid?: number }) {
  return {
    'land.tier': tier,
    ...(exit.code !== null ? { 'land.exit_code': exit.code } : {}),
    ...(exit.signal ? { 'land.signal': exit.signal } : {}),
    ...(exit.why ? { 'land.why': exit.why } : {}),
    ...(exit.pid !== undefined ? { 'land.pid': exit.pid } : {}),
  };
}
