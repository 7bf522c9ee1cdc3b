/**
 * The open pane's lines: every line in a bounded buffer, and while a filter is set, the matching lines in a second
 * bounded buffer fed as lines arrive. Filtering the shown window instead would lose a quiet tier in the merged view:
 * next to a tier printing 50k lines/s, the quiet one's lines leave the 2,000-line window within a second, and the
 * filter would then find none of them for good. Each buffer holds at most `capacity` lines.
 */
import { pipeKey } from '../logs/fragment-join.js';
import type { LineCut, LogStream } from '../supervisor/types.js';
import { LogBuffer, type LineSource } from './log-buffer.js';
import { matchesLowered } from './log-search.js';

export interface PaneEntry {
  stream: LogStream;
  line: string;
  cut?: LineCut;
  tier?: string;
}

/** What the pane scrolls over, and (`total`) how many lines the filter looked at to keep those. */
export type PaneSource = LineSource & { total: number };

interface Matching {
  /** The filter's text, lowercased once (matching ignores case). */
  needle: string;
  lines: LogBuffer;
  /** Lines the filter looked at: the history it started from, then every line since. */
  seen: number;
  /** Pipes whose line in progress was kept: the rest of that line is kept too (joined to it by the buffer). */
  open: Set<string>;
}

export class PaneLines {
  readonly all: LogBuffer;
  private matching: Matching | null = null;

  constructor(readonly capacity: number) {
    this.all = new LogBuffer(capacity);
  }

  add(stream: LogStream, lines: readonly string[], cut?: LineCut, tier?: string): void {
    this.all.add(stream, lines, cut, tier);
    if (this.matching) this.feed(this.matching, stream, lines, cut, tier);
  }

  /**
   * Show only the lines containing `text` ('' shows all again), starting from `history`: each tier's own recent
   * lines (the supervisor keeps them per tier), so a quiet tier's lines are found even when the shown window has
   * none of them left.
   */
  setFilter(text: string, history: () => readonly PaneEntry[]): void {
    if (text === '') {
      this.matching = null;
      return;
    }
    const matching: Matching = { needle: text.toLowerCase(), lines: new LogBuffer(this.capacity), seen: 0, open: new Set() };
    for (const entry of history()) this.feed(matching, entry.stream, [entry.line], entry.cut, entry.tier);
    this.matching = matching;
  }

  /** Changes with every line added or changed in what the pane shows. */
  get version(): number {
    return this.all.version + (this.matching ? this.matching.lines.version + 1 : 0);
  }

  view(): PaneSource {
    if (!this.matching) {
      const { all } = this;
      return { start: all.start, end: all.end, total: all.end - all.start, slice: (from, to) => all.slice(from, to) };
    }
    const { lines, seen } = this.matching;
    return { start: lines.start, end: lines.end, total: seen, slice: (from, to) => lines.slice(from, to) };
  }

  /**
   * A fragment of a line (`cut`) is kept when it matches or when its line's earlier fragment was kept (the buffer
   * joins them); a line whose text matches only once joined is missed: the filter sees its parts as they come.
   */
  private feed(matching: Matching, stream: LogStream, lines: readonly string[], cut: LineCut | undefined, tier: string | undefined): void {
    matching.seen += lines.length;
    const { needle } = matching;
    const matches = (line: string) => matchesLowered(line, tier, needle);
    const key = pipeKey(tier ?? '', stream);
    if (cut === undefined) {
      matching.open.delete(key);
      const kept = lines.filter(matches);
      if (kept.length > 0) matching.lines.add(stream, kept, undefined, tier);
      return;
    }
    const keep = (cut !== 'first' && matching.open.has(key)) || lines.some(matches);
    if (keep) matching.lines.add(stream, lines, cut, tier);
    if (keep && cut !== 'last') matching.open.add(key);
    else matching.open.delete(key);
  }
}
