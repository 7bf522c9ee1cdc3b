/**
 * Recent lines as a stream takes them, a line at a time: each tier's from its ring (no copy), records from the
 * receiver's store, merged by time with a cursor per source. What a client of `land logs` holds is then a cursor
 * per tier and the block it is in, not a merged copy of every tier's lines (docs/decisions.md).
 */
import { joinedLines } from '../logs/fragment-join.js';
import type { RecentReader } from '../supervisor/recent-lines.js';
import type { LogLine } from './protocol.js';

export interface LineSource {
  /** Lines still to come. */
  left(): number;
  /** About how many bytes of text they are. */
  leftBytes(): number;
  next(): LogLine | undefined;
  /** Bytes of the lines still to come that the tiers no longer keep: alive for this source alone. */
  pinnedBytes(): number;
}

/** A list's items as lines, each made when it is taken; `size`: about how many bytes an item's line is. */
export function listSource<T>(items: readonly T[], line: (item: T) => LogLine, size: (item: T) => number): LineSource {
  let at = 0;
  let bytes = items.reduce((sum, item) => sum + size(item), 0);
  return {
    left: () => items.length - at,
    leftBytes: () => bytes,
    next() {
      if (at >= items.length) return undefined;
      bytes -= size(items[at]!);
      return line(items[at++]!);
    },
    pinnedBytes: () => 0,
  };
}

/**
 * A tier's ring, through its reader, as lines of `tier`, a quiet line's fragments joined back (fragment-join.ts).
 * `total`: how many lines that makes, when counted (else `left` is at most).
 */
export function joinedSource(tier: string, reader: RecentReader, total?: number): LineSource {
  const next = joinedLines(() => reader.next());
  let taken = 0;
  return {
    left: () => (total === undefined ? reader.left : total - taken),
    leftBytes: () => reader.leftBytes,
    next() {
      const entry = next();
      if (!entry) return undefined;
      taken += 1;
      return { tier, ...entry };
    },
    pinnedBytes: () => reader.pinnedBytes(),
  };
}

/**
 * The sources merged by time, each in its own order; of one time, the earlier source's first (a stable k-way
 * merge: a source out of time order, a clock stepped back, keeps its order).
 */
export function mergeByTime(sources: readonly LineSource[]): LineSource {
  if (sources.length === 1) return sources[0]!;
  const heads = sources.map((source) => source.next());
  return {
    left: () => sources.reduce((sum, source, i) => sum + source.left() + (heads[i] ? 1 : 0), 0),
    leftBytes: () => sources.reduce((sum, source, i) => sum + source.leftBytes() + (heads[i]?.line.length ?? 0), 0),
    next() {
      let best = -1;
      for (let i = 0; i < heads.length; i++) if (heads[i] && (best === -1 || heads[i]!.at < heads[best]!.at)) best = i;
      if (best === -1) return undefined;
      const line = heads[best];
      heads[best] = sources[best]!.next();
      return line;
    },
    pinnedBytes: () => sources.reduce((sum, source) => sum + source.pinnedBytes(), 0),
  };
}

/** The newest `limit` lines of a source (all of them without a limit): the older ones are skipped when first asked. */
export function newest(source: LineSource, limit: number | undefined): LineSource {
  let skip = limit === undefined ? 0 : Math.max(0, source.left() - limit);
  return {
    left: () => source.left() - skip,
    leftBytes: () => source.leftBytes(),
    next() {
      for (; skip > 0; skip--) source.next();
      return source.next();
    },
    pinnedBytes: () => source.pinnedBytes(),
  };
}

/** Every line of a source, as a list (one tier's answer: at most its ring's lines). */
export function allLines(source: LineSource): LogLine[] {
  const lines: LogLine[] = [];
  for (let line = source.next(); line; line = source.next()) lines.push(line);
  return lines;
}
