/**
 * ink's `Output` (ink 6.8.0, build/output.js), made cheap for rows that change: the bundle and the tests put this
 * module in the place of ink's own (scripts/ink-overrides.mjs says how). ink composes every frame on a grid of
 * styled characters (an object per cell, the whole width, every row), taking each text apart into characters with
 * their styles and putting every row together again; on a 160-column terminal that was most of the UI's CPU, spent
 * again every second for rows whose uptime moved. A row that one write fills (every row land draws) is that write's
 * text as it is: the same characters in the same styles, spelled with the escape codes chalk wrote rather than
 * ink's re-encoding of them. A row several writes share goes through ink's grid as before, and is remembered by
 * those writes. Clipping, transformers and the order of writes are ink's, line for line.
 */
import { styledCharsFromTokens, styledCharsToString, tokenize, type StyledChar } from '@alcalzone/ansi-tokenize';
import sliceAnsi from 'slice-ansi';
import { BoundedCache } from './bounded-cache.js';
import { textWidth, widestLine } from '../../text/width.js';

type Transformer = (line: string, index: number) => string;
type Clip = { x1: number | undefined; x2: number | undefined; y1: number | undefined; y2: number | undefined };
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };

// Rows several writes share, by those writes (they rarely change: land draws each row with one write).
const rows = new BoundedCache<string>(2_000);

/** How many rows were composed (not found): what a frame really cost (the tests read it). */
export const composed = { rows: 0 };

/** One row as ink composes it: blank cells, each write's characters from its column on, wide ones taking two. */
function composeRow(width: number, writes: ReadonlyArray<readonly [number, string]>): string {
  composed.rows += 1;
  const cells: Array<StyledChar | undefined> = [];
  for (let x = 0; x < width; x++) cells.push({ type: 'char', value: ' ', fullWidth: false, styles: [] });
  for (const [x, line] of writes) {
    let offsetX = x;
    for (const character of styledCharsFromTokens(tokenize(line))) {
      cells[offsetX] = character;
      const characterWidth = Math.max(1, textWidth(character.value));
      for (let index = 1; index < characterWidth; index++) {
        cells[offsetX + index] = { type: 'char', value: '', fullWidth: false, styles: character.styles };
      }
      offsetX += characterWidth;
    }
  }
  return styledCharsToString(cells.filter((cell): cell is StyledChar => cell !== undefined)).trimEnd();
}

export default class Output {
  width: number;
  height: number;
  private readonly operations: Operation[] = [];

  constructor(options: { width: number; height: number }) {
    this.width = options.width;
    this.height = options.height;
  }

  write(x: number, y: number, text: string, options: { transformers: Transformer[] }): void {
    if (!text) return;
    this.operations.push({ type: 'write', x, y, text, transformers: options.transformers });
  }

  clip(clip: Clip): void {
    this.operations.push({ type: 'clip', clip });
  }

  unclip(): void {
    this.operations.push({ type: 'unclip' });
  }

  get(): { output: string; height: number } {
    // What lands on each row, in order: [column, text after the transformers].
    const writes: Array<Array<readonly [number, string]>> = Array.from({ length: this.height }, () => []);
    const clips: Clip[] = [];
    for (const operation of this.operations) {
      if (operation.type === 'clip') clips.push(operation.clip);
      if (operation.type === 'unclip') clips.pop();
      if (operation.type !== 'write') continue;
      const placed = this.clipped(operation, clips.at(-1));
      if (!placed) continue;
      let { x, y, lines } = placed;
      let offsetY = 0;
      for (let [index, line] of lines.entries()) {
        const row = writes[y + offsetY];
        if (!row) continue;
        for (const transformer of operation.transformers) line = transformer(line, index);
        row.push([x, line]);
        offsetY++;
      }
    }
    const output = writes
      .map((row) => {
        if (row.length === 0) return '';
        const only = row.length === 1 ? row[0]! : undefined;
        // One write on the row (every row of land's UI): its text as it is, after the blanks before it. ink would
        // take it apart into styled characters and put it together again: the same characters in the same styles,
        // spelled with other escape codes, at the cost of most of a frame. (The wide character's second cell and
        // the blanks after the text add nothing to the string.)
        if (only && only[0] >= 0 && only[0] <= this.width) return (' '.repeat(only[0]) + only[1]).trimEnd();
        const key = `${this.width}\u0000${row.map(([x, line]) => `${x}\u0001${line}`).join('\u0000')}`;
        let text = rows.get(key);
        if (text === undefined) {
          text = composeRow(this.width, row);
          rows.set(key, text);
        }
        return text;
      })
      .join('\n');
    return { output, height: writes.length };
  }

  /** ink's clipping of one write: undefined when it falls outside the clip. */
  private clipped(operation: Extract<Operation, { type: 'write' }>, clip: Clip | undefined) {
    let { x, y } = operation;
    let lines = operation.text.split('\n');
    if (!clip) return { x, y, lines };
    const clipHorizontally = typeof clip.x1 === 'number' && typeof clip.x2 === 'number';
    const clipVertically = typeof clip.y1 === 'number' && typeof clip.y2 === 'number';
    if (clipHorizontally && (x + widestLine(operation.text) < clip.x1! || x > clip.x2!)) return undefined;
    if (clipVertically && (y + lines.length < clip.y1! || y > clip.y2!)) return undefined;
    if (clipHorizontally) {
      lines = lines.map((line) => {
        const from = x < clip.x1! ? clip.x1! - x : 0;
        const width = textWidth(line);
        const to = x + width > clip.x2! ? clip.x2! - x : width;
        return sliceAnsi(line, from, to);
      });
      if (x < clip.x1!) x = clip.x1!;
    }
    if (clipVertically) {
      const from = y < clip.y1! ? clip.y1! - y : 0;
      const to = y + lines.length > clip.y2! ? clip.y2! - y : lines.length;
      lines = lines.slice(from, to);
      if (y < clip.y1!) y = clip.y1!;
    }
    return { x, y, lines };
  }
}
