/**
 * The cells that the clock and the usage sampler move, rewritten in place between frames: the header's uptime and,
 * in each tier row, the cells from UP to MEM. On an idle stack these are all that changes, once a second for the
 * first ten minutes; a frame (React, yoga, ink composing and rewriting the whole screen) cost ~3 ms of CPU for that,
 * rewriting the cells costs a few dozen bytes. Anything else that changes (a state, a line, a key, the layout) still
 * draws a frame, and that frame shows the same newest values the cells did.
 *
 * Where: ink draws below whatever the terminal held and leaves the cursor at the start of the line under its output;
 * the spans are positions in that output (header line 0; the table's title on line 2, its rows below). A span that
 * would not be drawn as plain text there (a row cut by a narrow terminal, a dimmed row, a header in colour) is not
 * rewritten: the caller draws a frame instead.
 */
import type { StackSnapshot } from '../supervisor/types.js';
import { textBeforeUptime } from './components/header.js';
import { formatUptime } from './format.js';
import { textWidth } from './ink-overrides/text-width.js';
import { cell, MARKER_WIDTH, windowStart, type Column } from './layout.js';
import { liveCells, tierCells, uptimeCell } from './tier-view.js';
import type { TreeUsage, UsageByPid } from '../usage/tree-usage.js';

/** Text at a line and column of ink's output; `inPlace`: drawn there as plain text, so it can be rewritten there. */
export interface LiveSpan {
  line: number;
  column: number;
  text: string;
  inPlace: boolean;
}

/** What the live cells depend on besides the clock and the usage: the layout of the last frame. */
export interface LiveLayout {
  width: number;
  columns: Column[];
  selected: number;
  visibleRows: number;
}

/** Header lines above the table (Header draws two), then the table's title line. */
const FIRST_ROW_LINE = 3;

/**
 * Every text on screen that moves with the clock or the usage, by a key naming it. Those that cannot be rewritten in
 * place are there too (a countdown or a change note in a row's last column, a row or header drawn otherwise): when one
 * of them changes, the caller draws a frame.
 */
export function liveSpans(snapshot: StackSnapshot, now: number, usage: UsageByPid, layout: LiveLayout): Map<string, LiveSpan> {
  return liveSpansOf(snapshot, layout)(now, usage);
}

/** A span's text after its uptime cell (the live cells start with UP), as the usage entry it was made from gives it. */
interface RowCells {
  tree: TreeUsage | undefined;
  rest: string;
}

/**
 * liveSpans for one snapshot and layout, at any moment and usage: what does not move with them (the header's text
 * before its uptime, the rows' places, a row's cells but the uptime for one usage sample) is worked out once, so a
 * tick of an idle stack formats its uptimes and little else (it runs in V8's interpreter: see src/runtime/optimizer.ts).
 */
export function liveSpansOf(snapshot: StackSnapshot, layout: LiveLayout): (now: number, usage: UsageByPid) => Map<string, LiveSpan> {
  const before = textBeforeUptime(snapshot, layout.width);
  const headerColumn = before === undefined ? Infinity : textWidth(before);
  const { columns } = layout;
  const from = columns.findIndex((candidate) => candidate.key === 'uptime');
  const to = columns.findIndex((candidate) => candidate.key === 'mem');
  const live = columns.slice(from, to + 1);
  const uptimeColumn = live[0]!;
  const start = MARKER_WIDTH + columns.slice(0, from).reduce((sum, candidate) => sum + candidate.width + 1, 0);
  const first = windowStart(layout.selected, layout.visibleRows, snapshot.tiers.length);
  const rows = snapshot.tiers.slice(first, first + layout.visibleRows).map((tier, index) => ({
    tier,
    line: FIRST_ROW_LINE + index,
    known: undefined as RowCells | undefined,
  }));

  return (now, usage) => {
    const spans = new Map<string, LiveSpan>();
    const uptime = formatUptime(now - snapshot.startedAt);
    spans.set('up', { line: 0, column: headerColumn, text: uptime, inPlace: headerColumn + uptime.length <= layout.width });
    // Indexed loops here and in changedSpans: idle land runs in V8's interpreter, where a for-of makes an iterator
    // result per element (and a Map's an entry array too), every tick.
    for (let index = 0; index < rows.length; index += 1) {
      const row = rows[index]!;
      const { tier, line } = row;
      const tree = tier.pid !== undefined ? usage.get(tier.pid) : undefined;
      if (row.known === undefined || row.known.tree !== tree) {
        const cells = liveCells(tier, now, tree);
        row.known = { tree, rest: live.slice(1).map((candidate) => ` ${cell(cells[candidate.key as keyof typeof cells], candidate)}`).join('') };
      }
      // A tick makes the uptime's cell and one string of the row's span (idle land runs in V8's interpreter).
      const text = cell(uptimeCell(tier, now), uptimeColumn) + row.known.rest;
      // Short of the last column: a row cut by a narrow terminal ends in an ellipsis there.
      spans.set(tier.name, { line, column: start, text, inPlace: tier.state !== 'disabled' && start + text.length < layout.width });
      // The last column moves with the clock too in these cases: a backoff's countdown, a change note that expires.
      if (tier.state === 'backoff' || tier.watch?.lastChange) {
        spans.set(`${tier.name} info`, { line, column: -1, text: tierCells(tier, now, undefined).info, inPlace: false });
      }
    }
    return spans;
  };
}

/**
 * The spans that differ from what is on screen, each padded to cover what it replaces; undefined when one of them
 * cannot be rewritten in place (or the two do not hold the same cells).
 */
export function changedSpans(shown: ReadonlyMap<string, LiveSpan>, next: ReadonlyMap<string, LiveSpan>): LiveSpan[] | undefined {
  if (shown.size !== next.size) return undefined;
  const changed: LiveSpan[] = [];
  let fits = true;
  next.forEach((span, key) => {
    if (!fits) return;
    const old = shown.get(key);
    if (!old || old.line !== span.line || old.column !== span.column) fits = false;
    else if (old.text === span.text) return;
    else if (!old.inPlace || !span.inPlace) fits = false;
    else changed.push({ line: span.line, column: span.column, text: span.text.padEnd(old.text.length), inPlace: true });
  });
  return fits ? changed : undefined;
}

/** Whether the spans are in line order already (changedSpans gives them so): then they need no sorted copy. */
function inLineOrder(spans: readonly LiveSpan[]): boolean {
  for (let index = 1; index < spans.length; index += 1) if (spans[index]!.line < spans[index - 1]!.line) return false;
  return true;
}

const vertical = (lines: number): string => (lines < 0 ? `\u001B[${-lines}A` : lines > 0 ? `\u001B[${lines}B` : '');

/**
 * One write that rewrites the spans and puts the cursor back where ink left it: the start of the line below its
 * `height` lines of output.
 */
export function patchSequence(spans: readonly LiveSpan[], height: number): string {
  let line = height;
  let out = '';
  const ordered = inLineOrder(spans) ? spans : [...spans].sort((a, b) => a.line - b.line);
  for (let index = 0; index < ordered.length; index += 1) {
    const span = ordered[index]!;
    out += `${vertical(span.line - line)}\u001B[${span.column + 1}G${span.text}`;
    line = span.line;
  }
  return `${out}${vertical(height - line)}\r`;
}
