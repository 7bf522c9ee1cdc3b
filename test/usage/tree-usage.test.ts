import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, readProc } from '../../src/supervisor/process-tree.js';
import { newTreeMemory, sampleTreeUsage, startUsageSampler, type UsageByPid } from '../../src/usage/tree-usage.js';
import { StatFiles } from '../../src/usage/stat-files.js';
import { waitFor } from '../tui/fake-control.js';
import { HEARTBEAT_MS, onHeartbeat } from '../../src/runtime/heartbeat.js';

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

/**
 * A node process that starts a node grandchild and prints the grandchild's pid once the grandchild has run its
 * script (a node still starting grows by megabytes between two readings of its memory).
 */
/** Gone or a zombie; reaped between the two reads counts as gone (its /proc entry vanishes: ESRCH). */
function gone(pid: number): boolean {
  try {
    return /\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function spawnTree(): Promise<{ pid: number; grandchild: number }> {
  const script = `
    const { spawn } = require('node:child_process');
    const g = spawn(process.execPath, ['-e', 'console.log(1); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    g.stdout.once('data', () => console.log(g.pid));
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

  it('reads a busy process near a core and an idle one well below it, and its memory as the kernel reports it', async () => {
    const busy = execa(process.execPath, ['-e', 'for (;;) {}'], { detached: true, reject: false });
    children.push(busy);
    const { pid: idle } = await spawnTree();
    const memory = newTreeMemory();
    await sampleTreeUsage([busy.pid!, idle], memory); // the first reading: since each started
    // A shared 2-core machine gives the spinning process much less than a core at times (18 % once): the reading is
    // taken again over a new second until the kernel's own count says it did run near a core meanwhile (over half
    // of one), and that reading is the one checked.
    let usage: UsageByPid;
    for (let second = 1; ; second += 1) {
      const ticksBefore = readProc(busy.pid!)!.cpuTicks;
      const startedAt = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      usage = await sampleTreeUsage([busy.pid!, idle], memory);
      // Percent of a core: ticks of 10 ms over the elapsed ms.
      const share = ((readProc(busy.pid!)!.cpuTicks - ticksBefore) * 10 * 100) / (performance.now() - startedAt);
      if (share > 50 || second === 30) break;
    }
    expect(usage.get(busy.pid!)!.cpu).toBeGreaterThan(25);
    expect(usage.get(idle)!.cpu).toBeLessThan(usage.get(busy.pid!)!.cpu / 2); // (it may still be finishing its start)
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${busy.pid}/status`, 'utf8'))![1]) * 1024;
    expect(Math.abs(usage.get(busy.pid!)!.memory - rss)).toBeLessThan(rss / 4);
  });

  it("remembers the trees between full passes over /proc, and passes again for a root it does not know", async () => {
    const first = await spawnTree();
    const memory = newTreeMemory();
    const full = await sampleTreeUsage([first.pid], memory);
    const scannedAt = memory.scannedAt;
    expect(memory.trees.get(first.pid)?.sort()).toEqual([first.pid, first.grandchild].sort());
    const again = await sampleTreeUsage([first.pid], memory);
    expect(memory.scannedAt).toBe(scannedAt); // only the tree's own pids were read
    expect(again.get(first.pid)?.processes).toBe(2);
    // The same memory as a full pass made right after (the first pass may have caught the tree still starting).
    const fullNow = (await sampleTreeUsage([first.pid])).get(first.pid)!.memory;
    expect(full.get(first.pid)!.memory).toBeGreaterThan(0);
    expect(Math.abs(again.get(first.pid)!.memory - fullNow)).toBeLessThan(fullNow / 4);
    const second = await spawnTree();
    const both = await sampleTreeUsage([first.pid, second.pid], memory);
    expect(memory.scannedAt).toBeGreaterThan(scannedAt);
    expect(both.get(second.pid)?.processes).toBe(2);
    process.kill(first.grandchild, 'SIGKILL');
    await waitFor(() => gone(first.grandchild), 'the grandchild gone');
    expect((await sampleTreeUsage([first.pid, second.pid], memory)).get(first.pid)?.processes).toBe(1);
  });

  it("measures each sampler's CPU over its own interval (the UI's and the dashboard's run side by side)", async () => {
    // A child that, told to, burns half a second of its own CPU time, says so, then idles.
    const script = `
      process.stdin.once('data', () => {
        const start = process.cpuUsage();
        while (process.cpuUsage(start).user < 500_000) {}
        console.log('done');
        setInterval(() => {}, 1000);
      });
    `;
    const child = execa(process.execPath, ['-e', script], { detached: true, reject: false });
    children.push(child);
    await waitFor(() => existsSync(`/proc/${child.pid}/stat`), 'the child started');
    const ui = newTreeMemory();
    const dashboard = newTreeMemory();
    await sampleTreeUsage([child.pid!], ui);
    const done = new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    child.stdin!.write('go\n');
    await done;
    // The dashboard's sample comes after the burst; the UI's next one must still count the burst as its own.
    await sampleTreeUsage([child.pid!], dashboard);
    const mine = (await sampleTreeUsage([child.pid!], ui)).get(child.pid!);
    // 0.5 s of CPU over however long the burst took on a busy machine (a shared baseline saw only an idle moment: 0).
    expect(mine?.cpu).toBeGreaterThan(5);
  });

  it('gives the last sample again while no tree moved, and a new one once a tree uses CPU', async () => {
    const script = "process.on('SIGUSR1', () => { const end = Date.now() + 400; while (Date.now() < end); }); setInterval(() => {}, 1 << 30)";
    const child = execa(process.execPath, ['-e', script], { detached: true, reject: false });
    children.push(child);
    const memory = newTreeMemory(new StatFiles());
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // past node's start
      let last = await sampleTreeUsage([child.pid!], memory);
      for (let tries = 0; tries < 20; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 150));
        const again = await sampleTreeUsage([child.pid!], memory);
        if (again === last) break;
        last = again; // its start-up's CPU, then none
      }
      expect(await sampleTreeUsage([child.pid!], memory)).toBe(last);
      expect(last.get(child.pid!)?.cpu).toBe(0);
      child.kill('SIGUSR1');
      await new Promise((resolve) => setTimeout(resolve, 600));
      const moved = await sampleTreeUsage([child.pid!], memory);
      expect(moved).not.toBe(last);
      // The burst is counted (any share above zero: how much depends on the machine's load, a benchmark's business).
      expect(moved.get(child.pid!)!.cpu).toBeGreaterThan(0);
      expect(moved.get(child.pid!)!.processes).toBe(1);
    } finally {
      memory.files!.closeAll();
    }
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

  it('goes on sampling after a sample that throws, with no unhandled rejection (which would stop land up)', async () => {
    let asked = 0;
    const sampler = startUsageSampler({
      pids: () => {
        asked += 1;
        if (asked === 1) throw new Error('a tier list that failed once');
        return [];
      },
      onSample: () => undefined,
      intervalMs: 20,
    });
    await waitFor(() => asked >= 3, 'three rounds');
    sampler.stop();
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

  // Without intervalMs (as the UI starts it) the sampler wakes land no more than it wakes anyway: it samples every 2 s
  // in the heartbeat's wake-up (src/runtime/heartbeat.ts), started here 300 ms before it. A timer of its own would
  // sample 300 ms away from the mark the first beat leaves until the loop's check phase.
  it("samples every 2 s in the wake-ups of land's heartbeat, after a first sample at once", async () => {
    const { pid } = await spawnTree();
    let marked = false;
    const stopMark = onHeartbeat(() => {
      marked = true;
      setImmediate(() => (marked = false));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const startedAt = Date.now();
    const seen: Array<{ marked: boolean; at: number }> = [];
    const sampler = startUsageSampler({ pids: () => [pid], onSample: () => seen.push({ marked, at: Date.now() - startedAt }) });
    try {
      await waitFor(() => seen.length >= 3, 'three samples', 4 * HEARTBEAT_MS + 8_000);
    } finally {
      sampler.stop();
      stopMark();
    }
    expect(seen[0]!.marked).toBe(false); // the first one at once, not on a beat
    expect(seen.slice(1).map((sample) => sample.marked), JSON.stringify(seen)).toEqual([true, true]);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS - 100);
  }, 20_000);
});
