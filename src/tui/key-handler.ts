/**
 * What each key does (the README's key table): the prompt takes every key while open, help is modal, then the log
 * pane's and the tier list's keys. It reads the UI state the previous key left (not the last render's) and acts
 * through the pane actions and the tier commands the App hands it.
 */
import type { Key } from 'ink';
import type { TierSnapshot } from '../supervisor/types.js';
import { reloadAction, restartAction, scaleAction, startStopAction, type ScaleAction, type TierAction } from './actions.js';
import type { Status } from './components/footer.js';
import { rowBudget } from './layout.js';
import { FOLLOW, scrollBy, scrollToStart } from './log-buffer.js';
import { ALL, type PaneActions, type PaneState } from './pane-actions.js';
import { pastedLine } from './paste.js';
import { addToPrompt, editPrompt, type Prompt } from './prompt.js';

export interface KeyContext {
  pane: PaneState | null;
  help: boolean;
  prompt: Prompt | null;
  selectedName: string | undefined;
  /** `q` was pressed already (up mode). */
  quitting: boolean;
  /** The stack says it is shutting down. */
  shuttingDown: boolean;
  tiers: readonly TierSnapshot[];
  /** The terminal's height. */
  rows: number;
  panes: PaneActions;
  setPane: (next: PaneState | null) => void;
  setHelp: (shown: boolean) => void;
  setPrompt: (prompt: Prompt | null) => void;
  setSelectedName: (name: string) => void;
  /** `q` (a quit), or Ctrl-C (`interrupt`: during the shutdown it cuts it short, as a second Ctrl-C does without the UI). */
  quit: (how?: 'interrupt') => void;
  /** Ctrl-Z: hand the terminal back and stop land until the shell resumes it (use-suspend.ts). */
  suspend: () => void;
  act: (action: TierAction) => void;
  scale: (action: ScaleAction) => void;
  /** `R`: every running tier, in dependency order. */
  restartAll: () => void;
  say: (text: string, kind?: Status['kind']) => void;
}

function select(context: KeyContext, delta: number): void {
  const list = context.tiers;
  const index = Math.max(0, list.findIndex((tier) => tier.name === context.selectedName));
  const next = list[Math.min(Math.max(index + delta, 0), list.length - 1)];
  if (next) context.setSelectedName(next.name);
}

export function handleKey(input: string, key: Key, context: KeyContext): void {
  const { pane, help, panes } = context;
  const list = context.tiers;
  const selectedTier = list.find((tier) => tier.name === context.selectedName) ?? list[0];
  if (key.ctrl && input === 'c') return context.quit('interrupt');
  if (key.ctrl && input === 'z') return context.suspend();
  const typing = context.prompt;
  if (typing) {
    const step = editPrompt(typing, input, key);
    context.setPrompt(step.prompt);
    if (step.submit) panes.submitPrompt(step.submit);
    return;
  }
  // Help is modal: the table is hidden, so no key may act on a tier the person cannot see; every key closes it, `q`
  // too (as in htop and mprocs: `q` in a help screen leaves the help, not the program). Ctrl-C still quits.
  if (help) return context.setHelp(false);
  if (input === 'q') return context.quit();
  if (input === '?') return context.setHelp(true);
  if (key.escape) {
    if (pane?.focused) context.setPane({ ...pane, focused: false });
    else if (pane) panes.closePane();
    return;
  }
  const paneFocused = pane !== null && pane.focused;
  const page = Math.max(1, rowBudget(context.rows, list.length, true).panelLines - 1);
  if (key.tab) {
    if (pane) context.setPane({ ...pane, focused: !pane.focused });
    return;
  }
  if (key.return) {
    if (!selectedTier) return;
    if (pane && pane.tier === selectedTier.name) panes.closePane();
    else panes.openPane(selectedTier.name);
    return;
  }
  if (key.upArrow) return paneFocused ? panes.scrollPane((b, s, h) => scrollBy(b, s, h, -1)) : select(context, -1);
  if (key.downArrow) return paneFocused ? panes.scrollPane((b, s, h) => scrollBy(b, s, h, 1)) : select(context, 1);
  if (key.pageUp) return panes.scrollPane((b, s, h) => scrollBy(b, s, h, -page));
  if (key.pageDown) return panes.scrollPane((b, s, h) => scrollBy(b, s, h, page));
  if (key.home) return panes.scrollPane((b) => scrollToStart(b));
  if (key.end || input === 'f') return panes.scrollPane(() => FOLLOW);
  if (input === 'k') return select(context, -1);
  if (input === 'j') return select(context, 1);
  if (input === '/') return panes.openPrompt('search');
  if (input === '&') return panes.openPrompt('filter');
  if ((input === 'n' || input === 'N') && pane?.search) return panes.searchPane(pane.search.query, input === 'n' ? 'older' : 'newer');
  if (input === 'a') return pane?.tier === ALL ? panes.closePane() : panes.openPane(ALL);
  if ((input === '+' || input === '-') && selectedTier) {
    if (context.quitting || context.shuttingDown) return context.say('the stack is shutting down', 'error');
    return context.scale(scaleAction(selectedTier, list, input === '+' ? 1 : -1));
  }
  if (input === 'R') {
    if (context.quitting || context.shuttingDown) return context.say('the stack is shutting down', 'error');
    return context.restartAll();
  }
  if (input === 'r' || input === 's' || input === 'l') {
    if (!selectedTier) return;
    if (context.quitting || context.shuttingDown) return context.say('the stack is shutting down', 'error');
    const action = { r: restartAction, s: startStopAction, l: reloadAction }[input];
    return context.act(action(selectedTier));
  }
}

/** A bracketed paste (paste.ts): text for the open prompt; anywhere else it is no keys, so nothing acts on it. */
export function handlePaste(text: string, context: KeyContext): void {
  if (context.prompt) return context.setPrompt(addToPrompt(context.prompt, pastedLine(text)));
  context.say('paste ignored: press / (search) or & (filter) first, then paste');
}
