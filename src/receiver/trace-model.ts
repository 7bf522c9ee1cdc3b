/**
 * One boot's spans as `land trace` shows them: land's own (the recording's spans.ndjson) and every child's (the
 * receiver's store), merged by span id, with each `land.exit <tier>` span folded into its `land.spawn` span (which
 * then reads as an error with the exit code), and the traces tiers started on their own summed up.
 */
import { join } from 'node:path';
import { maskedAttributes, shownName } from '../config/masked-values.js';
import { redactText } from '../config/redact.js';
import type { RecordedEvent } from '../telemetry/capture.js';
import { EVENTS_FILE, SPANS_FILE } from '../telemetry/recorder.js';
import type { RecordedSpan } from '../telemetry/spans.js';
import type { StoredSpan } from './model/types.js';
import { readReceived, type FrameDecoder } from './read-back.js';
import { readRecordFile } from './store/record-file.js';
import { summarize, type TraceSummary } from './store/span-store.js';

const EXIT_PREFIX = 'land.exit ';

/** The records of an NDJSON file (land's recording); a torn line is skipped. */
function readRecords<T>(file: string, valid: (record: T) => boolean): T[] {
  return readRecordFile<T>(file, valid).flatMap((entry) => ('record' in entry ? [entry.record] : []));
}

export interface TraceSpan extends Omit<StoredSpan, 'kind' | 'resource'> {
  kind?: string;
  /** The receiver's copy has it; land's recording does not. */
  resource?: StoredSpan['resource'];
  /** The child's exit code (or signal) when this start failed or the child crashed later. */
  exitCode?: number;
  signal?: string;
  /** The boot's root drawn while the stack runs (src/receiver/running-boot.ts): not recorded yet. */
  running?: boolean;
  /** The boot's root drawn for a land that died before recording it (src/telemetry/running-boot.ts). */
  cutShort?: boolean;
}

export interface BootTrace {
  bootId: string;
  /** The boot's own trace (land.boot's), when there is one. */
  traceId?: string;
  spans: TraceSpan[];
  events: RecordedEvent[];
  /** Spans the receiver accepted (200) whose request could not be decoded when read back: left out of `spans`. */
  unreadable: number;
}

function exitOf(span: TraceSpan): { exitCode?: number; signal?: string } {
  const code = span.attributes['land.exit_code'];
  const signal = span.attributes['land.signal'];
  return { ...(typeof code === 'number' ? { exitCode: code } : {}), ...(typeof signal === 'string' ? { signal } : {}) };
}

/**
 * `land.exit` spans become their spawn span's error status and exit code; with `keepExits` (`--json`: every span, as
 * the dashboard lists them) each also stays a span of its own, with its exit code.
 */
function foldExits(spans: TraceSpan[], keepExits: boolean): TraceSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const kept: TraceSpan[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    if (span.name.startsWith(EXIT_PREFIX) && parent) {
      parent.status = 'error';
      parent.statusMessage = span.statusMessage;
      parent.attributes = { ...parent.attributes, ...span.attributes };
      Object.assign(parent, exitOf(span));
      if (!keepExits) continue;
    }
    if (span.status === 'error') Object.assign(span, exitOf(span));
    kept.push(span);
  }
  return kept;
}

/** One of land's own spans: named `land.…`, from the service `<app>-mountain` (a tier cannot be named mountain). */
const isLandOwn = (span: TraceSpan): boolean => span.name.startsWith('land.') && (span.service ?? '').endsWith('-mountain');

/**
 * The boot's trace id: land.boot's; while the boot runs (land.boot ends at shutdown) the trace of land's other
 * spans (a spawn span ends at ready), then the events' (with Record=1). Without it the boot's trace would be drawn
 * as every span of the boot, and listed again among the traces tiers started on their own.
 */
function bootTraceId(spans: readonly TraceSpan[], events: readonly RecordedEvent[]): string | undefined {
  const boot = spans.find((span) => span.name === 'land.boot') ?? spans.find(isLandOwn);
  return boot?.traceId ?? (events[0]?.properties?.$trace_id as string | undefined);
}

/**
 * `decoder`: to read the protobuf requests the receiver kept as they came (without one, only its records);
 * `keepExits`: each `land.exit` span kept as a span of its own too (foldExits).
 */
export function loadBootTrace(dir: string, decoder?: FrameDecoder, keepExits = false): BootTrace {
  const recorded = readRecords<RecordedSpan>(join(dir, SPANS_FILE), (s) => typeof s.spanId === 'string');
  const lost = { items: 0 };
  const received = readReceived<StoredSpan>(dir, 'traces', decoder, lost);
  const merged = new Map<string, TraceSpan>();
  // The store's copy wins: it has the resource and kind the recording lacks.
  for (const span of [...recorded, ...received]) merged.set(`${span.traceId}/${span.spanId}`, { ...span, attributes: { ...span.attributes } } as TraceSpan);
  const spans = foldExits([...merged.values()], keepExits);
  const events = readRecords<RecordedEvent>(join(dir, EVENTS_FILE), (e) => typeof e.event === 'string');
  const traceId = bootTraceId(spans, events);
  const bootId = dir.split(/[\\/]/).filter(Boolean).at(-1) ?? dir;
  return { bootId, traceId, spans, events, unreadable: lost.items };
}

