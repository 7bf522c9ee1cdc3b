/**
 * `land trace`: one boot drawn for a terminal — land's recording (spans.ndjson, events.ndjson) and what children sent
 * to the receiver: the boot's trace as a tree with start offsets from the boot span, durations and status (a failed
 * or crashed start shows its exit code), then the traces tiers started on their own, then the events per tier.
 * Fits the given width (80 by default, in terminal columns: a CJK character or an emoji takes two) by cutting names.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { escapeControls } from '../text/controls.js';
import { fit, truncate } from '../text/cut.js';
import { textWidth } from '../text/width.js';
import { readDropped } from '../receiver/drop-note.js';
import { DRAWN_SPANS, LISTED_TRACES } from './trace-limits.js';
import { cutShortBootSpan, runningBootSpan, type RunningBoot } from './running-boot.js';
import { spanForest } from '../trace-tree/span-forest.js';
import { FARTHEST_PLAUSIBLE_MS, timeBase } from '../trace-tree/plausible-time.js';
import { findTraceId, loadBootTrace, shownSpanName, spanJson, spansOfTier, tierTraces, type BootTrace, type TraceSpan } from '../receiver/trace-model.js';

export interface RenderTraceOptions {
  width?: number;
  color?: boolean;
  /** Draw this trace (an id or a unique prefix) instead of the boot's. */
  traceId?: string;
  /** Only this tier's spans (with their ancestors) and traces. */
  tier?: string;
  /**
   * Decodes the OTLP/protobuf requests land's receiver kept as they came (land's own codec, which `land trace`
   * passes); without one, children's spans that came that way are not drawn.
   */
  decoder?: { decode(signal: 'traces' | 'logs' | 'metrics', body: Uint8Array): unknown };
  /** Told, in one line, of spans the receiver accepted that could not be read (`--json` keeps stdout to spans). */
  warn?: (line: string) => void;
  /** Every span and trace (`--all`); else at most DRAWN_SPANS spans and LISTED_TRACES traces, saying what is left. */
  all?: boolean;
  /** The running stack's boot: drawn into its trace as a root marked running, when land.boot is not recorded yet. */
  running?: RunningBoot;
  /**
   * The boot's land is gone (no stack runs it, no live land holds it): a land.boot never recorded is drawn as a root
   * marked cut short.
   */
  ended?: boolean;
}


/** One line on spans the receiver dropped in this boot (malformed, or over its limits), or none. */
function droppedNote(dir: string): string | undefined {
  const { spans } = readDropped(dir);
  if (spans === 0) return undefined;
  return `the receiver dropped ${spans} span${spans > 1 ? 's' : ''} of this boot (malformed or over receiver.limits; per tier in land status --json)`;
}

/** One line on spans accepted then unreadable, or none. */
const unreadableNote = (trace: BootTrace): string | undefined =>
  trace.unreadable > 0
    ? `${trace.unreadable} span${trace.unreadable > 1 ? 's' : ''} of this boot the receiver accepted could not be decoded and ${trace.unreadable > 1 ? 'are' : 'is'} left out (a malformed message inside an item)`
    : undefined;

const ANSI = { dim: '\u001b[2m', red: '\u001b[31m', green: '\u001b[32m', bold: '\u001b[1m', reset: '\u001b[0m' };

/** The latest boot id under a telemetry root (boot ids sort by time), or undefined when there is none. */
export function findLatestBoot(telemetryRoot: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(telemetryRoot);
  } catch {
    return undefined;
  }
  const boots = names.filter((name) => {
    try {
      return statSync(join(telemetryRoot, name)).isDirectory();
    } catch {
      return false;
    }
  });
  boots.sort();
  return boots.at(-1);
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

interface Node {
  span: TraceSpan;
  children: Node[];
  parent?: Node;
}

/**
 * The spans as trees, each list by start; cycles of parent links cut as the dashboard's waterfall cuts them. Loops,
 * not recursion, here and in treeRows: a chain of 100 000 spans, each the child of the last, is a trace too.
 */
