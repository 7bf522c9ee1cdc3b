/**
 * Texts cut and padded to a number of terminal columns (the UI's table cells and log pane's rule, `land trace`'s
 * tree). Apart from src/tui/format.ts, which the dashboard's page and `land status` import too: this needs
 * string-width for what is not one column each.
 */
import { oneColumnEach, textWidth } from './width.js';

/** Made at the first text that needs it (ICU's data is loaded then): most never do. */
let graphemes: Intl.Segmenter | undefined;

/**
 * Cut to `width` terminal columns, ending with an ellipsis when something was cut. Columns, not characters: a
 * character of CJK or an emoji takes two, and a row padded by characters ran past the terminal's edge.
 */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  return oneColumnEach(text) ? cutOneColumnEach(text, width) : cutByColumns(text, width);
}

/** truncate for a text of one column a character (most lines): its length is its width. */
function cutOneColumnEach(text: string, width: number): string {
  return text.length <= width ? text : width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
}

function cutByColumns(text: string, width: number): string {
  if (textWidth(text) <= width) return text;
  let cut = '';
  let used = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(text)) {
    const columns = textWidth(segment);
    if (used + columns > width - 1) break;
    cut += segment;
    used += columns;
  }
  return `${cut}…`;
}

/** Truncate, then pad with spaces to exactly `width` columns. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  // One test of the text on the common path (a cell of a row drawn at every frame).
  if (oneColumnEach(text)) return cutOneColumnEach(text, width).padEnd(width);
  const cut = cutByColumns(text, width);
  return cut + ' '.repeat(Math.max(0, width - textWidth(cut)));
}

/** A title followed by a horizontal line to exactly `width` columns (cut with an ellipsis if the title is longer). */
export function rule(title: string, width: number): string {
  const length = textWidth(title);
  return length >= width ? truncate(title, width) : title + '─'.repeat(width - length);
}
