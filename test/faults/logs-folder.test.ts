/**
 * `.land/logs` (where each boot makes its folder) and `.land` itself when land cannot make or write them: a file, a
 * link to nothing, an immutable folder (`chattr +i`), a project folder land may not write (immutable, or on a
 * read-only file system: a real read-only tmpfs mounted over the project). Each is one line naming
 * the path and what was expected, exit 2, nothing started (no child, no boot folder), as `.land/run` being a file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, landDone, makeProject, removeProjects } from '../helpers/land.js';

const marker = { command: child('--touch', 'started.flag') };
/** Folders made immutable by a test: made changeable again whatever happens, or they could not be removed. */
const immutable: string[] = [];
const chattr = (flag: '+i' | '-i', dir: string) => execFileSync('chattr', [flag, dir]);

/** File systems a test mounted (on a project's folder): unmounted whatever happens, before the projects go. */
const mounts: string[] = [];

afterAll(() => {
  for (const dir of immutable) chattr('-i', dir);
  for (const dir of mounts) execFileSync('umount', [dir]);
  removeProjects();
});

async function refused(prepare: (dir: string) => void, expected: RegExp) {
  const dir = makeProject({ config: { tiers: { a: marker } } });
  prepare(dir);
  const result = await landDone(['up', '--no-tui'], dir);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(expected);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(existsSync(join(dir, 'started.flag'))).toBe(false);
  return dir;
}

describe('bad input: .land/logs or .land cannot be made or written (one line, exit 2, nothing started)', () => {
  it('.land/logs is a file', async () => {
    await refused((dir) => {
      mkdirSync(join(dir, '.land'));
      writeFileSync(join(dir, '.land', 'logs'), 'notes\n');
    }, /^land: \.land\/logs: expected a folder, found a file: land will not use it/);
  });

  it('.land/logs is a link to a folder that does not exist', async () => {
    const dir = await refused((dir) => {
      mkdirSync(join(dir, '.land'));
      symlinkSync(join(dir, 'gone'), join(dir, '.land', 'logs'));
    }, /^land: \.land\/logs: expected a folder, found a symbolic link to .*\/gone, which does not exist/);
    expect(lstatSync(join(dir, '.land', 'logs')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, 'gone'))).toBe(false);
  });

  it('.land/logs cannot be changed (chattr +i)', async () => {
    const dir = await refused((dir) => {
      mkdirSync(join(dir, '.land', 'logs'), { recursive: true });
      immutable.push(join(dir, '.land', 'logs'));
      chattr('+i', join(dir, '.land', 'logs'));
    }, /^land: \.land\/logs: expected a folder land can write in, got EPERM \(operation not permitted\)/);
    expect(readdirSync(join(dir, '.land', 'logs'))).toEqual([]);
  });

  it('the project folder cannot be written: .land cannot be made', async () => {
    const dir = await refused((dir) => {
      immutable.push(dir);
      chattr('+i', dir);
    }, /^land: \.land: expected a folder land can create, got EPERM \(operation not permitted\) \(land keeps its state there: make .* writable\)$/m);
    expect(existsSync(join(dir, '.land'))).toBe(false);
  });

  it('the project folder is on a read-only file system: .land cannot be made (EROFS, which node\'s recursive mkdir calls ENOENT)', async () => {
    const dir = await refused((dir) => {
      // The project's files copied onto a tmpfs mounted over its folder, then the tmpfs made read-only.
      const files = ['land.config.mjs', 'profiles/debug.env'].map((name) => [name, readFileSync(join(dir, name))] as const);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
      mounts.push(dir);
      mkdirSync(join(dir, 'profiles'));
      for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
      execFileSync('mount', ['-o', 'remount,ro', dir]);
    }, /^land: \.land: expected a folder land can create, got EROFS \(read-only file system\) \(land keeps its state there: make .* writable\)$/m);
    expect(existsSync(join(dir, '.land'))).toBe(false);
  });
});