function buildTree(spans: TraceSpan[]): Node[] {
  const { roots } = spanForest(spans, (span): Node => ({ span, children: [] }));
  const byStart = (a: Node, b: Node): number => a.span.startMs - b.span.startMs;
  for (const lists = [roots]; lists.length > 0; ) {
    const list = lists.pop()!;
    list.sort(byStart);
    for (const node of list) if (node.children.length > 0) lists.push(node.children);
  }
  return roots;
}

/**
 * The rows of the trees in drawing order (each node, then its children), at most `limit`, each with its tree lines.
 * Below `maxDepth` levels the lines would push the name out of its column (and cost a row the whole depth to draw):
 * a deeper row says its depth as a number instead (`…120 └─ name`).
 */
function treeRows(roots: readonly Node[], maxDepth: number, limit: number): Array<{ node: Node; prefix: string }> {
  const rows: Array<{ node: Node; prefix: string }> = [];
  const stack = roots.map((node) => ({ node, prefix: '', childPrefix: '', depth: 0 })).reverse();
  while (stack.length > 0 && rows.length < limit) {
    const { node, prefix, childPrefix, depth } = stack.pop()!;
    rows.push({ node, prefix });
    const deep = depth + 1 > maxDepth;
    for (let index = node.children.length - 1; index >= 0; index--) {
      const last = index === node.children.length - 1;
      const line = last ? '└─ ' : '├─ ';
      const child = node.children[index]!;
      if (deep) stack.push({ node: child, prefix: `…${depth + 1} ${line}`, childPrefix: '', depth: depth + 1 });
      else stack.push({ node: child, prefix: childPrefix + line, childPrefix: childPrefix + (last ? '   ' : '│  '), depth: depth + 1 });
    }
  }
  return rows;
}

/** A child's span name is a sender's data: its control characters are shown escaped, never sent to the terminal. */
const shownName = (span: TraceSpan): string => escapeControls(shownSpanName(span));

function statusText(span: TraceSpan): string {
  if (span.running) return 'running';
  if (span.cutShort) return 'cut short';
  if (span.status === 'error' && span.exitCode !== undefined) return `exit ${span.exitCode}`;
  if (span.status === 'error' && span.signal) return span.signal.replace(/^SIG/, '');
  return span.status === 'error' ? 'error' : span.status === 'ok' ? 'ok' : '-';
}

/** The boot's root when it is not recorded: drawn running from the stack, or cut short when its land is gone. */
function drawnRoot(trace: BootTrace, traceId: string | undefined, options: RenderTraceOptions): TraceSpan | undefined {
  const { running } = options;
  // The boot's own trace (no land.boot or event named it yet when none is recorded: the stack's is then).
  if (running) return (traceId ?? running.traceId) === running.traceId ? runningBootSpan(trace.spans, running) : undefined;
  if (!options.ended || trace.traceId === undefined || (traceId ?? trace.traceId) !== trace.traceId) return undefined;
  return cutShortBootSpan(trace.spans, trace.traceId, trace.bootId);
}

/** The spans to draw: one trace (the boot's unless asked), filtered by tier. */
function chosenSpans(trace: BootTrace, options: RenderTraceOptions): { traceId: string | undefined; spans: TraceSpan[] } {
  let traceId = trace.traceId;
  if (options.traceId !== undefined) {
    const found = findTraceId(trace, options.traceId);
    if (found === 'ambiguous') throw new InputError(`--trace: "${options.traceId}" matches several traces of boot ${trace.bootId}; give more of the id`);
    if (!found) throw new InputError(`--trace: no trace "${options.traceId}" in boot ${trace.bootId}`);
    traceId = found;
  }
  let spans = traceId === undefined ? trace.spans : trace.spans.filter((span) => span.traceId === traceId);
  const boot = drawnRoot(trace, traceId, options);
  if (boot) spans = [boot, ...spans];
  if (options.tier !== undefined) spans = spansOfTier(spans, options.tier);
  return { traceId, spans };
}

type Paint = (code: keyof typeof ANSI, text: string) => string;

/**
 * The tier column's width, in the span table and the listings under it: the longest tier name there, up to
 * `unattributed`'s 12 (longer ones are cut), at least the header's `tier`.
 */
function tierColumnWidth(tiers: Iterable<string>): number {
  let widest = 4;
  for (const tier of tiers) widest = Math.max(widest, textWidth(tier));
  return Math.min(widest, 12);
}

