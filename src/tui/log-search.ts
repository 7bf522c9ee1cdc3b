/**
 * Filter and search over the log pane's lines. Both match a plain text, ignoring case (what a person types after
 * `&` or `/`). A filter shows only the lines that match; a search moves the pane to a match and marks it.
 */
import type { LineSource, Scroll } from './log-buffer.js';

/**
 * Whether a line or its tier's name holds `needle`, given lowercased: lowered once per filter or search, not once per
 * line (a filter looks at every line as it arrives, a flood's too).
 */
export function matchesLowered(line: string, tier: string | undefined, needle: string): boolean {
  return line.toLowerCase().includes(needle) || (tier !== undefined && tier.toLowerCase().includes(needle));
}

/** Sequence numbers of the lines that contain `query`, oldest first. */
export function findMatches(source: LineSource, query: string): number[] {
  if (query === '') return [];
  const needle = query.toLowerCase();
  const found: number[] = [];
  source.slice(source.start, source.end).forEach((line, index) => {
    if (matchesLowered(line.line, line.tier, needle)) found.push(source.start + index);
  });
  return found;
}

/** The match to go to from `current`: `older` (n) or newer (N); undefined at the end of the list. */
export function stepMatch(matches: readonly number[], current: number | undefined, direction: 'older' | 'newer'): number | undefined {
  if (matches.length === 0) return undefined;
  if (current === undefined) return matches.at(-1);
  return direction === 'older' ? [...matches].reverse().find((seq) => seq < current) : matches.find((seq) => seq > current);
}

/** A scroll position that shows line `seq` in the middle of a pane `height` lines high (pinned: not following). */
export function scrollToLine(source: LineSource, seq: number, height: number): Scroll {
  const lastTop = Math.max(source.start, source.end - height);
  const top = Math.min(Math.max(seq - Math.floor(height / 2), source.start), lastTop);
  return { follow: false, top };
}

/** A line cut into plain and matching parts, for highlighting the search text. */
export function splitMatches(text: string, query: string): Array<{ text: string; match: boolean }> {
  if (query === '') return [{ text, match: false }];
  const parts: Array<{ text: string; match: boolean }> = [];
  const lower = text.toLowerCase();
  const needle = query.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + needle.length), match: true });
    from = at + needle.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
