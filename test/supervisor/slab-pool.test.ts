/**
 * The reads' slabs used again (slab-pool.ts): each holder of a slab's views keeps it from being filled again until
 * it lets go — the log file until its write is done, the printer's batch until it has copied the lines, the recent
 * lines until they drop the block, a `land logs` reader until it has read it.
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputBatch } from '../../src/cli/output-batch.js';
import { LineBlock } from '../../src/supervisor/line-block.js';
import { RecentLines } from '../../src/supervisor/recent-lines.js';
import { releaseSlab, takeSlab } from '../../src/supervisor/slab-pool.js';
import { TierLog } from '../../src/supervisor/tier-log.js';

const dir = mkdtempSync(join(tmpdir(), 'land-slab-pool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A slab as a reader hands it on: `text` read into it, then let go by the reader (its one hold). */
function readSlab(text: string): { slab: Buffer; view: Buffer } {
  const slab = takeSlab();
  const view = slab.subarray(0, slab.write(text));
  return { slab, view };
}

/** Whether the next slab taken is `slab` (given back to the free list): taken, then let go again. */
function reused(slab: Buffer): boolean {
  const next = takeSlab();
  releaseSlab(next.buffer);
  return next.buffer === slab.buffer;
}

describe('slabs held by their views’ holders', () => {
  it('a slab nobody holds is used again', () => {
    const { slab } = readSlab('a\n');
    releaseSlab(slab.buffer);
    expect(reused(slab)).toBe(true);
  });

  it('the printer’s batch holds its lines until it has written them', async () => {
    const { slab, view } = readSlab('one\ntwo\n');
    const batch = new OutputBatch();
    batch.addLines(Buffer.from('api | '), [view], 2);
    releaseSlab(slab.buffer);
    expect(reused(slab)).toBe(false);
    const path = join(dir, 'printed');
    const out = createWriteStream(path);
    batch.writeTo(out);
    expect(reused(slab)).toBe(true);
    out.end();
    await once(out, 'close');
    expect(readFileSync(path, 'utf8')).toBe('api | one\napi | two\n');
  });

  it('a batch cleared (output gone) lets its lines go', () => {
    const { slab, view } = readSlab('one\n');
    const batch = new OutputBatch();
    batch.addLines(Buffer.from('api | '), [view], 1);
    releaseSlab(slab.buffer);
    batch.clear();
    expect(reused(slab)).toBe(true);
  });

  it('the log file holds the bytes until its write is done', async () => {
    const { slab, view } = readSlab('logged line\n');
    const path = join(dir, 'api.log');
    const log = new TierLog({ path, rotateBytes: 1 << 20, keepFiles: 1, onProblem: () => undefined });
    log.write([view]);
    releaseSlab(slab.buffer);
    expect(reused(slab)).toBe(false); // the write is on the thread pool
    await log.close();
    expect(reused(slab)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('logged line\n');
  });

  it('the recent lines hold a block until they drop it, and a reader until it has read it', () => {
    const { slab, view } = readSlab('first\n');
    const recent = new RecentLines(2);
    recent.add('stdout', new LineBlock([view], 1).kept(), 1);
    releaseSlab(slab.buffer);
    expect(reused(slab)).toBe(false);
    const reader = recent.reader();
    recent.add('stdout', new LineBlock([Buffer.from('second\n')], 1), 2);
    recent.add('stdout', new LineBlock([Buffer.from('third\n')], 1), 3); // drops the first block
    expect(recent.entries().map(({ line }) => line)).toEqual(['second', 'third']);
    expect(reused(slab)).toBe(false); // the reader still holds it
    expect(reader.next()?.line).toBe('first');
    expect(reader.next()).toBeUndefined();
    expect(reused(slab)).toBe(true);
  });
});