/** The traces tiers started on their own, each tier's newest (`all`: every one), one line each. */
function tierTraceLines(others: ReturnType<typeof tierTraces>, all: boolean, paint: Paint, width: number, tierWidth: number): string[] {
  const lines = [paint('dim', truncate('traces tiers started on their own (land trace --trace <id> draws one)', width))];
  let unlisted = 0;
  for (const [tier, summaries] of others) {
    // Each tier's newest (listed oldest first): a tier that started thousands does not push the others off the screen.
    const shown = all ? summaries : summaries.slice(-LISTED_TRACES);
    unlisted += summaries.length - shown.length;
    for (const summary of shown) {
      const errors = summary.errors > 0 ? paint('red', ` · ${summary.errors} error${summary.errors > 1 ? 's' : ''}`) : '';
      const head = `${fit(tier, tierWidth)} ${summary.traceId.slice(0, 12)} ${String(summary.spans).padStart(4)} ${summary.spans === 1 ? 'span ' : 'spans'} ${formatMs(summary.durationMs).padStart(7)}  `;
      lines.push(head + truncate(escapeControls(summary.root), Math.max(1, width - textWidth(head) - (errors ? 12 : 0))) + errors);
    }
  }
  if (unlisted > 0) lines.push(paint('dim', truncate(`… ${unlisted} older traces not listed (${LISTED_TRACES} a tier): land trace --all lists all`, width)));
  return lines;
}

/** The boot's events counted by tier and name (of `tier` only, when given), one line a tier. */
function eventLines(events: BootTrace['events'], tier: string | undefined, paint: Paint, width: number, tierWidth: number): string[] {
  const lines = [paint('dim', 'events by tier')];
  const byTier = new Map<string, Map<string, number>>();
  for (const event of events) {
    const of = String(event.properties?.$tier ?? 'unknown');
    if (tier !== undefined && of !== tier) continue;
    const names = byTier.get(of) ?? new Map<string, number>();
    names.set(event.event, (names.get(event.event) ?? 0) + 1);
    byTier.set(of, names);
  }
  for (const [of, names] of [...byTier].sort(([a], [b]) => a.localeCompare(b))) {
    const total = [...names.values()].reduce((sum, n) => sum + n, 0);
    const list = [...names]
      .map(([name, count]) => `${name.replace(new RegExp(`^land:${of}:`), '')}${count > 1 ? ` ×${count}` : ''}`)
      .join(', ');
    const head = `${fit(of, tierWidth)} ${String(total).padStart(5)}  `;
    lines.push(head + truncate(list, width - textWidth(head)));
  }
  return lines;
}

