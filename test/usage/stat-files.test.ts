// The usage sampler's open stat files (src/usage/stat-files.ts) against real processes and the supervisor's reader.
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { allPids, parseStat, readProc, sameProcess } from '../../src/supervisor/process-tree.js';
import { readFileSync } from 'node:fs';
import { parseUptime, StatFiles } from '../../src/usage/stat-files.js';
import { newTreeMemory, sampleTreeUsage } from '../../src/usage/tree-usage.js';

const files: StatFiles[] = [];
afterEach(() => {
  for (const open of files.splice(0)) open.closeAll();
});

describe('stat files', () => {
  it('reads what readProc reads, for every process, from files it keeps open', () => {
    const open = new StatFiles();
    files.push(open);
    const pids = allPids().slice(0, 40);
    let compared = 0;
    for (const pid of pids) {
      const kept = open.read(pid);
      const fresh = readProc(pid);
      if (!kept || !fresh || fresh.cpuTicks !== kept.cpuTicks || fresh.rssPages !== kept.rssPages || fresh.state !== kept.state) continue; // moved meanwhile (ran or slept)
      expect(kept).toEqual(fresh);
      compared += 1;
    }
    expect(compared).toBeGreaterThan(0);
    expect(open.read(process.pid)?.ppid).toBe(process.ppid);
    open.keepOnly(new Set([process.pid]));
    expect(open.size).toBe(1);
  });

  it('parses a command name with spaces and parentheses, and refuses a cut line', () => {
    const line = Buffer.from('42 (a) b (c)) S 7 42 42 0 -1 4194304 1 0 0 0 15 6 0 0 20 0 1 0 12345 1000000 321 18446744073709551615\n');
    expect(parseStat(42, line, line.length)).toEqual({ pid: 42, state: 'S', ppid: 7, pgid: 42, session: 42, startTime: '12345', cpuTicks: 21, rssPages: 321, exiting: false });
    const setsid = Buffer.from('43 (d) S 1 43 41 0 -1 4194304 1 0 0 0 15 6 0 0 20 0 1 0 12345 1000000 321 18446744073709551615\n');
    expect(parseStat(43, setsid, setsid.length)?.session).toBe(41);
    expect(parseStat(42, line, 40)).toBeUndefined();
    // PF_EXITING (0x4) in the flags field: the kernel has started to end it.
    const ending = Buffer.from(line.toString().replace(' 4194304 ', ' 4194308 '));
    expect(parseStat(42, ending, ending.length)?.exiting).toBe(true);
    expect(parseStat(42, line, 0)).toBeUndefined(); // an empty read: not whatever the buffer held before
  });

  it('closes the file of a process that is gone: a read of it then finds nothing, never another process', async () => {
    const child = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { reject: false });
    const open = new StatFiles();
    files.push(open);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(open.read(child.pid!)?.pid).toBe(child.pid);
    expect(open.size).toBe(1);
    child.kill('SIGKILL');
    await child;
    expect(open.read(child.pid!)).toBeUndefined();
    expect(open.size).toBe(0);
  });

  it('reads, after the first pass, only the processes it has not seen outside every tree', async () => {
    const reads: number[] = [];
    let peak = 0; // the most files open at once
    const open = new (class extends StatFiles {
      override read(pid: number) {
        reads.push(pid);
        const info = super.read(pid);
        peak = Math.max(peak, this.size);
        return info;
      }
      override readOnce(pid: number) {
        reads.push(pid);
        return super.readOnce(pid);
      }
    })();
    files.push(open);
    const memory = newTreeMemory(open);
    await sampleTreeUsage([process.pid], memory);
    const first = reads.splice(0).length;
    expect(first).toBeGreaterThan(10); // every process on the machine
    expect(peak).toBe(1); // but only the tree's file is kept open meanwhile, never one per process
    // A child started since is found at the next pass, which reads it and the tree, not the whole listing again.
    const child = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { reject: false });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      memory.scannedAt = -Infinity; // the next sample passes over /proc again
      const usage = await sampleTreeUsage([process.pid], memory);
      expect(memory.trees.get(process.pid)).toContain(child.pid);
      expect(usage.get(process.pid)!.processes).toBeGreaterThanOrEqual(2);
      expect(reads).toContain(child.pid);
      expect(reads.length).toBeLessThan(first);
      // Only the tree's files stay open, and no more were open at once; the next sample opens the newcomer's.
      const tree = memory.trees.get(process.pid)!;
      expect(peak).toBeLessThanOrEqual(tree.length);
      await sampleTreeUsage([process.pid], memory);
      expect(open.size).toBe(tree.length);
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });
});

describe('stat files, unchanged lines', () => {
  it('gives back the same parsed line while a process stays put, and a new one once its CPU moves', async () => {
    const script = "process.on('SIGUSR1', () => { const end = Date.now() + 300; while (Date.now() < end); }); setInterval(() => {}, 1 << 30)";
    const child = execa(process.execPath, ['-e', script], { reject: false });
    const open = new StatFiles();
    files.push(open);
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // past node's start
      let first = open.read(child.pid!);
      for (let tries = 0; tries < 20; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const again = open.read(child.pid!);
        if (again === first) break;
        first = again; // still settling (a late start-up task)
      }
      expect(open.read(child.pid!)).toBe(first);
      child.kill('SIGUSR1');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const moved = open.read(child.pid!);
      expect(moved).not.toBe(first);
      expect(moved!.cpuTicks).toBeGreaterThan(first!.cpuTicks);
      expect(moved).toEqual(readProc(child.pid!)); // parsed anew, as the supervisor's reader reads it
    } finally {
      child.kill('SIGKILL');
      await child;
    }
  });

  it('reads /proc/uptime from a file it keeps open, as the kernel gives it', () => {
    const open = new StatFiles();
    files.push(open);
    const before = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const kept = open.uptime();
    const again = open.uptime();
    const after = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    expect(kept).toBeGreaterThanOrEqual(before);
    expect(again).toBeGreaterThanOrEqual(kept);
    expect(after).toBeGreaterThanOrEqual(again);
    expect(parseUptime(Buffer.from('12345.67 999.01\n'), 16)).toBeCloseTo(12345.67, 6);
    expect(parseUptime(Buffer.from('7 1\n'), 4)).toBe(7);
    expect(parseUptime(Buffer.from('x\n'), 2)).toBeNaN();
  });

  it('knows a process by pid and start time: another start time (a reused pid) or a pid gone is not it', () => {
    const own = readProc(process.pid)!;
    expect(sameProcess(process.pid, own.startTime)?.pid).toBe(process.pid);
    expect(sameProcess(process.pid, String(Number(own.startTime) + 1))).toBeUndefined();
    expect(sameProcess(2 ** 22 + 1, own.startTime)).toBeUndefined();
  });
});
