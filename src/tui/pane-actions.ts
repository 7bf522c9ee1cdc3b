/**
 * What the log pane does: open (one tier's lines or every tier's merged), close, scroll, search, filter, and the
 * `/` and `&` prompts over it. The pane's state is UI state only; its lines come from `control.logs` and `log` events.
 */
import { oneLine } from '../errors.js';
import type { LineCut, LogStream, SupervisorControl, TierSnapshot } from '../supervisor/types.js';
import type { Status } from './components/footer.js';
import { FOLLOW, type LineSource, type Scroll } from './log-buffer.js';
import { findMatches, scrollToLine, stepMatch } from './log-search.js';
import { PaneLines, type PaneSource } from './pane-lines.js';
import type { Prompt } from './prompt.js';

export interface PaneState {
  /** A tier's name, or ALL for the merged view of every tier's output. */
  tier: string;
  focused: boolean;
  scroll: Scroll;
  /** Only lines containing this text ('' shows every line). */
  filter: string;
  /** The last search and the line of its current match (a sequence number of the filtered view). */
  search?: { query: string; current?: number };
}

const INITIAL_LOG_LINES = 500;
/** The merged view's pane id: not a valid tier name, so it never meets a real one. */
export const ALL = '*';

/** What the pane scrolls over: its lines, or the lines matching its filter (kept by PaneLines as they arrive). */
export const paneSource = (lines: PaneLines): PaneSource => lines.view();

export interface PaneContext {
  control: SupervisorControl;
  /** Lines kept per open pane. */
  logCapacity: number;
  /** The tiers as the UI last read them. */
  tiers: () => readonly TierSnapshot[];
  /** Lines of text the pane has room for now. */
  paneHeight: () => number;
  /** The pane as the previous key left it (a ref: keys can arrive faster than renders). */
  paneRef: { readonly current: PaneState | null };
  setPane: (next: PaneState | null) => void;
  /** The open pane's lines, and which tier's `log` events feed them (read by the event listener). */
  bufferRef: { current: PaneLines | null };
  paneTierRef: { current: string | null };
  setHelp: (shown: boolean) => void;
  setPrompt: (prompt: Prompt | null) => void;
  say: (text: string, kind?: Status['kind']) => void;
}

export interface PaneActions {
  openPane(name: string): void;
  closePane(): void;
  scrollPane(change: (source: LineSource, scroll: Scroll, height: number) => Scroll): void;
  searchPane(query: string, direction?: 'older' | 'newer'): void;
  submitPrompt(done: Prompt): void;
  openPrompt(kind: Prompt['kind']): void;
}

export function paneActions(context: PaneContext): PaneActions {
  const { control, paneRef, setPane, bufferRef, paneTierRef, paneHeight, say } = context;

  /** The recent lines a pane opens with (or a filter starts from): one tier's, or every tier's merged by time. */
  const recentLines = (name: string, limit = INITIAL_LOG_LINES): Array<{ stream: LogStream; line: string; at: number; cut?: LineCut; tier?: string }> => {
    if (name !== ALL) return control.logs(name, limit);
    const merged = context.tiers().flatMap((tier) => control.logs(tier.name, limit).map((entry) => ({ ...entry, tier: tier.name })));
    return merged.sort((a, b) => a.at - b.at); // stable: lines of one moment keep their order
  };

  const openPane = (name: string): void => {
    const buffer = new PaneLines(context.logCapacity);
    try {
      for (const entry of recentLines(name)) buffer.add(entry.stream, [entry.line], entry.cut, entry.tier);
    } catch (error) {
      say(`cannot read ${name === ALL ? 'the' : `${name}'s`} logs: ${oneLine(error)}`, 'error');
    }
    bufferRef.current = buffer;
    paneTierRef.current = name;
    context.setHelp(false);
    setPane({ tier: name, focused: true, scroll: FOLLOW, filter: '' });
  };

  const closePane = (): void => {
    bufferRef.current = null;
    paneTierRef.current = null;
    setPane(null);
  };

  const scrollPane = (change: (source: LineSource, scroll: Scroll, height: number) => Scroll): void => {
    const buffer = bufferRef.current;
    const current = paneRef.current;
    if (!buffer || !current) return;
    setPane({ ...current, scroll: change(paneSource(buffer), current.scroll, paneHeight()) });
  };

  /** Go to a search match: `submit` a new query (its newest match), or step to an older or newer one (n / N). */
  const searchPane = (query: string, direction?: 'older' | 'newer'): void => {
    const buffer = bufferRef.current;
    const current = paneRef.current;
    if (!buffer || !current) return;
    if (query === '') return setPane({ ...current, search: undefined });
    const source = paneSource(buffer);
    const matches = findMatches(source, query);
    const from = direction === undefined ? undefined : current.search?.current;
    const next = stepMatch(matches, from, direction ?? 'older');
    if (next === undefined) {
      say(matches.length === 0 ? `no line matches "${query}"` : `no ${direction} match for "${query}"`, 'error');
      return setPane({ ...current, search: { query, current: from } });
    }
    setPane({ ...current, search: { query, current: next }, scroll: scrollToLine(source, next, paneHeight()) });
    say(`match ${matches.indexOf(next) + 1} of ${matches.length} for "${query}" · n older · N newer`);
  };

  const submitPrompt = (done: Prompt): void => {
    const current = paneRef.current;
    if (!current) return;
    if (done.kind === 'search') return searchPane(done.text);
    const lines = bufferRef.current;
    try {
      lines?.setFilter(done.text, () => recentLines(current.tier, context.logCapacity));
    } catch (error) {
      say(`cannot read ${current.tier === ALL ? 'the' : `${current.tier}'s`} logs: ${oneLine(error)}`, 'error');
      return;
    }
    setPane({ ...current, filter: done.text, scroll: FOLLOW, search: current.search && { query: current.search.query } });
    say(done.text === '' ? 'filter cleared' : `showing lines with "${done.text}"`);
  };

  /** `/` and `&` type into a prompt over the pane (the merged view if none is open). */
  const openPrompt = (kind: Prompt['kind']): void => {
    if (!paneRef.current) openPane(ALL);
    context.setPrompt({ kind, text: '' });
  };

  return { openPane, closePane, scrollPane, searchPane, submitPrompt, openPrompt };
}
