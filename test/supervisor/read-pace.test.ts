/** The relay's pace in a flood (read-pace.ts): a rest after a busy turn of short reads, never otherwise. */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { noteRead, REST_MS, shouldRest } from '../../src/supervisor/read-pace.js';

const KiB = 1024;

/** The rests asked for in one loop turn of reads of these sizes, and what ran before each. */
async function turn(sizes: number[]): Promise<{ rests: number[]; order: string[] }> {
  const rests: number[] = [];
  const order: string[] = [];
  // The printer queues its flush at the turn's first lines, before the read is noted.
  setImmediate(() => order.push('flush'));
  for (const size of sizes) noteRead(size, (ms) => (rests.push(ms), order.push('rest')));
  await nextTurn();
  await nextTurn();
  return { rests, order };
}

describe('read pace', () => {
  it('rests once after a busy turn of short reads, after the output queued before it', async () => {
    const { rests, order } = await turn([8 * KiB, 8 * KiB, 8 * KiB, 8 * KiB]);
    expect(rests).toEqual([REST_MS]);
    expect(order).toEqual(['flush', 'rest']);
  });

  it('never rests after a quiet turn or a turn of large reads', async () => {
    expect((await turn([4 * KiB, 4 * KiB])).rests).toEqual([]);
    expect((await turn([64 * KiB])).rests).toEqual([]);
    expect((await turn([256 * KiB, 8 * KiB])).rests).toEqual([]);
  });

  it('counts each turn on its own', async () => {
    expect((await turn([20 * KiB])).rests).toEqual([REST_MS]);
    // The turn before read 20 KiB: this one's 1 KiB alone is quiet.
    expect((await turn([1 * KiB])).rests).toEqual([]);
  });

  it('judges by the turn\'s bytes and reads', () => {
    expect(shouldRest(0, 0)).toBe(false);
    expect(shouldRest(16 * KiB, 1)).toBe(true);
    expect(shouldRest(16 * KiB - 1, 1)).toBe(false);
    expect(shouldRest(48 * KiB, 1)).toBe(false);
    expect(shouldRest(96 * KiB, 3)).toBe(true);
  });
});
