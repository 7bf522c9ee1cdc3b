/** Which folders a watch spec watches, and which files its globs take (real files, real chokidar). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { globRoot, watchFiles } from '../../src/watch/file-watcher.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('watch globs', () => {
  it('watches from the folder a glob starts in', () => {
    expect(globRoot('src/**/*.ts')).toBe('src');
    expect(globRoot('lib/*.js')).toBe('lib');
    expect(globRoot('**/*.ts')).toBe('.');
    expect(globRoot('config.json')).toBe('config.json');
    expect(globRoot('a/b/{c,d}/*.js')).toBe('a/b');
  });

  it('one burst for many changes; a plain folder means everything under it; ignores and land\'s own files are left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'land-watch-'));
    dirs.push(dir);
    for (const folder of ['src/deep', 'docs', 'src/node_modules/x', 'src/.land/logs', 'src/skip']) mkdirSync(join(dir, folder), { recursive: true });
    const bursts: string[][] = [];
    const watcher = watchFiles({
      cwd: dir,
      spec: { paths: ['./src/', 'docs/*.md'], ignore: ['src/skip/**'], debounceMs: 300, restartDependents: false },
      onBurst: (files) => bursts.push(files),
      onError: (message) => {
        throw new Error(message);
      },
    });
    await watcher.ready;
    writeFileSync(join(dir, 'src', 'a.ts'), 'a');
    writeFileSync(join(dir, 'src', 'deep', 'b.ts'), 'b');
    writeFileSync(join(dir, 'docs', 'guide.md'), 'c');
    writeFileSync(join(dir, 'docs', 'guide.txt'), 'not a .md');
    writeFileSync(join(dir, 'src', 'node_modules', 'x', 'index.js'), 'dependency');
    writeFileSync(join(dir, 'src', '.land', 'logs', 'api.log'), 'a log line');
    writeFileSync(join(dir, 'src', 'skip', 'c.ts'), 'ignored');
    const deadline = Date.now() + 10_000;
    while (bursts.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 800));
    await watcher.close();
    // One burst with exactly these files; their order is the order chokidar's events came in, which a folder's own
    // watch and its subfolder's do not fix (seen both ways under load).
    expect(bursts.map((files) => [...files].sort())).toEqual([['docs/guide.md', 'src/a.ts', 'src/deep/b.ts']]);
  });
});
