/** A tier's recent lines: the newest `capacity` lines, oldest first, whatever the blocks they came in. */
import { describe, expect, it } from 'vitest';
import { LineBlock } from '../../src/supervisor/line-block.js';
import { fragmentText } from '../../src/supervisor/fragments.js';
import { RecentLines } from '../../src/supervisor/recent-lines.js';

const numbered = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}`);

describe('RecentLines', () => {
  it('keeps at least the newest capacity lines across blocks of any size, and hands out at most capacity', () => {
    const recent = new RecentLines(10);
    let next = 0;
    for (const size of [3, 1, 7, 12, 1, 1, 4]) {
      recent.add(next % 2 ? 'stderr' : 'stdout', numbered(next, size), next);
      next += size;
    }
    const entries = recent.entries();
    expect(entries.map((e) => e.line)).toEqual(numbered(next - 10, 10));
    expect(recent.entries(3).map((e) => e.line)).toEqual(numbered(next - 3, 3));
    expect(recent.entries(500)).toHaveLength(10);
  });

  it('keeps each line with the stream and time of its block', () => {
    const recent = new RecentLines(5);
    recent.add('stdout', ['a', 'b'], 1);
    recent.add('stderr', ['c'], 2);
    expect(recent.entries()).toEqual([
      { stream: 'stdout', line: 'a', at: 1 },
      { stream: 'stdout', line: 'b', at: 1 },
      { stream: 'stderr', line: 'c', at: 2 },
    ]);
  });

  it('stays right over many single-line blocks', () => {
    const recent = new RecentLines(100);
    for (let i = 0; i < 10_000; i++) recent.add('stdout', [`line ${i}`], i);
    expect(recent.entries().map((e) => e.line)).toEqual(numbered(9_900, 100));
    recent.clear();
    expect(recent.entries()).toEqual([]);
  });

  it('is bounded in characters as well as in lines, keeping at least the newest block', () => {
    const recent = new RecentLines(1000, 1000);
    for (let i = 0; i < 50; i++) recent.add('stdout', [`${i}:${'x'.repeat(98)}`], i);
    const kept = recent.entries();
    expect(kept.length).toBeLessThanOrEqual(11);
    expect(kept.at(-1)!.line.startsWith('49:')).toBe(true);
    recent.add('stderr', ['y'.repeat(5000)], 50); // one line over the bound on its own
    expect(recent.entries().map((e) => e.line.length)).toEqual([5000]);
  });

  it('keeps blocks as the bytes they were read as, decodes them when asked, and keeps a fragment as its text only', () => {
    const recent = new RecentLines(10, 200);
    recent.add('stdout', new LineBlock([Buffer.from('a\r\nb\n')], 2), 1);
    recent.add('stderr', new LineBlock([Buffer.from('par'), Buffer.from('tial\nc\n')], 2), 2);
    const fragment = Buffer.alloc(5_000, 'f');
    const kept = new LineBlock([fragment], 1, 'first', fragmentText([fragment], 'first')).kept();
    expect(kept.pieces).toEqual([]);
    expect(kept.size).toBe(kept.lines[0]!.length);
    recent.add('stdout', kept, 3);
    // The fragment's text (about 4 KiB) is over the bound on its own: only it is kept, never its 5 000 bytes.
    expect(recent.entries().map((e) => e.line)).toEqual([kept.lines[0]]);
    const again = new RecentLines(10);
    again.add('stdout', new LineBlock([Buffer.from('a\r\nb\n')], 2), 1);
    again.add('stderr', new LineBlock([Buffer.from('par'), Buffer.from('tial\nc\n')], 2), 2);
    expect(again.entries()).toEqual([
      { stream: 'stdout', line: 'a', at: 1 },
      { stream: 'stdout', line: 'b', at: 1 },
      { stream: 'stderr', line: 'partial', at: 2 },
      { stream: 'stderr', line: 'c', at: 2 },
    ]);
  });

  it('a reader takes the same lines a line at a time, holds the blocks (no copy, nothing decoded into the ring) and counts what the ring dropped', () => {
    const recent = new RecentLines(10, 1000);
    const blocks = Array.from({ length: 4 }, (_, i) => new LineBlock([Buffer.from(`${i}a\n${i}b\n${i}c\n`)], 3));
    blocks.forEach((block, i) => recent.add('stdout', block, i));
    expect(recent.reader(100).left).toBe(10);
    const reader = recent.reader(5);
    expect(reader.left).toBe(5);
    const taken = [reader.next()!, reader.next()!];
    expect(taken).toEqual([
      { stream: 'stdout', line: '2b', at: 2 },
      { stream: 'stdout', line: '2c', at: 2 },
    ]);
    expect(reader.left).toBe(3);
    expect(reader.pinnedBytes()).toBe(0);
    // A reader does not keep decoded strings in the ring's blocks (entries() decodes them once for every later ask).
    expect(blocks.map((block) => (block as unknown as { decoded?: string[] }).decoded)).toEqual([undefined, undefined, undefined, undefined]);
    // The tier writes on: the ring drops the block being read; the reader still gives every line it promised.
    for (let i = 4; i < 8; i++) recent.add('stdout', new LineBlock([Buffer.from(`${i}a\n${i}b\n${i}c\n`)], 3), i);
    expect(reader.pinnedBytes()).toBe(2 * 9);
    expect([reader.next(), reader.next(), reader.next(), reader.next()].map((entry) => entry?.line)).toEqual(['3a', '3b', '3c', undefined]);
    expect(reader.left).toBe(0);
    expect(reader.pinnedBytes()).toBe(0);
  });
});
