/**
 * ANSI colour codes (SGR: ESC [ … m) in a log line turned into styled segments; every other escape sequence is
 * dropped. Covers what programs actually print: the 8/16 colours, 256-colour and RGB foregrounds/backgrounds, bold,
 * dim, italic, underline and their resets.
 */
export interface Segment {
  text: string;
  /** CSS class names (ansi-fg-1, ansi-bold, …) */
  classes: string;
  /** A 256-colour or RGB colour, as inline CSS values (set through the CSSOM, so the CSP allows it). */
  color?: string;
  background?: string;
}

interface Style {
  fg?: number;
  bg?: number;
  fgColor?: string;
  bgColor?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

// eslint-disable-next-line no-control-regex
const ESCAPE = /\u001b\[([0-9;]*)([A-Za-z])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[()][A-Za-z0-9]|\u001b./g;

function color256(n: number): string {
  if (n < 16) return `var(--ansi-${n})`;
  if (n >= 232) {
    const level = 8 + (n - 232) * 10;
    return `rgb(${level},${level},${level})`;
  }
  const i = n - 16;
  const step = (v: number) => (v === 0 ? 0 : 55 + v * 40);
  return `rgb(${step(Math.floor(i / 36))},${step(Math.floor(i / 6) % 6)},${step(i % 6)})`;
}

/** Reads an extended colour (38;5;n or 38;2;r;g;b) starting at codes[i]; returns the colour and codes consumed. */
function extended(codes: number[], i: number): [string | undefined, number] {
  if (codes[i + 1] === 5 && codes[i + 2] !== undefined) return [color256(codes[i + 2]!), 2];
  if (codes[i + 1] === 2 && codes[i + 4] !== undefined) return [`rgb(${codes[i + 2]},${codes[i + 3]},${codes[i + 4]})`, 4];
  return [undefined, 0];
}

function apply(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(';').map((p) => Number(p) || 0);
  let next: Style = { ...style };
  for (let i = 0; i < codes.length; i += 1) {
    const code = codes[i]!;
    if (code === 0) next = {};
    else if (code === 1) next.bold = true;
    else if (code === 2) next.dim = true;
    else if (code === 3) next.italic = true;
    else if (code === 4) next.underline = true;
    else if (code === 22) next.bold = next.dim = false;
    else if (code === 23) next.italic = false;
    else if (code === 24) next.underline = false;
    else if (code >= 30 && code <= 37) [next.fg, next.fgColor] = [code - 30, undefined];
    else if (code >= 90 && code <= 97) [next.fg, next.fgColor] = [code - 90 + 8, undefined];
    else if (code === 39) [next.fg, next.fgColor] = [undefined, undefined];
    else if (code >= 40 && code <= 47) [next.bg, next.bgColor] = [code - 40, undefined];
    else if (code >= 100 && code <= 107) [next.bg, next.bgColor] = [code - 100 + 8, undefined];
    else if (code === 49) [next.bg, next.bgColor] = [undefined, undefined];
    else if (code === 38 || code === 48) {
      const [value, used] = extended(codes, i);
      if (code === 38) [next.fg, next.fgColor] = [undefined, value];
      else [next.bg, next.bgColor] = [undefined, value];
      i += used;
    }
  }
  return next;
}

function classesOf(style: Style): string {
  const out: string[] = [];
  if (style.fg !== undefined) out.push(`ansi-fg-${style.fg}`);
  if (style.bg !== undefined) out.push(`ansi-bg-${style.bg}`);
  if (style.bold) out.push('ansi-bold');
  if (style.dim) out.push('ansi-dim');
  if (style.italic) out.push('ansi-italic');
  if (style.underline) out.push('ansi-underline');
  return out.join(' ');
}

/** Plain text of a line (for search): the escapes removed. */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ESCAPE, '') : text;
}

export function parseAnsi(text: string): Segment[] {
  if (!text.includes('\u001b')) return [{ text, classes: '' }];
  const segments: Segment[] = [];
  let style: Style = {};
  let last = 0;
  const push = (chunk: string) => {
    if (chunk) segments.push({ text: chunk, classes: classesOf(style), color: style.fgColor, background: style.bgColor });
  };
  for (const match of text.matchAll(ESCAPE)) {
    push(text.slice(last, match.index));
    if (match[2] === 'm') style = apply(style, match[1] ?? '');
    last = match.index! + match[0].length;
  }
  push(text.slice(last));
  return segments;
}
