/**
 * The memory watch's samples belong to a tier object and to the life sampled: a new object with the same name (a
 * replica added again by `land scale`) has none, and a tier no longer running shows none. Real processes, real /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryWatch, type MemoryWatched } from '../../src/supervisor/memory-watch.js';
import { waitUntil } from '../helpers/land.js';

const children: ChildProcess[] = [];
afterAll(() => children.forEach((child) => child.kill('SIGKILL')));

function tier(name: string, memoryRoot: number | undefined, roots?: number[]) {
  const restarts: number[] = [];
  const watched = {
    name,
    config: { limits: { memory: 1024 ** 4 } },
    memoryRoot,
    get memoryRoots() {
      return this.memoryRoot === undefined ? [] : (roots ?? [this.memoryRoot]);
    },
    restartOverMemory: (pid: number) => restarts.push(pid) > 0,
  } satisfies MemoryWatched;
  return watched;
}

describe('MemoryWatch', () => {
  it('keeps samples per tier object and per life, and drops them when the tier is no longer sampled', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    const watch = new MemoryWatch();
    try {
      const web2 = tier('web.2', child.pid);
      watch.watch(web2);
      await waitUntil(() => watch.sampleOf(web2) !== undefined, 10_000, 'a sample of web.2');
      expect(watch.sampleOf(web2)!.used).toBeGreaterThan(1024 ** 2);
      // The same name again, a new tier (land scale web 1, then 2): nothing inherited.
      expect(watch.sampleOf(tier('web.2', child.pid))).toBeUndefined();
      // Its life ended (backoff, failed, stopped): no sample shown.
      web2.memoryRoot = undefined;
      expect(watch.sampleOf(web2)).toBeUndefined();
    } finally {
      watch.close();
    }
  }, 30_000);

  it('sums every tree of a tier that has several (a daemon that re-executed itself, a launcher that started two)', async () => {
    const [first, second] = [0, 1].map(() => spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }));
    children.push(first!, second!);
    const watch = new MemoryWatch();
    try {
      const one = tier('one', first!.pid);
      const both = tier('both', first!.pid, [first!.pid!, second!.pid!]);
      watch.watch(one);
      watch.watch(both);
      await waitUntil(() => watch.sampleOf(one) !== undefined && watch.sampleOf(both) !== undefined, 10_000, 'samples');
      // Two node processes of about the same size: the sum is well over one of them.
      expect(watch.sampleOf(both)!.used).toBeGreaterThan(1.5 * watch.sampleOf(one)!.used);
    } finally {
      watch.close();
    }
  }, 30_000);
});
