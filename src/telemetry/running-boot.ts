/**
 * The boot's root span while the stack runs: `land.boot` is recorded only when it ends (at shutdown), so until then
 * the dashboard's waterfall and `land trace` draw it from what is known — the id every `land.spawn` span names as its
 * parent, the boot's start — marked running. One rule for both, so they agree on the root. A boot whose land died
 * without a shutdown (SIGKILL, a crash, power lost) never records it: `land trace` draws that root marked cut short.
 */

/** What the running stack says of its boot (its snapshot's fields). */
export interface RunningBoot {
  app: string;
  profile: string;
  bootId: string;
  traceId: string;
  startedAt: number;
}

/** A root drawn for a boot still running: a span like any other, `running` set. */
export interface RunningBootSpan {
  traceId: string;
  spanId: string;
  name: 'land.boot';
  tier: string;
  service: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  status: 'unset';
  attributes: Record<string, string>;
  running: true;
}

/** A root drawn for a boot whose land died before recording it: `cutShort` set, ended at the last span known. */
export interface CutShortBootSpan extends Omit<RunningBootSpan, 'status' | 'running'> {
  status: 'error';
  statusMessage: string;
  cutShort: true;
}

/** Why a cut-short root ends where it does: `land trace`, its `--json` and the dashboard's stopped page say it alike. */
export const CUT_SHORT_MESSAGE = 'cut short: land ended without a shutdown (SIGKILL, a crash, the machine lost), so land.boot was never recorded';

interface SpanLike {
  traceId: string;
  name: string;
  parentSpanId?: string;
  service?: string;
  startMs: number;
  endMs: number;
}

/** The trace's first spawn span naming a parent, when the trace has no recorded `land.boot`: its parent is the root. */
function rootlessSpawn<S extends SpanLike>(spans: readonly S[], traceId: string): { inTrace: S[]; spawn: S } | undefined {
  const inTrace = spans.filter((span) => span.traceId === traceId);
  if (inTrace.some((span) => span.name === 'land.boot')) return undefined;
  const spawn = inTrace.find((span) => span.name.startsWith('land.spawn ') && span.parentSpanId);
  return spawn ? { inTrace, spawn } : undefined;
}

/** When a boot id (`20261207T204039123Z-…`, newBootId) says the boot started; undefined for another shape. */
function bootIdTime(bootId: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-/.exec(bootId);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * The root of a boot whose land is gone without recording `land.boot` (the caller knows it is gone: no stack runs
 * the boot and no live land holds it): from the boot's start (its id's time, never after its first span) to the last
 * moment a span of its trace knew of; else undefined.
 */
export function cutShortBootSpan(spans: readonly SpanLike[], traceId: string, bootId: string): CutShortBootSpan | undefined {
  const found = rootlessSpawn(spans, traceId);
  if (!found) return undefined;
  // Loops, not spreads: a boot's trace may hold more spans than a call takes arguments.
  let first = Infinity;
  let last = -Infinity;
  for (const span of found.inTrace) {
    first = Math.min(first, span.startMs);
    last = Math.max(last, span.endMs);
  }
  const startMs = Math.min(bootIdTime(bootId) ?? first, first);
  const endMs = Math.max(startMs, last);
  return {
    traceId,
    spanId: found.spawn.parentSpanId!,
    name: 'land.boot',
    tier: 'mountain',
    // land's own spans name it (`<app>-mountain`).
    service: found.spawn.service ?? '',
    startMs,
    endMs,
    durationMs: endMs - startMs,
    status: 'error',
    statusMessage: CUT_SHORT_MESSAGE,
    attributes: { 'land.boot_id': bootId },
    cutShort: true,
  };
}

/** The running boot's root, when its trace has spawn spans and no recorded `land.boot`; else undefined. */
export function runningBootSpan(spans: readonly SpanLike[], boot: RunningBoot, now = Date.now()): RunningBootSpan | undefined {
  const found = rootlessSpawn(spans, boot.traceId);
  if (!found) return undefined;
  return {
    traceId: boot.traceId,
    spanId: found.spawn.parentSpanId!,
    name: 'land.boot',
    tier: 'mountain',
    service: `${boot.app}-mountain`,
    startMs: boot.startedAt,
    endMs: now,
    durationMs: Math.max(0, now - boot.startedAt),
    status: 'unset',
    attributes: { 'land.profile': boot.profile, 'land.boot_id': boot.bootId },
    running: true,
  };
}
