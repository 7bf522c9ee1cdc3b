/** A tier's log file: rotation at a size, and write failures that never throw or hold a pipe. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TierLog } from '../../src/supervisor/tier-log.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'land-tier-log-'));
  dirs.push(dir);
  return dir;
};

/** The stream the full disk failed closes its descriptor on its own, a moment later: until then the mount is busy. */
async function unmount(dir: string): Promise<void> {
  for (let tries = 0; ; tries++) {
    try {
      return void execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch (error) {
      if (tries >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('TierLog', () => {
  it('creates the file empty at the start and holds only its descriptor: a silent log closes it; the first write rotates a file found at the size', async () => {
    const dir = scratch();
    const problems: string[] = [];
    const onProblem = (message: string) => problems.push(message);
    const descriptors = () => readdirSync('/proc/self/fd').length;
    const before = descriptors();
    const quiet = join(dir, 'quiet.log');
    const silent = new TierLog({ path: quiet, rotateBytes: 100, keepFiles: 1, onProblem });
    silent.create();
    expect(readFileSync(quiet, 'utf8')).toBe('');
    expect(descriptors()).toBe(before + 1);
    await silent.close();
    expect(descriptors()).toBe(before);
    expect(readFileSync(quiet, 'utf8')).toBe('');
    // A tier started again in the same folder finds its file at the size: the first write rotates it, as before.
    const path = join(dir, 'again.log');
    writeFileSync(path, `${'x'.repeat(149)}\n`);
    const log = new TierLog({ path, rotateBytes: 100, keepFiles: 1, onProblem });
    log.create();
    expect(readFileSync(path, 'utf8')).toHaveLength(150);
    log.write([Buffer.from('after\n')]);
    log.write([Buffer.from('more\n')]);
    await log.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'x'.repeat(149)}\n`);
    expect(readFileSync(path, 'utf8')).toBe('after\nmore\n');
    expect(descriptors()).toBe(before);
    expect(problems).toEqual([]);
  });

  it('rotates before the write that finds it at the size, keeping keepFiles rotated files, newest first', async () => {
    const dir = scratch();
    const path = join(dir, 'api.log');
    const problems: string[] = [];
    const log = new TierLog({ path, rotateBytes: 100, keepFiles: 2, onProblem: (message) => problems.push(message) });
    for (let i = 0; i < 10; i++) log.write([Buffer.from(`${String(i).repeat(59)}\n`)]);
    await log.close();
    expect(problems).toEqual([]);
    expect(existsSync(`${path}.3`)).toBe(false);
    // 60 bytes per write: each file takes two writes (120 bytes) before it is found at the size.
    expect(readFileSync(`${path}.2`, 'utf8')).toBe(`${'4'.repeat(59)}\n${'5'.repeat(59)}\n`);
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(`${'6'.repeat(59)}\n${'7'.repeat(59)}\n`);
    expect(readFileSync(path, 'utf8')).toBe(`${'8'.repeat(59)}\n${'9'.repeat(59)}\n`);
  });

  it('a line longer than the kept files runs on across rotations, and is said once when its start is rotated away', async () => {
    const dir = scratch();
    const path = join(dir, 'big.log');
    const problems: string[] = [];
    const log = new TierLog({ path, rotateBytes: 100, keepFiles: 1, onProblem: (message) => problems.push(message) });
    // A line of 150 bytes without a newline in pieces of 50: it spans two files, both kept, so nothing is said.
    for (let i = 0; i < 3; i++) log.write([Buffer.from('a'.repeat(50))]);
    log.write([Buffer.from('a\n')]);
    expect(problems).toEqual([]);
    // A line of 400 bytes: the file holding its start is removed on the way, said once, the newest bytes kept.
    for (let i = 0; i < 8; i++) log.write([Buffer.from(String(i).repeat(50))]);
    log.write([Buffer.from('E\n')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/big\.log: a line without a newline outgrew the kept files .*its start was rotated away/);
    // The next long line is a new one: said again.
    for (let i = 0; i < 8; i++) log.write([Buffer.from('z'.repeat(50))]);
    await log.close();
    expect(problems).toHaveLength(2);
    // What is kept is the newest part of the line, in order: nothing but z (the rest went with the older files).
    expect(readFileSync(`${path}.1`, 'utf8') + readFileSync(path, 'utf8')).toMatch(/^z{100,200}$/);
  });

  it('a file that cannot be written is said once, never throws, never holds the writer, and closes', async () => {
    const dir = scratch();
    const folder = join(dir, 'gone');
    mkdirSync(folder);
    chmodSync(folder, 0o500);
    rmSync(folder, { recursive: true, force: true }); // the boot folder removed under land
    const problems: string[] = [];
    const log = new TierLog({ path: join(folder, 'api.log'), rotateBytes: 1 << 20, keepFiles: 1, onProblem: (message) => problems.push(message) });
    log.write([Buffer.from('one\n')]);
    await new Promise<void>((resolve) => log.whenWritable(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.write([Buffer.from('two\n')])).toBe(true);
    await new Promise<void>((resolve) => log.whenWritable(resolve));
    await log.close();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/log file .*api\.log: .*ENOENT.*; output goes on without it/);
  });

  it('a write that fails (a full disk) is said once and never holds the writer', async () => {
    const problems: string[] = [];
    const log = new TierLog({ path: '/dev/full', rotateBytes: 1 << 30, keepFiles: 0, onProblem: (message) => problems.push(message) });
    log.write([Buffer.from('one\n'), Buffer.from('two\n')]);
    await new Promise<void>((resolve) => log.whenWritable(resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Within the retry pause the bytes are counted, not written; the writer is never held.
    expect(log.write([Buffer.from(Buffer.alloc(2 << 20))])).toBe(true);
    await new Promise<void>((resolve) => log.whenWritable(resolve));
    await log.close();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/log file \/dev\/full: .*ENOSPC.*; output goes on without it/);
  });

  it('a line a full disk cut short (a 16 KiB tmpfs) is ended with a newline before the file takes more, and the note says so', async () => {
    const dir = scratch();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir]);
    try {
      const filler = join(dir, 'filler');
      writeFileSync(filler, Buffer.alloc(8192));
      const problems: string[] = [];
      const path = join(dir, 'api.log');
      const log = new TierLog({ path, rotateBytes: 1 << 30, keepFiles: 0, onProblem: (message) => problems.push(message) });
      const line = (char: string, length: number) => Buffer.from(`${char.repeat(length)}\n`);
      log.write([line('a', 3000)]);
      await new Promise<void>((resolve) => log.whenWritable(resolve));
      // 8 KiB left, 3 001 bytes taken: the disk fills within this line, which is written in part.
      log.write([line('b', 8000)]);
      await new Promise<void>((resolve) => log.whenWritable(resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/ENOSPC/);
      const torn = readFileSync(path, 'latin1');
      expect(torn.length).toBeGreaterThan(3001);
      expect(torn.endsWith('\n')).toBe(false);
      rmSync(filler);
      // The file is tried again after its pause (2 s).
      await new Promise((resolve) => setTimeout(resolve, 2100));
      log.write([line('c', 100)]);
      await new Promise<void>((resolve) => log.whenWritable(resolve));
      await log.close();
      const lines = readFileSync(path, 'latin1').split('\n');
      expect(lines[0]).toBe('a'.repeat(3000));
      expect(lines[1]).toMatch(/^b+$/); // the torn line, ended early
      expect(lines[1]!.length).toBeLessThan(8000);
      expect(lines.slice(2)).toEqual(['c'.repeat(100), '']);
      expect(problems[1]).toMatch(/^log file writable again; \d+ bytes of output could not be written to it; the line a failed write cut short was ended with a newline$/);
    } finally {
      await unmount(dir);
    }
  });
});
