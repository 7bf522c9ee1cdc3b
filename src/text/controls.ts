/**
 * Text from outside (a process's name, a sender's service name, what is typed or pasted into the UI's prompt) made
 * safe to print: no control character acts.
 */

// C0, DEL and C1: a terminal acts on each (ESC, and U+009B, a CSI of its own, begin sequences that move or erase).
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\0-\x1f\x7f-\x9f]/g;

/** Each control character as `\xNN` (a line break as `\n`), the rest as is. */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => (c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/** The text without its control characters: for a one-line prompt, where none has a meaning. */
export function dropControls(text: string): string {
  return text.replace(CONTROLS, '');
}
