/** A tier's log file: rotation at a size, and write failures that never throw or hold a pipe. */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

describe('TierLog', () => {
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
});
