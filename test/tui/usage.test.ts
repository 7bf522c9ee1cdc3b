import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf } from '../../src/supervisor/process-tree.js';
import { sampleTreeUsage, startUsageSampler, type UsageByPid } from '../../src/tui/usage.js';
import { waitFor } from './fake-control.js';

const children: Array<ReturnType<typeof execa>> = [];

afterEach(async () => {
  for (const child of children.splice(0)) {
    // The whole group: the grandchild too.
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await child.catch(() => undefined);
  }
});

/** A node process that starts a node grandchild and prints the grandchild's pid. */
async function spawnTree(): Promise<{ pid: number; grandchild: number }> {
  const script = `
    const { spawn } = require('node:child_process');
    const g = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    console.log(g.pid);
    setInterval(() => {}, 1000);
  `;
  const child = execa(process.execPath, ['-e', script], { detached: true, reject: false });
  children.push(child);
  const grandchild = await new Promise<number>((resolve) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
  });
  return { pid: child.pid!, grandchild };
}

describe('usage', () => {
  it('walks a listing by parent links', () => {
    const listing = [
      { pid: 2, ppid: 1 },
      { pid: 3, ppid: 1 },
      { pid: 4, ppid: 3 },
      { pid: 10, ppid: 9 },
    ];
    expect(descendantsOf([1], listing).sort()).toEqual([2, 3, 4]);
  });

  it('sums CPU and memory over the whole process tree of a real process', async () => {
    const { pid, grandchild } = await spawnTree();
    const usage = await sampleTreeUsage([pid]);
    const tree = usage.get(pid);
    expect(tree, `usage of ${pid} (grandchild ${grandchild})`).toBeDefined();
    expect(tree!.processes).toBe(2);
    // Two node processes: each holds more than 10 MB resident.
    expect(tree!.memory).toBeGreaterThan(20 * 1024 * 1024);
    expect(tree!.cpu).toBeGreaterThanOrEqual(0);
  });

  it('leaves out pids that are gone instead of failing', async () => {
    const child = execa(process.execPath, ['-e', '0']);
    await child;
    const usage = await sampleTreeUsage([child.pid!]);
    expect(usage.size).toBe(0);
    expect((await sampleTreeUsage([])).size).toBe(0);
  });

  it('samples repeatedly until stopped', async () => {
    const { pid } = await spawnTree();
    const samples: UsageByPid[] = [];
    const sampler = startUsageSampler({ pids: () => [pid], onSample: (usage) => samples.push(usage), intervalMs: 50 });
    await waitFor(() => samples.length >= 2, 'two samples');
    sampler.stop();
    const count = samples.length;
    expect(samples[0]!.get(pid)?.processes).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(samples.length).toBe(count);
  });

  it('runs nothing while no tier has a pid', async () => {
    let asked = 0;
    const samples: UsageByPid[] = [];
    const sampler = startUsageSampler({
      pids: () => {
        asked += 1;
        return [];
      },
      onSample: (usage) => samples.push(usage),
      intervalMs: 20,
    });
    await waitFor(() => asked >= 3, 'three rounds');
    sampler.stop();
    expect(samples).toEqual([]);
  });
});
