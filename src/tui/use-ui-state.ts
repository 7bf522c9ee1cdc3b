/**
 * The UI's own state: the selected tier, the log pane, help, the prompt. Each value is kept in a ref as well, set at
 * once: keys can arrive faster than renders (key repeat, a slow machine), and each must see what the one before did.
 */
import { useLatestState } from './hooks.js';
import type { PaneState } from './pane-actions.js';
import type { Prompt } from './prompt.js';

export interface UiValues {
  selectedName: string | undefined;
  pane: PaneState | null;
  help: boolean;
  prompt: Prompt | null;
}

export function useUiState(firstTier: string | undefined) {
  const [selectedName, setSelectedName, selectedRef] = useLatestState<string | undefined>(firstTier);
  const [pane, setPane, paneRef] = useLatestState<PaneState | null>(null);
  const [help, setHelp, helpRef] = useLatestState(false);
  const [prompt, setPrompt, promptRef] = useLatestState<Prompt | null>(null);
  return {
    /** What this render shows. */
    shown: { selectedName, pane, help, prompt } satisfies UiValues,
    /** What the last key left, for the next one. */
    latest: (): UiValues => ({ selectedName: selectedRef.current, pane: paneRef.current, help: helpRef.current, prompt: promptRef.current }),
    setters: { setSelectedName, setPane, setHelp, setPrompt },
    paneRef,
  };
}
