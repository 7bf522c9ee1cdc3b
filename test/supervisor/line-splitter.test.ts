/** The line splitter: whole lines whatever the pipe's chunking, and the exact bytes for the log file. */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineCut } from '../../src/supervisor/line-splitter.js';
import type { LineBlock } from '../../src/supervisor/line-block.js';

function feed(chunks: Buffer[], maxLineBytes?: number): { bytes: Buffer; lines: string[]; blocks: number; cuts: Array<LineCut | undefined> } {
  const pieces: Buffer[] = [];
  const lines: string[] = [];
  const cuts: Array<LineCut | undefined> = [];
  let blocks = 0;
  /** Every block's places with the newlines they must show: checked again at the end (never written to again). */
  const places: Array<[ArrayLike<number>, number[]]> = [];
  const splitter = new LineSplitter((block) => {
    blocks += 1;
    // The last line alone (what status shows) before the block is decoded, then the same line from the decoded block.
    const last = block.lastLine();
    expect(last).toBe(block.lines.at(-1));
    pieces.push(...block.pieces);
    lines.push(...block.lines);
    expect(block.count).toBe(block.lines.length);
    // The newlines' places the printer takes instead of searching: given for a read's whole lines (never for a
    // fragment, nor for the last line that ended with the pipe), and then every newline of the block, in order.
    const wholeLines = block.cut === undefined && block.count > 0 && block.pieces.at(-1)?.at(-1) === 10;
    expect(block.ends !== undefined).toBe(wholeLines);
    if (block.ends) {
      const joined = Buffer.concat(block.pieces);
      const newlines = [...joined.entries()].filter(([, byte]) => byte === 10).map(([at]) => at);
      expect(Array.from(block.ends)).toEqual(newlines);
      places.push([block.ends, newlines]);
    }
    cuts.push(block.cut);
  }, maxLineBytes);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  for (const [ends, newlines] of places) expect(Array.from(ends)).toEqual(newlines);
  return { bytes: Buffer.concat(pieces), lines, blocks, cuts };
}

