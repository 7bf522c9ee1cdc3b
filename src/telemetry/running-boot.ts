/**
 * The boot's root span while the stack runs: `land.boot` is recorded only when it ends (at shutdown), so until then
 * the dashboard's waterfall and `land trace` draw it from what is known — the id every `land.spawn` span names as its
 * parent, the boot's start — marked running. One rule for both, so they agree on the root.
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

interface SpanLike {
  traceId: string;
  name: string;
  parentSpanId?: string;
}

/** The running boot's root, when its trace has spawn spans and no recorded `land.boot`; else undefined. */
export function runningBootSpan(spans: readonly SpanLike[], boot: RunningBoot, now = Date.now()): RunningBootSpan | undefined {
  const inTrace = spans.filter((span) => span.traceId === boot.traceId);
  if (inTrace.some((span) => span.name === 'land.boot')) return undefined;
  const spawn = inTrace.find((span) => span.name.startsWith('land.spawn ') && span.parentSpanId);
  if (!spawn) return undefined;
  return {
    traceId: boot.traceId,
    spanId: spawn.parentSpanId!,
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
