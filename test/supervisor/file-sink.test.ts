/** A log file's sink: bytes in order, gathered while a write is in flight, bounded, and a failing file never holds. */
import { closeSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSink } from '../../src/supervisor/file-sink.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const scratchFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'land-file-sink-'));
  dirs.push(dir);
  return join(dir, 'api.log');
};
const ended = (sink: FileSink) => new Promise<void>((resolve) => sink.end(resolve));
const writable = (sink: FileSink) => new Promise<void>((resolve) => sink.whenWritable(resolve));

describe('FileSink', () => {
  it('writes every piece in order, those given during a write together in the next one', async () => {
    const path = scratchFile();
    let writes = 0;
    const sink = new FileSink(openSync(path, 'a'), { highWaterMark: 1 << 20, onError: (error) => expect.fail(String(error)), onWritten: () => writes++ });
    const pieces = Array.from({ length: 200 }, (_, i) => Buffer.from(`line ${i}\n`));
    for (const piece of pieces) expect(sink.write(piece)).toBe(true);
    await ended(sink);
    expect(readFileSync(path, 'utf8')).toBe(Buffer.concat(pieces).toString());
    // The first piece went alone, the 199 given while it was in flight in one writev (a slow disk: a few).
    expect(writes).toBeGreaterThanOrEqual(2);
    expect(writes).toBeLessThan(10);
    expect(sink.pending).toBe(0);
  });

  it('says false past its high-water mark and lets the writer go once everything is written', async () => {
    const path = scratchFile();
    const sink = new FileSink(openSync(path, 'a'), { highWaterMark: 10, onError: (error) => expect.fail(String(error)) });
    expect(sink.write(Buffer.from('abcdef'))).toBe(true);
    expect(sink.write(Buffer.from('ghijkl'))).toBe(false);
    expect(sink.behind).toBe(true);
    await writable(sink);
    expect(sink.behind).toBe(false);
    expect(sink.pending).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe('abcdefghijkl');
    await ended(sink);
  });

  it('a write that fails is said once, counts what it held, lets its writer go and closes the file', async () => {
    const fd = openSync('/dev/full', 'a'); // every write: ENOSPC
    const errors: Error[] = [];
    const sink = new FileSink(fd, { highWaterMark: 8, onError: (error) => errors.push(error) });
    sink.write(Buffer.from('0123456789'));
    expect(sink.write(Buffer.from('more'))).toBe(false);
    await writable(sink);
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(sink.pending).toBe(14);
    expect(sink.done).toBe(true);
    expect(sink.write(Buffer.from('after'))).toBe(true); // taken and dropped: the tier's log reopens a file
    await ended(sink);
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
    expect(errors).toHaveLength(1);
  });

  it('end writes what it holds first, and its callback runs even when asked after the close', async () => {
    const path = scratchFile();
    const fd = openSync(path, 'a');
    const sink = new FileSink(fd, { highWaterMark: 1 << 20, onError: (error) => expect.fail(String(error)) });
    sink.write(Buffer.from('one\n'));
    sink.write(Buffer.from('two\n'));
    await ended(sink);
    expect(readFileSync(path, 'utf8')).toBe('one\ntwo\n');
    expect(() => closeSync(fd)).toThrow(/EBADF/);
    await ended(sink);
  });
});