/** Cuts `text` into chunks at the given byte offsets. */
function cut(text: string, offsets: number[]): Buffer[] {
  const bytes = Buffer.from(text);
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

describe('LineSplitter', () => {
  it("gives each read's newline places apart, also past a run of places (reads of many short lines)", () => {
    // 3 reads of 20 000 two-byte lines each: more places than one run holds, in one read and across reads.
    const chunks = Array.from({ length: 3 }, (_, i) => Buffer.from(`${String(i)}\n`.repeat(20_000)));
    const { lines, blocks } = feed(chunks);
    expect(blocks).toBe(3);
    expect(lines).toEqual(['0', '1', '2'].flatMap((digit) => Array<string>(20_000).fill(digit)));
  });

  it('cuts a line whose start alone, after a read\'s whole lines, is past the bound: at most one read past it', () => {
    const { bytes, cuts, lines } = feed([Buffer.from(`a\n${'x'.repeat(50)}`), Buffer.from(`${'y'.repeat(50)}\n`)], 10);
    expect(bytes.toString()).toBe(`a\n${'x'.repeat(50)}${'y'.repeat(50)}\n`);
    // The 50 x's go on as a fragment at the first read, not joined to the next read's 50 y's into one line of 100.
    expect(cuts).toEqual([undefined, 'first', 'last']);
    expect(lines[0]).toBe('a');
  });

  it('hands on whole lines and exactly the bytes written, however the reads cut them', () => {
    const text = 'alpha\nbeta\r\ngamma é ü 漢字\ndelta\nlast without newline';
    const bytes = Buffer.from(text);
    // Every cut into two reads, and a few into many: inside a word, inside a multi-byte character, at a newline.
    const cuts = [...Array.from({ length: bytes.length - 1 }, (_, i) => [i + 1]), [1, 2, 3, 20, 21, 22, 23], [3, 9, 26, 27, 28]];
    for (const offsets of cuts) {
      const result = feed(cut(text, offsets));
      expect(result.bytes.equals(bytes), `cut at ${offsets}`).toBe(true);
      expect(result.lines, `cut at ${offsets}`).toEqual(['alpha', 'beta', 'gamma é ü 漢字', 'delta', 'last without newline']);
    }
  });

  it('joins a line that spans several reads without a newline in between', () => {
    const result = feed([Buffer.from('x'.repeat(10)), Buffer.from('y'.repeat(10)), Buffer.from('z\nnext\n')]);
    expect(result.lines).toEqual([`${'x'.repeat(10)}${'y'.repeat(10)}z`, 'next']);
    expect(result.blocks).toBe(1);
  });

  it('hands on one block per read that ends a line, not one per line', () => {
    const result = feed([Buffer.from('a\nb\nc\n'), Buffer.from('d\ne\n')]);
    expect(result.blocks).toBe(2);
    expect(result.lines).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('keeps empty lines', () => {
    expect(feed([Buffer.from('\n\nx\n\n')]).lines).toEqual(['', '', 'x', '']);
  });

  it('hands on a line longer than the bound in marked fragments, every byte still there, and goes on with whole lines', () => {
    const long = 'a'.repeat(25);
    const result = feed(cut(`${long}\nnext\nshort`, [4, 8, 12, 16, 20, 24]).map(Buffer.from), 10);
    expect(result.bytes.toString()).toBe(`${long}\nnext\nshort`);
    expect(result.cuts).toEqual(['first', 'middle', 'last', undefined, undefined]);
    // A fragment keeps back the line's last character read so far: the next read may end the line there.
    expect(result.lines).toEqual([`${'a'.repeat(11)}…`, `…${'a'.repeat(12)}…`, '…aa', 'next', 'short']);
  });

  it('a read that ends exactly where the over-long line ends, crossing the bound, and a newline in the next read: the last fragment is not empty and no fragment before it holds the end', () => {
    // As the 200 MB fault test writes it: `B`, `y`…, `E` in reads of 4 bytes, then the newline in a read of its own.
    // The read ending in `E` takes the pending bytes over the bound; handed on whole it made `…yyyE…` and then `…`.
    const line = `B${'y'.repeat(22)}E`;
    const result = feed([...cut(line, [4, 8, 12, 16, 20]), Buffer.from('\nlong done\n')], 10);
    expect(result.bytes.toString()).toBe(`${line}\nlong done\n`);
    expect(result.cuts).toEqual(['first', 'middle', 'last', undefined]);
    expect(result.lines).toEqual([`B${'y'.repeat(10)}…`, `…${'y'.repeat(12)}…`, '…E', 'long done']);
    // Only the first fragment holds `B`, only the last `E`, and only the marks are in between.
    for (const [i, fragment] of result.lines.slice(0, 3).entries()) {
      expect(fragment.replace(/y+/g, '')).toBe(i === 0 ? 'B…' : i === 2 ? '…E' : '……');
    }
  });

  it('a line ending in `\\r\\n` whose `\\r` ends a read that crosses the bound: the last fragment comes, and none carries the carriage return', () => {
    const result = feed([Buffer.from(`${'x'.repeat(11)}\r`), Buffer.from('\n')], 10);
    // The carriage return is held back with the character before it: the line's end is `x\r\n`, a last fragment
    // with something to show (held back alone, the end was `\r\n` alone, shown as no line: no `last` came).
    expect(result.lines).toEqual([`${'x'.repeat(10)}…`, '…x']);
    expect(result.cuts).toEqual(['first', 'last']);
    expect(result.bytes.toString()).toBe(`${'x'.repeat(11)}\r\n`);
  });

  it('marks every fragment right, however the reads fall against the bound (seeded random reads)', () => {
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let trial = 0; trial < 300; trial++) {
      const max = 16 + Math.floor(random() * 48);
      const length = 2 + Math.floor(random() * 600);
      // Half of the lines end in `\r\n`: a read may end between the two, past the bound.
      const text = `B${'y'.repeat(length - 2)}E${trial % 2 === 0 ? '\n' : '\r\n'}long done\n`;
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      // Reads that end on the bound, of one byte, or of any size up to one and a half bounds.
      for (let at = 0, pending = 0; at < bytes.length; ) {
        const pick = random();
        const size = pick < 0.3 ? Math.max(1, max + 1 - pending) : pick < 0.5 ? 1 : 1 + Math.floor(random() * max * 1.5);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
        pending = (pending + size) % (max + 1);
      }
      const result = feed(chunks, max);
      expect(result.bytes.equals(bytes)).toBe(true);
      const fragments = result.lines.slice(0, -1);
      expect(result.lines.at(-1)).toBe('long done');
      const marks = fragments.map((fragment) => fragment.replace(/y+/g, ''));
      const want = fragments.length === 1 ? ['BE'] : fragments.map((_, i) => (i === 0 ? 'B…' : i === fragments.length - 1 ? '…E' : '……'));
      expect(marks, `trial ${trial}`).toEqual(want);
    }
  });

  it('never cuts a fragment inside a UTF-8 character', () => {
    const text = `${'é'.repeat(40)}漢字${'ü'.repeat(30)}`;
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) => bytes.subarray(i * 7, i * 7 + 7));
    const result = feed(chunks, 16);
    expect(result.bytes.equals(bytes)).toBe(true);
    expect(result.lines.join('').replaceAll('…', '')).toBe(text);
    expect(result.lines.every((line) => !line.includes('\uFFFD'))).toBe(true);
    expect(result.cuts.at(-1)).toBe('last');
  });

  it('holds at most about one bound of a line without a newline, however long it grows', () => {
    let largest = 0;
    const splitter = new LineSplitter((block) => (largest = Math.max(largest, Buffer.concat(block.pieces).length)), 1024);
    const chunk = Buffer.alloc(100, 'z');
    for (let i = 0; i < 10_000; i++) splitter.push(chunk); // a megabyte without a newline
    splitter.end();
    expect(largest).toBeLessThanOrEqual(1024 + 100);
  });
});

