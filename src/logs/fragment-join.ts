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

  /** No line in progress: whole lines can be appended without asking (a flood's path). */
  get idle(): boolean {
    return this.open.size === 0;
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

/** `entries` (one tier's recent lines, oldest first, as `control.logs` gives them) with their fragments joined. */
export function joinEntries<Entry extends { stream: string; line: string; cut?: LineCut }>(entries: readonly Entry[]): Entry[] {
  const out: Entry[] = [];
  const joiner = new FragmentJoiner<number>();
  const target = (entry: Entry): JoinTarget<number> => ({
    append: () => out.push(entry) - 1,
    replace: (at, line, cut) => {
      const joined: Entry = { ...out[at]!, line, cut };
      if (!cut) delete joined.cut;
      out[at] = joined;
      return true;
    },
  });
  for (const entry of entries) joiner.add(entry.stream, [entry.line], entry.cut, target(entry));
  return out;
}
