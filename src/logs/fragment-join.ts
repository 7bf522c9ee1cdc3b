/**
 * Joining a line's fragments back in place, for the views that hold lines: the UI's log pane, the dashboard's log
 * ring, `land logs`' recent lines. A line shown while its child was quiet mid-line (`Password: …`) gets the rest
 * joined to it when it comes (`Password: hunter2`) instead of a line of its own (`…hunter2`); a line that ends with
 * nothing more to show (its newline alone) loses its mark when the pipe's next line comes. The printer and
 * `land logs -f` print as they go and cannot go back: they print each fragment as a line.
 *
 * Only short lines are joined (JOIN_MAX_CHARS): the fragments of an over-long line (1 MiB each, their texts a few KiB
 * of their start and end) stay lines of their own, and so does what comes once a joined line is that long.
 */
import { CUT_MARK } from '../supervisor/fragments.js';
import type { LineCut } from '../supervisor/types.js';

/** The longest line joined in place (as long as the UI's pane keeps a line). */
export const JOIN_MAX_CHARS = 2048;

export interface JoinTarget<At> {
  /** Adds a line; `cut`: which part of a line it is, when it is not whole. Returns where it is. */
  append(text: string, cut: LineCut | undefined): At;
  /** Puts `text` in place of the line at `at`; false when that line is no longer held (it is then appended). */
  replace(at: At, text: string, cut: LineCut | undefined): boolean;
}

interface Open<At> {
  at: At;
  /** The line so far, ending with the mark that says it goes on. */
  text: string;
  /** Whether its start was seen (`first`) or not (`middle`). */
  cut: 'first' | 'middle';
}

/** The key of a pipe: a tier's stdout or stderr (each has its own line in progress). */
export const pipeKey = (tier: string, stream: string) => `${tier}\0${stream}`;

export class FragmentJoiner<At> {
  private readonly open = new Map<string, Open<At>>();

  /**
   * Whether `key`'s pipe has a line in progress: when not, its whole lines can be appended without asking (a flood's
   * path; another pipe's quiet line does not take it off that path).
   */
  isOpen(key: string): boolean {
    return this.open.has(key);
  }

  /** Whether the line at `at` is in progress: more of it may still be joined to it. */
  holds(at: At): boolean {
    for (const open of this.open.values()) if (open.at === at) return true;
    return false;
  }

  /** A block of `key`'s pipe: whole lines, or (`cut`) one fragment of a line, as the supervisor's log event has it. */
  add(key: string, lines: readonly string[], cut: LineCut | undefined, target: JoinTarget<At>): void {
    if (lines.length === 0) return;
    const open = this.open.get(key);
    this.open.delete(key);
    if (open && (cut === 'middle' || cut === 'last')) {
      const text = open.text.slice(0, -CUT_MARK.length) + lines[0]!.slice(CUT_MARK.length);
      const joined = open.cut === 'first' ? (cut === 'last' ? undefined : 'first') : cut;
      if (text.length <= JOIN_MAX_CHARS && target.replace(open.at, text, joined)) {
        if (cut === 'middle') this.open.set(key, { ...open, text });
        return;
      }
    } else if (open) {
      // The line ended with nothing more to show (its newline came alone): only its mark goes.
      target.replace(open.at, open.text.slice(0, -CUT_MARK.length), open.cut === 'first' ? undefined : 'last');
    }
    let at!: At;
    for (const line of lines) at = target.append(line, cut);
    if ((cut === 'first' || cut === 'middle') && lines[0]!.length <= JOIN_MAX_CHARS) this.open.set(key, { at, text: lines[0]!, cut });
  }
}

type Entry = { stream: string; line: string; cut?: LineCut };

/**
 * One tier's recent lines (oldest first, as `control.logs` or a ring's reader gives them, taken from `next`) with
 * their fragments joined, a line at a time: a line goes out once nothing more can be joined to it, and the lines
 * after one still in progress wait behind it (at most what the tier holds). One still in progress at the end goes out
 * as it is, with its mark.
 */
export function joinedLines<E extends Entry>(next: () => E | undefined): () => E | undefined {
  const out: E[] = [];
  /** The place of out[0] among the lines handed out and waiting. */
  let first = 0;
  let ended = false;
  const joiner = new FragmentJoiner<number>();
  const target = (entry: E): JoinTarget<number> => ({
    append: () => first + out.push(entry) - 1,
    replace: (at, line, cut) => {
      const joined: E = { ...out[at - first]!, line, cut };
      if (!cut) delete joined.cut;
      out[at - first] = joined;
      return true;
    },
  });
  return () => {
    while (!ended && (out.length === 0 || joiner.holds(first))) {
      const entry = next();
      if (entry) joiner.add(entry.stream, [entry.line], entry.cut, target(entry));
      else ended = true;
    }
    if (out.length === 0) return undefined;
    first += 1;
    return out.shift();
  };
}

/** How many lines `joinedLines` makes of the lines `next` gives (nothing is kept). */
export function countJoined(next: () => Entry | undefined): number {
  let count = 0;
  const joiner = new FragmentJoiner<number>();
  const target: JoinTarget<number> = { append: () => count++, replace: () => true };
  for (let entry = next(); entry; entry = next()) joiner.add(entry.stream, [entry.line], entry.cut, target);
  return count;
}

/** `entries` (one tier's recent lines, oldest first, as `control.logs` gives them) with their fragments joined. */
export function joinEntries<E extends Entry>(entries: readonly E[]): E[] {
  let at = 0;
  const next = joinedLines(() => entries[at++]);
  const out: E[] = [];
  for (let entry = next(); entry; entry = next()) out.push(entry);
  return out;
}