/** A splitter that hands on a partial line after `quietMs`; what it handed on so far. */
function quietSplitter(quietMs: number, notNow?: () => boolean) {
  const blocks: LineBlock[] = [];
  const splitter = new LineSplitter((block) => blocks.push(block), undefined, { quietMs, notNow });
  const shown = () => blocks.filter((block) => block.count > 0).flatMap((block) => block.lines);
  // What the log file gets: a block's `file` bytes when it has them, else its pieces.
  const raw = () => Buffer.concat(blocks.flatMap((block) => block.file ?? block.pieces));
  const bytes = () => raw().toString();
  return { splitter, blocks, shown, bytes, raw };
}

/** Polls until `done` (a generous deadline: a loaded machine must not fail these by timing). */
async function until(done: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(5)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

// Side by side: each test has its own splitter and timers, and mostly waits out quiet times (a few ms of work each).
describe.concurrent('LineSplitter: a line without its newline', () => {
  it('is shown as it is once quiet, the rest of it as the next fragments; the file gets the line whole when it ends', async () => {
    const { splitter, blocks, shown, bytes } = quietSplitter(30);
    splitter.push(Buffer.from('done\nPassword: '));
    expect(shown()).toEqual(['done']);
    await until(() => shown().length === 2, 'the prompt');
    expect(shown()).toEqual(['done', 'Password: …']);
    expect(bytes()).toBe('done\n'); // the file waits for the line's end: lines of the other pipe cannot fall inside it
    splitter.push(Buffer.from('progress 1% '));
    await until(() => shown().length === 3, 'the progress');
    splitter.push(Buffer.from('progress 2%\nnext\n'));
    expect(shown()).toEqual(['done', 'Password: …', '…progress 1% …', '…progress 2%', 'next']);
    expect(blocks.map((block) => block.cut)).toEqual([undefined, 'first', 'middle', 'last', undefined]);
    // A log probe sees the line so far, then the whole line, never a mark.
    expect(blocks.map((block) => block.wholeLine())).toEqual([undefined, 'Password: ', 'Password: progress 1% ', 'Password: progress 1% progress 2%', undefined]);
    expect(bytes()).toBe('done\nPassword: progress 1% progress 2%\nnext\n');
    splitter.end();
    expect(bytes()).toBe('done\nPassword: progress 1% progress 2%\nnext\n');
  });

  it('a newline alone after a fragment goes to the file only (no empty line shown); a line pending at the end goes to the file then', async () => {
    const { splitter, blocks, shown, bytes } = quietSplitter(30);
    splitter.push(Buffer.from('Compiling...'));
    await until(() => shown().length === 1, 'the fragment');
    splitter.push(Buffer.from('\r\nok\nhung mid-line'));
    await until(() => shown().length === 3, 'the second fragment');
    expect(bytes()).toBe('Compiling...\r\nok\n');
    splitter.end();
    expect(shown()).toEqual(['Compiling...…', 'ok', 'hung mid-line…']);
    expect(blocks.map((block) => block.count)).toEqual([1, 0, 1, 1, 0]);
    expect(blocks.at(-1)!.wholeLine()).toBe('hung mid-line');
    expect(bytes()).toBe('Compiling...\r\nok\nhung mid-line');
  });

  it('a carriage return at the end of a quiet fragment is not shown (it may start `\\r\\n`)', async () => {
    const { splitter, blocks, shown, bytes } = quietSplitter(30);
    splitter.push(Buffer.from('abc\r'));
    await until(() => shown().length === 1, 'the fragment');
    splitter.push(Buffer.from('\n'));
    expect(shown()).toEqual(['abc…']);
    expect(blocks.at(-1)!.wholeLine()).toBe('abc');
    expect(bytes()).toBe('abc\r\n');
  });

  it('reads that keep ending lines hand on no fragment, however long a partial line lasts between them', async () => {
    const { splitter, blocks, shown } = quietSplitter(300);
    // Every read ends a line and leaves the start of the next pending, for about three quiet times.
    for (let i = 0; i < 100; i++) {
      splitter.push(Buffer.from(`${i === 0 ? '' : 'end'}\nline ${i} st`));
      await sleep(10);
    }
    splitter.push(Buffer.from('end\n'));
    splitter.end();
    expect(blocks.every((block) => block.cut === undefined)).toBe(true);
    expect(shown()).toEqual(['', ...Array.from({ length: 100 }, (_, i) => `line ${i} stend`)]);
  });

  it('bytes that keep coming without a newline are not cut at each read, and are handed on after about a second', async () => {
    const { splitter, shown, bytes } = quietSplitter(300);
    const start = Date.now();
    let early: string[] = [];
    for (let i = 0; shown().length === 0; i++) {
      if (Date.now() - start > 10_000) throw new Error('never handed on');
      splitter.push(Buffer.from(String(i % 10)));
      if (Date.now() - start < 500) early = shown();
      await sleep(20);
    }
    expect(early).toEqual([]);
    splitter.end();
    expect(shown().join('').replaceAll('…', '')).toBe(bytes());
  });

  it('waits while held (land is not reading) until resumed, and keeps a character cut short for the next read', async () => {
    let held = true;
    const { splitter, shown, bytes } = quietSplitter(300, () => held);
    const text = Buffer.from('ünïcode');
    splitter.push(text.subarray(0, 4)); // `ün` and the first byte of `ï`
    await sleep(700);
    expect(shown()).toEqual([]);
    held = false;
    await sleep(700);
    expect(shown()).toEqual([]); // no timer ran on while held
    splitter.resumed();
    await until(() => shown().length === 1, 'the fragment');
    splitter.push(text.subarray(4)); // within the second quiet time, which would hand the byte on as it is
    await until(() => shown().length === 2, 'the rest');
    expect(shown()).toEqual(['ün…', '…ïcode…']);
    splitter.end();
    expect(bytes()).toBe('ünïcode');
  });

  it('a byte that looks like the start of a character is handed on as it is after a second quiet time', async () => {
    const { splitter, shown, raw } = quietSplitter(30);
    splitter.push(Buffer.from([0x61, 0xe2]));
    await until(() => shown().length === 2, 'the lone byte');
    expect(shown()).toEqual(['a…', '…\ufffd…']);
    splitter.end();
    expect([...raw()]).toEqual([0x61, 0xe2]);
  });

  it('a byte held back for the next read is shown when the pipe ends, not only written', async () => {
    const { splitter, shown, raw } = quietSplitter(300);
    splitter.push(Buffer.from([0x61, 0xe2]));
    await until(() => shown().length === 1, 'the fragment');
    splitter.end();
    expect(shown()).toEqual(['a…', '…\ufffd']);
    expect([...raw()]).toEqual([0x61, 0xe2]);
  });

  it('a hold is no sign of dribbling: bytes streaming in after a long hold are not cut within the second', async () => {
    let held = false;
    const { splitter, shown } = quietSplitter(300, () => held);
    splitter.push(Buffer.from('a'));
    held = true; // the gate holds the pipe before the quiet time is up
    await sleep(1_300);
    held = false;
    splitter.resumed();
    const start = Date.now();
    let early: string[] = [];
    while (Date.now() - start < 600) {
      splitter.push(Buffer.from('b'));
      early = shown();
      await sleep(20);
    }
    expect(early).toEqual([]);
    splitter.end();
  });
});