/** The traces other than the boot's, summed up, grouped by the tier of their root. */
export function tierTraces(trace: BootTrace, tier?: string): Map<string, TraceSummary[]> {
  const byTrace = new Map<string, TraceSpan[]>();
  for (const span of trace.spans) {
    if (span.traceId === trace.traceId) continue;
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const byTier = new Map<string, TraceSummary[]>();
  for (const [traceId, spans] of byTrace) {
    const summary = summarize(traceId, spans as StoredSpan[]);
    if (tier !== undefined && !summary.tiers.includes(tier)) continue;
    const list = byTier.get(summary.tier) ?? [];
    list.push(summary);
    byTier.set(summary.tier, list);
  }
  for (const list of byTier.values()) list.sort((a, b) => a.startMs - b.startMs);
  return new Map([...byTier].sort(([a], [b]) => a.localeCompare(b)));
}

/** The spans of `tier` and their ancestors (so a filtered tree still hangs from its root). */
export function spansOfTier(spans: TraceSpan[], tier: string): TraceSpan[] {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const keep = new Set<TraceSpan>();
  for (const span of spans) {
    if (span.tier !== tier) continue;
    for (let at: TraceSpan | undefined = span; at && !keep.has(at); at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) keep.add(at);
  }
  return spans.filter((span) => keep.has(span));
}

/** A trace id given in full or by a unique prefix (as `land trace` prints them). */
export function findTraceId(trace: BootTrace, wanted: string): string | undefined | 'ambiguous' {
  const ids = new Set(trace.spans.map((span) => span.traceId).filter((id) => id.startsWith(wanted.toLowerCase())));
  if (ids.size > 1) return ids.has(wanted.toLowerCase()) ? wanted.toLowerCase() : 'ambiguous';
  return ids.values().next().value;
}

/**
 * A span's name as land shows it (`land trace`, the dashboard's waterfall): a replica's spawn span by the replica's
 * name (`land.spawn web.2`), the span being named by its tier, alike for each replica; any other as it was named,
 * masked (masked-values.ts's shownName: a span named `GET /reset?token=…`).
 */
export function shownSpanName(span: { name: string; attributes: Readonly<Record<string, unknown>> }): string {
  const replica = span.attributes['land.tier.name'];
  const tier = span.attributes['land.tier'];
  if (typeof replica !== 'string' || replica === tier || span.name !== `land.spawn ${String(tier)}`) return shownName(span.name);
  return `land.spawn ${replica}`;
}

/** A span's events with their names and attributes masked as its own are (the dashboard's detail, `--json`). */
export function maskedEvents<E extends { name: string; attributes?: Readonly<Record<string, unknown>> }>(events: readonly E[]): E[] {
  return events.map((event) => ({ ...event, name: shownName(event.name), ...(event.attributes ? { attributes: maskedAttributes(event.attributes) } : {}) }));
}

/** `land trace --json`: one span as its object (one a line), with what the dashboard's span detail shows. */
export function spanJson(span: TraceSpan): Record<string, unknown> {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? null,
    name: shownName(span.name),
    tier: span.tier,
    service: span.service,
    startTime: new Date(span.startMs).toISOString(),
    endTime: new Date(span.endMs).toISOString(),
    durationMs: Math.round(span.durationMs * 1000) / 1000,
    status: span.status,
    ...(span.statusMessage ? { statusMessage: redactText(span.statusMessage) } : {}),
    ...(span.exitCode !== undefined ? { exitCode: span.exitCode } : {}),
    ...(span.signal ? { signal: span.signal } : {}),
    ...(span.kind ? { kind: span.kind } : {}),
    // A root drawn, not recorded: the boot's while it runs, or one whose land died before writing it.
    ...(span.running ? { running: true } : {}),
    ...(span.cutShort ? { cutShort: true } : {}),
    // Masked as the dashboard masks them: a secret never reaches a terminal or a file through `--json` either.
    attributes: maskedAttributes(span.attributes),
    ...(span.events?.length ? { events: maskedEvents(span.events).map(({ timeMs, ...event }) => ({ ...event, time: new Date(timeMs).toISOString() })) } : {}),
    ...(span.resource ? { resource: maskedAttributes(span.resource) } : {}),
    ...(span.scope ? { scope: shownName(span.scope) } : {}),
  };
}
