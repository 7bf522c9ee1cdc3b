/**
 * land's replacements for some of ink's modules (src/tui/ink-overrides/) against ink's own. Output: the same
 * characters in the same styles on every row from the same writes, clips and transformers; a row shared by several
 * writes is composed once and remembered. measureText, wrapText and the width they count: the same answers.
 */
import { styledCharsFromTokens, styledCharsToString, tokenize } from '@alcalzone/ansi-tokenize';
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
// ink's own modules (outside its package exports, so by their paths): the originals the replacements must match.
import inkMeasureText from '../../node_modules/ink/build/measure-text.js';
import InkOutput from '../../node_modules/ink/build/output.js';
import inkWrapText from '../../node_modules/ink/build/wrap-text.js';
import measureText from '../../src/tui/ink-overrides/measure-text.js';
import Output, { composed } from '../../src/tui/ink-overrides/output.js';
import { BoundedCache } from '../../src/tui/ink-overrides/bounded-cache.js';
import { textWidth, widestLine } from '../../src/text/width.js';
import wrapText from '../../src/tui/ink-overrides/wrap-text.js';

type Clip = { x1?: number; x2?: number; y1?: number; y2?: number };
type Step =
  | ['write', number, number, string, Array<(line: string, index: number) => string>?]
  | ['clip', Clip]
  | ['unclip'];

interface AnyOutput {
  write(x: number, y: number, text: string, options: { transformers: Array<(line: string, index: number) => string> }): void;
  clip(clip: Clip): void;
  unclip(): void;
  get(): { output: string; height: number };
}

function frame(make: () => AnyOutput, steps: Step[]) {
  const output = make();
  for (const step of steps) {
    if (step[0] === 'write') output.write(step[1], step[2], step[3], { transformers: step[4] ?? [] });
    else if (step[0] === 'clip') output.clip(step[1]);
    else output.unclip();
  }
  return output.get();
}

/** A frame as ink spells it: each row taken apart into styled characters and put together again. */
const spelled = ({ output, height }: { output: string; height: number }) => ({
  output: output
    .split('\n')
    .map((row) => styledCharsToString(styledCharsFromTokens(tokenize(row))).trimEnd())
    .join('\n'),
  height,
});

const red = (text: string) => `\u001B[31m${text}\u001B[39m`;
const bold = (text: string) => `\u001B[1m${text}\u001B[22m`;
const numbered = (line: string, index: number) => `${index}:${line}`;

const CASES: Array<[string, number, number, Step[]]> = [
  ['plain rows', 40, 4, [['write', 0, 0, 'land bench · up 3m04s'], ['write', 2, 2, 'c0  ready  1234']]],
  ['styled text and nested styles', 60, 3, [['write', 0, 0, `${bold('land')} ${red('failed')} ok`], ['write', 0, 1, red(`a ${bold('b')} c`)]]],
  ['several writes on one row, overlapping', 30, 2, [['write', 0, 0, 'abcdefghij'], ['write', 3, 0, red('XYZ')], ['write', 8, 0, 'tail']]],
  ['a write of several lines, with transformers', 30, 5, [['write', 1, 1, 'one\ntwo\nthree', [numbered, (line) => bold(line)]]]],
  ['wide characters and emoji', 20, 2, [['write', 0, 0, '漢字 ok'], ['write', 0, 1, 'a😀b']]],
  ['writes beyond the height or above it', 20, 2, [['write', 0, 1, 'last\nbeyond'], ['write', 0, -1, 'above\nand below']]],
  ['one write per row: indented, styled, wide, ending in styled blanks', 20, 3, [['write', 3, 0, `${red('漢字')} x`], ['write', 0, 1, `ab\u001B[7m  \u001B[27m`], ['write', 20, 2, 'at the edge']]],
  ['an empty text', 10, 1, [['write', 0, 0, '']]],
  ['clipped horizontally and vertically', 20, 4, [['clip', { x1: 2, x2: 8, y1: 1, y2: 3 }], ['write', 0, 0, 'row zero\nrow one is long\nrow two\nrow three'], ['unclip'], ['write', 10, 0, 'free']]],
  ['clipped out entirely', 20, 3, [['clip', { x1: 0, x2: 5, y1: 0, y2: 1 }], ['write', 10, 0, 'right'], ['write', 0, 2, 'below'], ['unclip']]],
  ['a row past the width', 8, 1, [['write', 6, 0, 'overflowing']]],
];

