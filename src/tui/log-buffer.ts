/** A bounded buffer of one tier's log lines, and the scrolling window the log pane shows over it. */
import { FragmentJoiner, pipeKey, type JoinTarget } from '../logs/fragment-join.js';
import type { LineCut, LogStream } from '../supervisor/types.js';
import { sanitizeLine } from './format.js';

export interface LogLine {
  stream: LogStream;
  line: string;
  /** Which tier wrote it (the merged view of every tier's output). */
  tier?: string;
}

/** The pane shows a line cut to its width anyway: keeping more of a long line would only grow the buffer. */
const LINE_CHARS = 2048;

/** What the pane scrolls over: the buffer itself, or a filtered view of it (log-search.ts). */
export interface LineSource {
  /** Sequence number of the oldest line kept. */
  readonly start: number;
  /** Sequence number one past the newest line. */
  readonly end: number;
  /** Lines with sequence numbers in [from, to). */
  slice(from: number, to: number): LogLine[];
}

const kept = (line: string) => sanitizeLine(line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS - 1)}…` : line);

export class LogBuffer implements LineSource {
  private lines: LogLine[] = [];
  /** Lines ever appended: the sequence number one past the newest line. */
  private appended = 0;
  /** Lines changed in place (a fragment joined to the rest of its line): with `appended`, the pane's version. */
  private replaced = 0;
  /** A line shown in fragments while its child was quiet gets the rest in place (src/logs/fragment-join.ts). */
  private readonly joiner = new FragmentJoiner<number>();

  constructor(readonly capacity = 2000) {}

  /** The lines of a log event or a recent entry: whole, or (`cut`) one fragment of a line, joined where it can be. */
  add(stream: LogStream, lines: readonly string[], cut?: LineCut, tier?: string): void {
    const key = pipeKey(tier ?? '', stream);
    if (cut === undefined && !this.joiner.isOpen(key)) {
      for (const line of lines) this.push(stream, line, tier);
      return;
    }
    const target: JoinTarget<number> = {
      append: (line) => this.push(stream, line, tier),
      replace: (seq, line) => this.replace(seq, line),
    };
    this.joiner.add(key, lines, cut, target);
  }

  /** Appends a line; returns its sequence number. */
  push(stream: LogStream, line: string, tier?: string): number {
    this.lines.push(tier === undefined ? { stream, line: kept(line) } : { stream, line: kept(line), tier });
    this.appended += 1;
    // Trim in chunks so a flood costs amortised O(1) per line, not a shift per line.
    if (this.lines.length > this.capacity + Math.max(1, this.capacity >> 2)) {
      this.lines.splice(0, this.lines.length - this.capacity);
    }
    return this.appended - 1;
  }

  /** The line numbered `seq` gets a new text; false when it is no longer kept. */
  private replace(seq: number, line: string): boolean {
    if (seq < this.start || seq >= this.appended) return false;
    const index = seq - (this.appended - this.lines.length);
    this.lines[index] = { ...this.lines[index]!, line: kept(line) };
    this.replaced += 1;
    return true;
  }

  /** Changes with every line added or changed: what the pane redraws on. */
  get version(): number {
    return this.appended + this.replaced;
  }

  /** Sequence number of the oldest line kept. */
  get start(): number {
    return this.appended - this.size;
  }

  /** Sequence number one past the newest line. */
  get end(): number {
    return this.appended;
  }

  get size(): number {
    return Math.min(this.lines.length, this.capacity);
  }

  /** Lines with sequence numbers in [from, to). */
  slice(from: number, to: number): LogLine[] {
    const offset = this.appended - this.lines.length;
    return this.lines.slice(Math.max(from, this.start) - offset, Math.max(0, to - offset));
  }
}

/** Where the pane is: following the newest lines, or pinned with `top` (a sequence number) as its first line. */
export type Scroll = { follow: true } | { follow: false; top: number };

export const FOLLOW: Scroll = { follow: true };

export interface PaneWindow {
  lines: LogLine[];
  top: number;
  /** Lines newer than the window (0 when following). */
  below: number;
}

/** The lines the pane shows for a scroll position and a height. */
export function paneWindow(buffer: LineSource, scroll: Scroll, height: number): PaneWindow {
  const lastTop = Math.max(buffer.start, buffer.end - height);
  const top = scroll.follow ? lastTop : clamp(scroll.top, buffer.start, lastTop);
  const lines = buffer.slice(top, top + height);
  return { lines, top, below: Math.max(0, buffer.end - (top + lines.length)) };
}

/** Move by `delta` lines (negative: back in time). Reaching the newest line turns follow back on. */
export function scrollBy(buffer: LineSource, scroll: Scroll, height: number, delta: number): Scroll {
  const current = paneWindow(buffer, scroll, height).top;
  const lastTop = Math.max(buffer.start, buffer.end - height);
  const top = clamp(current + delta, buffer.start, lastTop);
  if (delta > 0 && top >= lastTop) return FOLLOW;
  if (scroll.follow && top === current) return FOLLOW;
  return { follow: false, top };
}

/** Jump to the oldest line kept. */
export function scrollToStart(buffer: LineSource): Scroll {
  return { follow: false, top: buffer.start };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}