export function renderTrace(dir: string, options: RenderTraceOptions = {}): string {
  const width = Math.max(40, options.width ?? 80);
  const paint: Paint = (code, text) => (options.color ? `${ANSI[code]}${text}${ANSI.reset}` : text);
  const trace = loadBootTrace(dir, options.decoder);
  const { traceId, spans } = chosenSpans(trace, options);
  const events = options.traceId === undefined ? trace.events : [];
  const lines: string[] = [];

  lines.push(paint('bold', truncate(`boot ${trace.bootId}`, width)));
  // The spans recorded: a boot's root drawn (running, or cut short) is not one.
  const recorded = spans.filter((span) => !span.running && !span.cutShort).length;
  lines.push(truncate(`trace ${traceId ?? '-'} · ${recorded} span${recorded === 1 ? '' : 's'} · ${events.length} event${events.length === 1 ? '' : 's'}`, width));
  for (const note of [unreadableNote(trace), droppedNote(dir)]) if (note) lines.push(paint('red', truncate(note, width)));

  const others = options.traceId === undefined ? tierTraces(trace, options.tier) : new Map();
  if (spans.length === 0 && events.length === 0 && others.size === 0) {
    lines.push(`no telemetry recorded in ${dir} (Record=1 writes land's own; the receiver what children send)`);
    return lines.join('\n') + '\n';
  }

  // Columns on the right: tier, start offset, duration, status; the tree and names take the rest.
  const tierWidth = tierColumnWidth([...spans.map((span) => span.tier ?? ''), ...others.keys(), ...events.map((event) => String(event.properties?.$tier ?? 'unknown'))]);
  const offsetWidth = 9;
  const durationWidth = 8;
  // `cut short` is wider than the others (`running`, `exit 137`): the column widens only when it is drawn.
  const statusWidth = Math.max(7, ...spans.filter((span) => span.cutShort).map((span) => statusText(span).length));
  const rightWidth = tierWidth + offsetWidth + durationWidth + statusWidth + 4;
  const nameWidth = width - rightWidth;
  const { base, offClock } = timeBase(spans);
  const offClockSpans = spans.filter((span) => offClock(span.startMs) || offClock(span.endMs)).length;
  if (offClockSpans > 0) {
    const note = `${offClockSpans} span${offClockSpans > 1 ? 's' : ''} with a time before 2000 or a year off the boot: drawn with ?`;
    lines.push(paint('red', truncate(note, width)));
  }

  if (spans.length > 0) {
    lines.push('');
    const header = `${'span'.padEnd(nameWidth)} ${'tier'.padEnd(tierWidth)} ${'start'.padStart(offsetWidth)} ${'took'.padStart(durationWidth)} ${'status'.padStart(statusWidth)}`;
    lines.push(paint('dim', truncate(header, width)));
    // Tree lines take 3 columns a level: at most half the name's column.
    const rows = treeRows(buildTree(spans), Math.max(1, Math.floor(nameWidth / 6)), options.all ? Infinity : DRAWN_SPANS);
    for (const { node, prefix } of rows) {
      const { span } = node;
      // The tree's lines are one column each: only the name is measured (string-width on every row was most of a
      // 100 000-row --all).
      const name = prefix.length < nameWidth ? prefix + fit(shownName(span), nameWidth - prefix.length) : fit(prefix, nameWidth);
      const tier = fit(span.tier ?? '', tierWidth);
      const offset = (offClock(span.startMs) ? '?' : `+${formatMs(Math.max(0, span.startMs - base))}`).padStart(offsetWidth);
      const duration = span.durationMs ?? span.endMs - span.startMs;
      const took = (offClock(span.startMs) !== offClock(span.endMs) || duration > FARTHEST_PLAUSIBLE_MS ? '?' : formatMs(duration)).padStart(durationWidth);
      const text = statusText(span).padStart(statusWidth);
      const status = span.status === 'error' ? paint('red', text) : span.status === 'ok' ? paint('green', text) : text;
      lines.push(`${name} ${tier} ${offset} ${took} ${status}`);
    }
    if (rows.length < spans.length) lines.push(paint('dim', truncate(`… ${spans.length - rows.length} more spans not drawn: land trace --all draws all (--json lists them)`, width)));
  }

  if (others.size > 0) lines.push('', ...tierTraceLines(others, options.all === true, paint, width, tierWidth));
  if (events.length > 0) lines.push('', ...eventLines(events, options.tier, paint, width, tierWidth));
  return lines.join('\n') + '\n';
}

/**
 * `land trace --json`: one JSON object per span of the boot (or of `traceId`), filtered by tier: a `land.exit` span
 * its own, as the dashboard lists it, besides its spawn span carrying its exit code, as the tree draws that row; the
 * boot's root as the tree draws it when it is not recorded (`running: true` or `cutShort: true` on it).
 */
export function traceJsonLines(dir: string, options: Pick<RenderTraceOptions, 'traceId' | 'tier' | 'decoder' | 'warn' | 'running' | 'ended'> = {}): string {
  const trace = loadBootTrace(dir, options.decoder, true);
  for (const note of [unreadableNote(trace), droppedNote(dir)]) if (note) options.warn?.(note);
  let spans = trace.spans;
  let traceId: string | undefined;
  if (options.traceId !== undefined) ({ traceId, spans } = chosenSpans(trace, { traceId: options.traceId }));
  const boot = drawnRoot(trace, traceId, options);
  if (boot) spans = [boot, ...spans];
  if (options.tier !== undefined) spans = spans.filter((span) => span.tier === options.tier);
  return spans
    .sort((a, b) => a.startMs - b.startMs)
    .map((span) => `${JSON.stringify(spanJson(span))}\n`)
    .join('');
}
