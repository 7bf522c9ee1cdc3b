/**
 * The cells that the clock, the usage sampler and the log lines move, rewritten in place between frames: the header's
 * uptime and, in each tier row, the cells from UP to MEM and the last column (the tier's last line). On an idle stack
 * the clock's are all that changes, once a second for the first ten minutes; under a log flood the last lines change
 * at every refresh (ten a second). A frame (React, yoga, ink composing and rewriting the whole screen) cost ~3 ms of
 * CPU for that, rewriting the cells costs a few hundred bytes. Anything else that changes (a state, a key, the layout,
 * the log pane) still draws a frame, and that frame shows the same newest values the cells did.
 *
 * Where: ink draws below whatever the terminal held and leaves the cursor at the start of the line under its output;
 * the spans are positions in that output (header line 0; the table's title on line 2, its rows below). A span that
 * would not be drawn as plain text there (a row cut by a narrow terminal, a dimmed row, a header in colour, a last
 * line with a character wider or narrower than one column) is not rewritten: the caller draws a frame instead.
 */
import type { StackSnapshot, TierSnapshot } from '../supervisor/types.js';
import { textBeforeUptime } from './components/header.js';
import { formatUptime } from './format.js';
import { oneColumnEach, textWidth } from '../text/width.js';
import { cell, MARKER_WIDTH, windowStart, type Column } from './layout.js';
import { infoCell, infoMovesWithClock, liveCells, uptimeCell } from './tier-view.js';
import { usageOfTier, type TreeUsage, type UsageByPid } from '../usage/tree-usage.js';

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
 * Every text on screen that moves with the clock, the usage or a tier's last line, by a key naming it. Those that
 * cannot be rewritten in place are there too (a countdown or a change note in a row's last column, a row or header
 * drawn otherwise): when one of them changes, the caller draws a frame.
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
 * before its uptime, the rows' places, a row's last column, a row's cells but the uptime for one usage sample) is
 * worked out once, so a tick of an idle stack formats its uptimes and little else (it runs in V8's interpreter: see
 * src/runtime/optimizer.ts).
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
  const info = columns[columns.length - 1]!;
  const infoStart = MARKER_WIDTH + columns.slice(0, -1).reduce((sum, candidate) => sum + candidate.width + 1, 0);
  /** A row's last column: in place when it is plain text of one column a character, within the terminal's width. */
  const infoSpan = (tier: TierSnapshot, line: number, now: number): LiveSpan => {
    const text = cell(infoCell(tier, now), info).trimEnd();
    const plain = tier.state !== 'disabled' && !infoMovesWithClock(tier) && oneColumnEach(text);
    return { line, column: infoStart, text, inPlace: plain && infoStart + text.length <= layout.width };
  };
  const rows = snapshot.tiers.slice(first, first + layout.visibleRows).map((tier, index) => ({
    tier,
    line: FIRST_ROW_LINE + index,
    known: undefined as RowCells | undefined,
    info: undefined as LiveSpan | undefined,
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
      const tree = usageOfTier(usage, tier);
      if (row.known === undefined || row.known.tree !== tree) {
        const cells = liveCells(tier, now, tree);
        row.known = { tree, rest: live.slice(1).map((candidate) => ` ${cell(cells[candidate.key as keyof typeof cells], candidate)}`).join('') };
      }
      // A tick makes the uptime's cell and one string of the row's span (idle land runs in V8's interpreter).
      const text = cell(uptimeCell(tier, now), uptimeColumn) + row.known.rest;
      // Short of the last column: a row cut by a narrow terminal ends in an ellipsis there.
      spans.set(tier.name, { line, column: start, text, inPlace: tier.state !== 'disabled' && start + text.length < layout.width });
      if (row.info === undefined || infoMovesWithClock(tier)) row.info = infoSpan(tier, line, now);
      spans.set(`${tier.name} info`, row.info);
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
