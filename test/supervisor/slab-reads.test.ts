/** A child's pipe read into slabs (slab-reads.ts): every byte, no read written over another, pauses, the end. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/supervisor/line-splitter.js';
import { holdPieces, releasePieces } from '../../src/supervisor/slab-pool.js';
import { readIntoSlabs } from '../../src/supervisor/slab-reads.js';

/**
 * A child that writes `writes` distinct blocks of `size` bytes, a short pause between them (so they come as many reads),
 * then stays `lingerMs` (child_process resumes a child's pipes at its exit, paused or not).
 */
function writer(writes: number, size: number, lingerMs = 0, seed = 0) {
  const script = `
    let n = 0;
    const next = () => {
      if (n === ${writes}) return void setTimeout(() => undefined, ${lingerMs});
      const block = Buffer.alloc(${size}, 65 + ((n + ${seed}) % 26));
      block.write(String(n).padStart(8, '0'));
      n++;
      process.stdout.write(block, () => setTimeout(next, 2));
    };
    next();`;
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
}

function expected(writes: number, size: number, seed = 0): Buffer {
  return Buffer.concat(
    Array.from({ length: writes }, (_, n) => {
      const block = Buffer.alloc(size, 65 + ((n + seed) % 26));
      block.write(String(n).padStart(8, '0'));
      return block;
    }),
  );
}

describe('reads into slabs', () => {
  it('hands on every byte, and a read kept is never written over by a later one', async () => {
    const child = writer(120, 9000);
    const chunks: Buffer[] = [];
    expect(readIntoSlabs(child.stdout, (chunk) => (chunks.push(chunk), true))).toBe(true);
    await once(child.stdout, 'close');
    // Compared only now: ~1 MB in reads of a few KiB crosses several slabs, and every view is still intact.
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).equals(expected(120, 9000))).toBe(true);
  });

  it('gives every pipe its own first read: the room they share before they say anything is never handed on', async () => {
    // Eight children write at once, each its own bytes, first reads of up to the shared room's size; a first read
    // kept must not be written over by another pipe's first read into the room.
    const children = Array.from({ length: 8 }, (_, i) => writer(6, 12_000, 0, i));
    const chunks = children.map(() => [] as Buffer[]);
    children.forEach((child, i) => expect(readIntoSlabs(child.stdout, (chunk) => (chunks[i]!.push(chunk), true))).toBe(true));
    await Promise.all(children.map((child) => once(child.stdout, 'close')));
    const firsts = new Set(chunks.map((own) => own[0]!.buffer));
    expect(firsts.size).toBe(children.length);
    chunks.forEach((own, i) => expect(Buffer.concat(own).equals(expected(6, 12_000, i))).toBe(true));
  });

  it('stops reading while paused and reads on after resume', async () => {
    const child = writer(40, 4000, 3000);
    const chunks: Buffer[] = [];
    let paused = false;
    expect(
      readIntoSlabs(child.stdout, (chunk) => {
        chunks.push(chunk);
        if (chunks.length === 2) {
          paused = true;
          child.stdout.pause();
          return false;
        }
        return true;
      }),
    ).toBe(true);
    while (!paused) await sleep(5);
    const during = chunks.length;
    await sleep(300); // the child writes on meanwhile: nothing is read
    expect(chunks.length).toBe(during);
    child.stdout.resume();
    await once(child.stdout, 'close');
    expect(Buffer.concat(chunks).equals(expected(40, 4000))).toBe(true);
  });

  it('is not used for a stream that is no child pipe, nor with LAND_SLAB_READS=0', async () => {
    const { Readable } = await import('node:stream');
    expect(readIntoSlabs(Readable.from([]), () => true)).toBe(false);
    const child = writer(1, 10);
    process.env.LAND_SLAB_READS = '0';
    try {
      expect(readIntoSlabs(child.stdout, () => true)).toBe(false);
    } finally {
      delete process.env.LAND_SLAB_READS;
    }
    child.stdout.resume();
    await once(child.stdout, 'close');
  });
});

describe('slabs used again (slab-pool.ts)', () => {
  it('fills a slab again once nobody holds it, and never one whose views are still held', async () => {
    const child = writer(300, 9000); // 2.7 MB: about 11 slabs if none were used again
    const chunks: Buffer[] = [];
    const held: Array<{ view: Buffer; copy: Buffer }> = [];
    const read = (chunk: Buffer) => {
      chunks.push(Buffer.from(chunk)); // a copy: the view itself may be filled again once let go
      if (held.length < 4) {
        holdPieces([chunk]);
        held.push({ view: chunk, copy: Buffer.from(chunk) });
      }
      return true;
    };
    expect(readIntoSlabs(child.stdout, read, undefined, () => 0)).toBe(true);
    await once(child.stdout, 'close');
    expect(Buffer.concat(chunks).equals(expected(300, 9000))).toBe(true);
    // The held views are as read, though the reader let their slab go long ago.
    for (const { view, copy } of held) expect(view.equals(copy)).toBe(true);
    releasePieces(held.map(({ view }) => view));
  });

  it('reuses slabs: reads land in the memory of slabs let go', async () => {
    const child = writer(300, 9000);
    const memories: ArrayBufferLike[] = [];
    expect(readIntoSlabs(child.stdout, (chunk) => (memories.push(chunk.buffer), true), undefined, () => 0)).toBe(true);
    await once(child.stdout, 'close');
    expect(memories.length).toBeGreaterThan(50);
    expect(new Set(memories).size).toBeLessThan(5);
  });

  it('keeps the slabs a line not yet ended lies in: a line across many reads and slabs comes whole', async () => {
    // Lines of 700 KB each, written in 9 KB pieces: each spans several slabs before its newline comes.
    const script = `
      let n = 0;
      const next = () => {
        if (n === 4 * 80) return;
        const piece = Buffer.alloc(9000, 65 + (Math.floor(n / 80) % 26));
        if (n % 80 === 79) piece[8999] = 10;
        n++;
        process.stdout.write(piece, () => setTimeout(next, 1));
      };
      next();`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    const lines: string[] = [];
    const splitter = new LineSplitter((block) => lines.push(...block.lines), 1 << 20);
    const onRead = (chunk: Buffer) => (splitter.push(chunk), true);
    expect(readIntoSlabs(child.stdout, onRead, undefined, () => splitter.pendingLength)).toBe(true);
    await once(child.stdout, 'close');
    splitter.end();
    expect(lines.map((line) => [line.length, line[0], new Set(line).size])).toEqual(
      [0, 1, 2, 3].map((i) => [80 * 9000 - 1, String.fromCharCode(65 + i), 1]),
    );
  });
});