describe('ink Output replacement', () => {
  it.each(CASES)('shows what ink shows: %s', (_name, width, height, steps) => {
    const expected = frame(() => new InkOutput({ width, height }) as AnyOutput, steps);
    expect(spelled(frame(() => new Output({ width, height }), steps))).toEqual(expected);
    // Again, now from what it remembers.
    expect(spelled(frame(() => new Output({ width, height }), steps))).toEqual(expected);
  });

  it('takes a row one write fills as it is, and composes a shared row once', () => {
    const rows = (changed: string): Step[] => [
      ...Array.from({ length: 20 }, (_, y) => ['write', 0, y, y === 7 ? red(changed) : `row ${y} ${bold('same')}`] as Step),
      ['write', 0, 21, 'left'],
      ['write', 10, 21, red('right')],
    ];
    const before = composed.rows;
    const first = frame(() => new Output({ width: 160, height: 22 }), rows('uptime 41s'));
    expect(first.output.split('\n')[7]).toBe(red('uptime 41s'));
    expect(composed.rows - before).toBe(1);
    const second = frame(() => new Output({ width: 160, height: 22 }), rows('uptime 42s'));
    expect(composed.rows - before).toBe(1);
    expect(spelled(second)).toEqual(frame(() => new InkOutput({ width: 160, height: 22 }) as AnyOutput, rows('uptime 42s')));
  });
});

describe('ink renders through the replacement', () => {
  it('ink draws its frames through it (a row two Texts share is composed here)', async () => {
    const { createElement } = await import('react');
    const { Box, Text } = await import('ink');
    const { render } = await import('ink-testing-library');
    const before = composed.rows;
    const app = render(createElement(Box, null, createElement(Text, null, 'two writes'), createElement(Text, null, ` on one row ${process.pid}`)));
    try {
      expect(app.lastFrame()).toContain(`two writes on one row ${process.pid}`);
      expect(composed.rows).toBeGreaterThan(before);
    } finally {
      app.unmount();
    }
  });
});

const TEXTS = [
  '',
  'plain ascii',
  '  c0          ready      4197    42s   0  120ms     -     - hello',
  `› ${bold(red('c1'))} · restart in 3s … ─── │ ↑↓ ▏ ↻ done`,
  'land bench · profile debug · up 3m04s\nPostHog off · OTLP off',
  '漢字 wide · ｆｕｌｌ',
  'emoji 😀 and 👍🏽 and a family 👨‍👩‍👧',
  'e\u0301 combining · ›\u0301 a symbol with a mark',
  '\u001B]8;;https://example.com\u0007link\u001B]8;;\u0007 and \u001B[38:5:1mcolon\u001B[39m',
  'tab\there',
];

describe('ink text measuring replacements', () => {
  it.each(TEXTS)('count what string-width and ink count: %j', (text) => {
    for (const line of text.split('\n')) expect(textWidth(line)).toBe(stringWidth(line));
    expect(widestLine(text)).toBe(Math.max(0, ...text.split('\n').map((line) => stringWidth(line))));
    expect(measureText(text)).toEqual(inkMeasureText(text));
    for (const width of [1, 5, 12, 40, 200]) {
      for (const wrap of ['wrap', 'truncate', 'truncate-end', 'truncate-middle', 'truncate-start', 'end'] as const) {
        expect(wrapText(text, width, wrap), `${wrap} at ${width}`).toBe(inkWrapText(text, width, wrap));
      }
    }
  });

  it('keep their caches bounded: the oldest entries are forgotten past the limit', () => {
    const cache = new BoundedCache<number>(3);
    for (const [key, value] of [['a', 1], ['b', 2], ['c', 3], ['d', 4]] as const) cache.set(key, value);
    expect(cache.size).toBe(3);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c'), cache.get('d')]).toEqual([2, 3, 4]);
    // ink's own keep every text: many distinct ones leave land's at their limit.
    for (let i = 0; i < 10_000; i++) measureText(`line ${i} of a flood`);
    expect(measureText('line 9999 of a flood')).toEqual({ width: 20, height: 1 });
  });
});
