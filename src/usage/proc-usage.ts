/**
 * CPU and memory of every process, read from /proc in one pass: each /proc/<pid>/stat gives the parent (to find a
 * tier's tree), the CPU time (utime + stime) and the resident pages (parsed by the supervisor's own reader,
 * src/supervisor/process-tree.ts). pidusage read the same files again, one asynchronous open per pid, and learned the
 * clock tick and the page size by running `getconf` twice (forking land, a process of a hundred megabytes); the UI's
 * sampler ran every 2 s and this is most of what it cost.
 */
import { readFileSync } from 'node:fs';
import { allPids, isDead, readProc, type ProcInfo } from '../supervisor/process-tree.js';
import { readUptime } from './stat-files.js';

export interface ProcUsage {
  pid: number;
  ppid: number;
  /** Percent of one core since the previous reading with the same baseline (since the process started, at its first). */
  cpu: number;
  /** Resident memory, bytes. */
  memory: number;
}

/**
 * CPU ticks seen at a sampler's previous reading, by pid, with the process's start time (a reused pid is another
 * process). Each sampler has its own (the UI's and the dashboard's run side by side): a CPU percentage is the ticks used
 * since that sampler's last look divided by the time since then, so a baseline shared by two would give each the other's
 * interval. A mark is updated in place: a sample of an idle stack makes no new objects.
 */
export type CpuBaseline = Map<number, CpuMark>;
export interface CpuMark {
  start: string;
  ticks: number;
  /** When, in ticks since boot. */
  at: number;
}

/** /proc counts CPU time in USER_HZ ticks, 100 a second on every Linux (the ABI fixes it; pidusage assumes it too). */
const TICKS_PER_SECOND = 100;

let pageSize: number | undefined;

/** The page size: this process's resident bytes over its resident pages, to the nearest power of two. */
function pageBytes(): number {
  if (pageSize === undefined) {
    const pages = Number(readFileSync('/proc/self/statm', 'utf8').split(' ')[1]);
    pageSize = pages > 0 ? 2 ** Math.round(Math.log2(process.memoryUsage.rss() / pages)) : 4096;
  }
  return pageSize;
}

/** Now, in ticks since boot (`uptime`: seconds since boot, as a sampler reads it). */
export function ticksNow(uptime: () => number = readUptime): number {
  return uptime() * TICKS_PER_SECOND;
}

/** Percent of one core `info`'s process used since `baseline`'s mark of it (since it started, at first); marks it `at`. */
export function cpuSince(baseline: CpuBaseline, info: ProcInfo, at: number): number {
  const mark = baseline.get(info.pid);
  if (mark === undefined || mark.start !== info.startTime) {
    baseline.set(info.pid, { start: info.startTime, ticks: info.cpuTicks, at });
    const elapsed = at - Number(info.startTime);
    return elapsed > 0 ? (info.cpuTicks / elapsed) * 100 : 0;
  }
  const elapsed = at - mark.at;
  const cpu = elapsed > 0 ? ((info.cpuTicks - mark.ticks) / elapsed) * 100 : 0;
  mark.ticks = info.cpuTicks;
  mark.at = at;
  return cpu;
}

/** Resident bytes of `info`'s process. */
export const residentBytes = (info: ProcInfo): number => info.rssPages * pageBytes();

/**
 * Every live process with its parent and usage (`only`: just those pids, the ones gone left out), the CPU measured
 * against `baseline`, which this reading then updates; empty where there is no /proc. `read`: how a process's stat
 * is read (a sampler's open files, stat-files.ts).
 */
export function readProcUsage(
  baseline: CpuBaseline,
  only?: readonly number[],
  read: (pid: number) => ProcInfo | undefined = readProc,
  uptime?: () => number,
): ProcUsage[] {
  let pids: readonly number[];
  let at: number;
  try {
    pids = only ?? allPids();
    at = ticksNow(uptime);
  } catch {
    return [];
  }
  const result: ProcUsage[] = [];
  for (const pid of pids) {
    const info = read(pid);
    if (!info || isDead(info)) continue; // gone meanwhile, or a zombie
    result.push({ pid, ppid: info.ppid, cpu: cpuSince(baseline, info, at), memory: residentBytes(info) });
  }
  // A full pass forgets the processes that are gone; a partial one keeps what it did not read.
  if (!only) {
    const seen = new Set(result.map((entry) => entry.pid));
    for (const pid of baseline.keys()) if (!seen.has(pid)) baseline.delete(pid);
  }
  return result;
}
