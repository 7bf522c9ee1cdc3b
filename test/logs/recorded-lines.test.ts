/**
 * Reading a boot's log files as lines: `lastLines` (`land logs -n`) and `logLines` (`--json`) treat the rotated files
 * as the one byte stream they were before the rotation (a line, a character or a `\r\n` may run on from one file
 * into the next; an empty or `.gz` file changes nothing), and a line longer than land keeps whole comes in marked
 * fragments.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { logLines, type FileLine } from '../../src/logs/prefixed.js';
import { lastLines, type RecordedLog } from '../../src/logs/recorded.js';

const dir = mkdtempSync(join(tmpdir(), 'land-recorded-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let made = 0;
/** A log of these files, oldest first (a name ending in .gz is compressed). */
function log(...files: Array<[string, string | Buffer]>): RecordedLog {
  const prefix = `l${made++}-`;
  const paths = files.map(([name, bytes]) => {
    const file = join(dir, prefix + name);
    writeFileSync(file, name.endsWith('.gz') ? gzipSync(bytes) : bytes);
    return file;
  });
  return { bootId: 'b', files: paths, lastWrite: new Date() };
}

async function all(lines: AsyncIterable<FileLine>): Promise<FileLine[]> {
  const out: FileLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

const text = async (found: RecordedLog) => (await all(logLines(found))).map((line) => line.line);

describe('the lines of rotated log files', () => {
  it('an empty newest file: the last line of the older one is whole', async () => {
    const found = log(['a.log.1', 'one\ntwo\nthr'], ['a.log', '']);
    expect(lastLines(found, 2)).toEqual(['two', 'thr']);
    expect(lastLines(found, 9)).toEqual(['one', 'two', 'thr']);
    expect(await text(found)).toEqual(['one', 'two', 'thr']);
  });

  it('.gz files: a line that runs on from one into the next is joined only where it does', async () => {
    const found = log(['b.log.2.gz', 'old1\nold-without-newline'], ['b.log.1.gz', '-continued\nx1\nx2\nx3\n'], ['b.log', 'new1\n']);
    expect(lastLines(found, 3)).toEqual(['x2', 'x3', 'new1']);
    expect(lastLines(found, 5)).toEqual(['old-without-newline-continued', 'x1', 'x2', 'x3', 'new1']);
    expect(await text(found)).toEqual(['old1', 'old-without-newline-continued', 'x1', 'x2', 'x3', 'new1']);
  });

  it('a character or a \\r\\n split between two files is whole', async () => {
    const e = Buffer.from('é');
    const found = log(['c.log.1', Buffer.concat([Buffer.from('first\r\ncaf'), e.subarray(0, 1)])], ['c.log', Buffer.concat([e.subarray(1), Buffer.from(' au lait\r'), Buffer.from('\nlast\r\n')])]);
    expect(lastLines(found, 2)).toEqual(['café au lait', 'last']);
    expect(lastLines(found, 3)).toEqual(['first', 'café au lait', 'last']);
    expect(await text(found)).toEqual(['first', 'café au lait', 'last']);
  });

  it('-n reads the end across many chunks and files, and 0 reads nothing', async () => {
    const numbers = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);
    const found = log(['d.log.1', `${numbers(0, 50_000).join('\n')}\n`], ['d.log', `${numbers(50_000, 50_010).join('\n')}\n`]);
    expect(lastLines(found, 20)).toEqual(numbers(49_990, 50_010));
    expect(lastLines(found, 0)).toEqual([]);
    expect(await text(found)).toEqual(numbers(0, 50_010));
  });

  it('a line longer than the bound comes in fragments, marked where it goes on, cut between characters, by the same rule (the tier\'s LineSplitter)', async () => {
    // 100 000 two-byte characters (200 000 bytes) across two files, with a bound of 4 096 bytes: cut by the tier's
    // LineSplitter, at most one read (64 KiB) past the bound; cut points depend on the reads.
    const long = 'é'.repeat(100_000);
    const found = log(['e.log.1', `before\n${long.slice(0, 30_001)}`], ['e.log', `${long.slice(30_001)}\nafter\n`]);
    const lines = await all(logLines(found, 4096));
    expect(lines[0]).toEqual({ line: 'before' });
    expect(lines.at(-1)).toEqual({ line: 'after' });
    const fragments = lines.slice(1, -1);
    expect(fragments.length).toBeGreaterThan(2);
    expect(fragments.map((line) => line.cut)).toEqual(['first', ...Array(fragments.length - 2).fill('middle'), 'last']);
    expect(fragments[0]!.line.endsWith('…')).toBe(true);
    expect(fragments.at(-1)!.line.startsWith('…')).toBe(true);
    expect(fragments.every((line) => Buffer.byteLength(line.line) <= 4096 + 64 * 1024 + 2 * Buffer.byteLength('…'))).toBe(true);
    expect(fragments.map((line) => line.line.replace(/^…|…$/g, '')).join('')).toBe(long);
  });

  it('an over-long line ending in \\r\\n whose \\r ends a read: its last fragment comes', async () => {
    // The `\r` is the last byte of the 17th read of 64 KiB, past the 1 MiB bound; the `\n` starts the next read.
    const found = log(['f.log', `${'x'.repeat((1 << 20) + (64 << 10) - 1)}\r\nafter\n`]);
    const lines = await all(logLines(found));
    expect(lines.map((line) => line.cut)).toEqual(['first', 'last', undefined]);
    expect(lines.at(-1)).toEqual({ line: 'after' });
    expect(lines[1]!.line).toBe('…x');
  });
});
