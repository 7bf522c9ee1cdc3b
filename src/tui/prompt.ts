/** The one-line prompt of `/` (search) and `&` (filter): what each key does to the text being typed. */
import type { Key } from 'ink';
import { dropControls } from '../text/controls.js';

export interface Prompt {
  kind: 'search' | 'filter';
  text: string;
}

export interface PromptStep {
  /** The prompt still open (null: closed). */
  prompt: Prompt | null;
  /** Enter: the text to apply. */
  submit?: Prompt;
}

/** Characters the prompt keeps: a search text, not a document. A long read typed into it (a paste where bracketed
 * paste is off) would otherwise grow the text key by key, copying it each time: 100 000 characters took minutes. */
export const PROMPT_MAX = 1024;

/** The prompt with `text` added, as far as PROMPT_MAX allows. */
export function addToPrompt(prompt: Prompt, text: string): Prompt {
  if (prompt.text.length >= PROMPT_MAX || text === '') return prompt;
  return { ...prompt, text: prompt.text + text.slice(0, PROMPT_MAX - prompt.text.length) };
}

export function editPrompt(prompt: Prompt, input: string, key: Key): PromptStep {
  if (key.return) return { prompt: null, submit: prompt };
  if (key.escape) return { prompt: null };
  if (key.backspace || key.delete) return { prompt: { ...prompt, text: Array.from(prompt.text).slice(0, -1).join('') } };
  if (key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.tab) return { prompt };
  return { prompt: addToPrompt(prompt, dropControls(input)) };
}

/** How the prompt reads in the status line: `/error▏` or `filter: error▏`. */
export function promptText(prompt: Prompt): string {
  return `${prompt.kind === 'search' ? '/' : 'filter (Enter applies, empty clears): '}${prompt.text}▏`;
}
