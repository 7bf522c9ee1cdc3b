/** Fragments of an over-long line: printed from their bytes as read, kept in the views as their start and end. */
import { describe, expect, it } from 'vitest';
import { FRAGMENT_SHOWN_BYTES, fragmentText, fullFragmentText, markedPieces } from '../../src/supervisor/fragments.js';
import { LineSplitter, MAX_LINE_BYTES, type LineCut } from '../../src/supervisor/line-splitter.js';

/** `bytes` in reads of `size`, as a pipe hands them on. */
function reads(bytes: Buffer, size: number): Buffer[] {
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
}

describe('fragments', () => {
  it('a short fragment is its whole text between the marks; the last one without its line end', () => {
    expect(fragmentText([Buffer.from('abc'), Buffer.from('dé')], 'first')).toBe('abcdé…');
    expect(fragmentText([Buffer.from('abc')], 'middle')).toBe('…abc…');
    expect(fragmentText([Buffer.from('ab'), Buffer.from('c\r\n')], 'last')).toBe('…abc');
    expect(fragmentText([], 'last')).toBe('…');
  });

  it('a long fragment shows its first and last 2 KiB, cut between characters, and how many bytes lie between', () => {
    // Three-byte characters, so that neither end falls on a character boundary by chance.
    const text = `S${'漢'.repeat(200_000)}E`;
    const bytes = Buffer.from(text);
    const shown = fragmentText(reads(bytes, 65_536), 'middle');
    const match = /^…(S漢+) \[… (\d+) bytes …\] (漢+E)…$/.exec(shown);
    expect(match, shown.slice(0, 80)).not.toBeNull();
    const [, head, between, tail] = match!;
    expect(Buffer.byteLength(head!)).toBeLessThanOrEqual(FRAGMENT_SHOWN_BYTES);
    expect(Buffer.byteLength(head!)).toBeGreaterThan(FRAGMENT_SHOWN_BYTES - 3);
    expect(Buffer.byteLength(tail!)).toBeLessThanOrEqual(FRAGMENT_SHOWN_BYTES);
    expect(Buffer.byteLength(tail!)).toBeGreaterThan(FRAGMENT_SHOWN_BYTES - 3);
    expect(Buffer.byteLength(head!) + Number(between) + Buffer.byteLength(tail!)).toBe(bytes.length);
  });

  it('printed bytes are the pieces as read between the marks (not copied), the last without `\\r\\n`, and decode to the whole fragment', () => {
    const pieces = [Buffer.from('one\rtwo'), Buffer.from(' three\r\n')];
    const cases: Array<[LineCut, string]> = [
      ['first', 'one\rtwo three\r\n…'],
      ['middle', '…one\rtwo three\r\n…'],
      ['last', '…one\rtwo three'],
    ];
    for (const [cut, want] of cases) {
      const printed = markedPieces(pieces, cut);
      expect(fullFragmentText(printed), cut).toBe(want);
      expect(printed.some((piece) => piece.buffer === pieces[0]!.buffer && piece.byteOffset === pieces[0]!.byteOffset)).toBe(true);
    }
  });

  it('a 5 MiB line through the splitter: fragments of about 1 MiB handed on as read, every byte there, each with a short text', () => {
    const line = Buffer.alloc(5 * MAX_LINE_BYTES + 123, 'y');
    line[0] = 0x42;
    line[line.length - 1] = 0x45;
    const seen: Array<{ bytes: number; text: string; cut?: LineCut }> = [];
    const all: Buffer[] = [];
    const splitter = new LineSplitter(({ pieces, lines, cut }) => {
      all.push(...pieces);
      let bytes = 0;
      for (const piece of pieces) bytes += piece.length;
      seen.push({ bytes, text: lines.join('\n'), cut });
    });
    for (const read of reads(Buffer.concat([line, Buffer.from('\nafter\n')]), 65_536)) splitter.push(read);
    splitter.end();
    expect(Buffer.concat(all).equals(Buffer.concat([line, Buffer.from('\nafter\n')]))).toBe(true);
    const cuts = seen.map((block) => block.cut);
    expect(cuts.length).toBeGreaterThanOrEqual(6);
    expect(cuts).toEqual(['first', ...Array<LineCut>(cuts.length - 3).fill('middle'), 'last', undefined]);
    for (const block of seen.slice(0, -2)) {
      expect(block.bytes).toBeGreaterThan(MAX_LINE_BYTES - 65_536);
      expect(block.bytes).toBeLessThanOrEqual(MAX_LINE_BYTES + 65_536);
      expect(block.text.length).toBeLessThan(2 * FRAGMENT_SHOWN_BYTES + 40);
    }
    expect(seen[0]!.text).toMatch(/^By+ \[… \d+ bytes …\] y+…$/);
    expect(seen.at(-2)!.text).toMatch(/^…y+ \[… \d+ bytes …\] y+E$/);
    expect(seen.at(-1)!.text).toBe('after');
  });
});
