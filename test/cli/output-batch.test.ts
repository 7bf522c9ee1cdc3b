/**
 * The printer's batch buffers (src/cli/output-batch.ts): a large one is kept for the next ticks of a flood, and let
 * go once the flood is over, also when its write comes back only after that. And the prefixing itself.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputBatch, prefixInto } from '../../src/cli/output-batch.js';

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

describe('prefixInto', () => {
  /** The expected output, made the plain way: the head before each line, a newline after the last. */
  const plain = (head: string, text: string) => `${text.replace(/\n$/, '').split('\n').map((line) => `${head}${line}`).join('\n')}\n`;
  const newlinesOf = (bytes: Buffer) => [...bytes.entries()].filter(([, byte]) => byte === 10).map(([at]) => at);

  it('puts the head before every line, with the newlines searched for or given, for short and long heads', () => {
    const text = 'alpha\nbeta\r\n\ngamma é ü 漢字\nx\nlast without newline';
    const bytes = Buffer.from(text);
    // Spread over pieces the way a read's pending line and its tail come.
    const pieces = [bytes.subarray(0, 3), bytes.subarray(3, 17), bytes.subarray(17)];
    const count = 6;
    for (const head of ['a | ', 'api-with-a-rather-long-name-over-32 | ']) {
      const headBytes = Buffer.from(head);
      const out = Buffer.alloc(bytes.length + count * headBytes.length + 1 + 7, 0x2e);
      const ends = newlinesOf(bytes);
      for (const given of [undefined, ends, ends.slice(0, 2)]) {
        out.fill(0x2e);
        const end = prefixInto(out, 7, headBytes, pieces, count, given);
        expect(out.subarray(7, end).toString(), `${head} ${given?.length}`).toBe(plain(head, text));
        expect(out.subarray(0, 7).toString()).toBe('.......'); // nothing written before the offset
      }
    }
  });

  it('writes a batch of lines with their newlines given exactly as without them', () => {
    const head = Buffer.from('web | ');
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'y'.repeat(i % 17)}\n`).join('');
    const bytes = Buffer.from(text);
    const printed: Buffer[] = [];
    const out = { write: (part: Buffer) => (printed.push(Buffer.from(part)), true) } as unknown as NodeJS.WritableStream;
    for (const ends of [undefined, newlinesOf(bytes)]) {
      const batch = new OutputBatch();
      batch.addLines(head, [bytes.subarray(0, 1000), bytes.subarray(1000)], 300, ends);
      batch.writeTo(out);
    }
    expect(printed.length).toBe(2);
    expect(printed[1]!.toString()).toBe(plain('web | ', text));
    expect(printed[0]!.equals(printed[1]!)).toBe(true);
  });
});
