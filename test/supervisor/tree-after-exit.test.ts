/**
 * What a leader left running, looked for right after its exit: the /proc listing shared for SNAPSHOT_MS may be from
 * before that exit, and must not make land say "stopping what it left running" for a tree that is gone. The steady clock is
 * frozen here so that the shared listing stays the one taken while the leader lived (on a loaded machine the exit
 * is handled within those few milliseconds often enough: "False leftovers under load", docs/decisions.md).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAlive, listProcesses, parseStat, treeAfterExit, treePids } from '../../src/supervisor/process-tree.js';

const groups: number[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const group of groups.splice(0)) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // gone already
    }
  }
});

/**
 * A leader as land spawns one (its own session and group), running `script`. Its `cat` ends when the test closes
 * its stdin: the test decides when the tree ends (a sleep of a fixed length could end before the listing on a loaded
 * machine).
 */
function leader(script: string) {
  const child = spawn('sh', ['-c', script], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  groups.push(child.pid!);
  return child;
}

async function untilListed(pid: number, count: number): Promise<void> {
  while (treePids({ pid }, true).length < count) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('treeAfterExit', () => {
  it('finds nothing when the leader and its child ended, though the shared listing still shows both', async () => {
    const child = leader('cat; exit 0');
    const spawnedAt = performance.now();
    await untilListed(child.pid!, 2);
    vi.useFakeTimers({ toFake: ['performance'] });
    listProcesses(true); // the shared listing, taken while the leader and its cat run
    child.stdin!.end();
    await once(child, 'exit');
    expect(treePids({ pid: child.pid! })).toContain(child.pid!); // what the stop looked at before: a stale tree
    expect(treeAfterExit({ pid: child.pid! }, spawnedAt)).toEqual({ running: [], unsure: false });
  });

  it('still finds what the leader really left running', async () => {
    const child = leader('sleep 30 & cat');
    const spawnedAt = performance.now();
    await untilListed(child.pid!, 3);
    const tree = treePids({ pid: child.pid! }, true);
    vi.useFakeTimers({ toFake: ['performance'] });
    listProcesses(true);
    child.stdin!.end();
    await once(child, 'exit');
    const orphan = tree.find((pid) => pid !== child.pid && isAlive(pid));
    expect(orphan).toBeDefined();
    expect(treeAfterExit({ pid: child.pid! }, spawnedAt)).toEqual({ running: [orphan], unsure: false });
  });

  it('a shared listing from before the spawn (a leader that lived less than its 25 ms) is not taken for an empty tree', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    listProcesses(true); // the shared listing, taken before the leader exists
    const child = leader('sleep 30 & exit 0');
    child.stdin!.end();
    const spawnedAt = performance.now(); // the same frozen millisecond: the listing may be older than the fork
    await once(child, 'exit');
    expect(treePids({ pid: child.pid! })).toEqual([]); // what the shared listing says
    const left = treeAfterExit({ pid: child.pid! }, spawnedAt).running;
    expect(left).toHaveLength(1);
    expect(isAlive(left[0]!)).toBe(true);
  });

  it('reads the kernel flag of a process whose exit has begun', () => {
    const line = (flags: number) => Buffer.from(`42 (sh) R 1 42 42 0 -1 ${flags} 0 0 0 0 5 6 0 0 20 0 1 0 777 0 9 0`);
    expect(parseStat(42, line(0x400100), line(0x400100).length)?.exiting).toBe(false);
    expect(parseStat(42, line(0x400104), line(0x400104).length)?.exiting).toBe(true);
  });
});
