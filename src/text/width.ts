/**
 * Terminal columns of a text, as string-width counts them (for the UI, whose ink modules use it too: src/tui/
 * ink-overrides, and for `land trace`), without its grapheme segmenter for the texts land draws:
 * printable ASCII and the few symbols of its own frames (›, ·, …, ─, │, arrows), each one column, checked against
 * string-width when this module loads, and no mark that could join them into a cluster. Anything else is string-width's.
 */
import stringWidth from 'string-width';

const SYMBOLS = [...'›·…─│↑↓▏↻'].filter((symbol) => stringWidth(symbol) === 1).join('');
const ONE_COLUMN_EACH = new RegExp(`^[\\u0020-\\u007E${SYMBOLS}]*$`);
// eslint-disable-next-line no-control-regex
const SGR = /\u001B\[[0-9;]*m/g;

/** Whether every character of `text` (no escapes) takes one column: then its width is its length. */
export function oneColumnEach(text: string): boolean {
  return ONE_COLUMN_EACH.test(text);
}

export function textWidth(text: string): number {
  const visible = text.includes('\u001B') ? text.replace(SGR, '') : text;
  return ONE_COLUMN_EACH.test(visible) ? visible.length : stringWidth(text);
}

/** The widest line's width. */
export function widestLine(text: string): number {
  let widest = 0;
  for (const line of text.split('\n')) widest = Math.max(widest, textWidth(line));
  return widest;
}
