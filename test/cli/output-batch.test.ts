/**
 * The printer's batch buffers (src/cli/output-batch.ts): a large one is kept for the next ticks of a flood, and let
 * go once the flood is over, also when its write comes back only after that.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputBatch } from '../../src/cli/output-batch.js';

afterEach(() => {
  vi.useRealTimers();
});

/** An output that holds each write's callback until told. */
function lateOutput() {
  const pending: Array<() => void> = [];
  const out = {
    write(_part: Buffer, done?: () => void) {
      if (done) pending.push(done);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  return { out, release: () => pending.splice(0).forEach((done) => done()) };
}

/** A tick of 300 KB in small pieces (copied into one batch buffer, over the smallest kept size). */
function largeTick(batch: OutputBatch): void {
  for (let i = 0; i < 30; i++) batch.add(Buffer.alloc(10_000, 97));
}

const kept = (batch: OutputBatch) => (batch as unknown as { free: Buffer[] }).free.map((buffer) => buffer.length);

describe('the batch buffers', () => {
  it('keeps a large buffer while large ticks come, and lets it go 5 s after the last', () => {
    vi.useFakeTimers();
    const batch = new OutputBatch();
    const { out, release } = lateOutput();
    largeTick(batch);
    batch.writeTo(out);
    release();
    expect(kept(batch)).toEqual([512 * 1024]);
    vi.advanceTimersByTime(5_000);
    expect(kept(batch)).toEqual([]);
  });

  it('does not keep a large buffer whose write comes back after the flood was over', () => {
    vi.useFakeTimers();
    const batch = new OutputBatch();
    const { out, release } = lateOutput();
    largeTick(batch);
    batch.writeTo(out);
    vi.advanceTimersByTime(5_000); // the trim runs while the write still holds the buffer
    release();
    expect(kept(batch)).toEqual([]);
  });
});
