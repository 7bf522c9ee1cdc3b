/**
 * Reading every process from /proc, shared for a moment (process-tree.ts finds trees in it): the listing, each
 * process's marks (its environment) and the holders of a tier's output pipes. Each read takes one of land's file
 * descriptors: one refused for want of them (EMFILE, ENFILE) is no answer about the process, so it is read again
 * after one short wait, and what stays unread makes the reading `unsure` rather than a process gone.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { HAS_PROC, UNKNOWN, allPids, isDead, isFdShortage, statOf, waitForDescriptors, type ProcInfo } from './proc-stat.js';
import { steadyNow } from '../runtime/steady-clock.js';

/**
 * One reading of /proc, shared for a moment: when 64 tiers stop together each would otherwise rescan the whole
 * process table every few milliseconds. Callers that must see the latest state ask for a fresh one.
 */
const SNAPSHOT_MS = 25;
export interface Snapshot {
  at: number;
  processes: ProcInfo[];
  environ: Map<number, string>;
  children?: Map<number, number[]>;
  stale?: true;
  /**
   * A process of it could not be read for want of file descriptors (its stat, or its environment for a mark), even
   * after a wait: it may be missing, so what it does not show is not known to be gone (a stop polls on).
   */
  unsure?: true;
}
let snapshot: Snapshot | undefined;

export function readSnapshot(fresh: boolean): Snapshot {
  if (!fresh && snapshot && !snapshot.stale && steadyNow() - snapshot.at < SNAPSHOT_MS) return snapshot;
  // When the reading began: a process started after that may be missing from it (treeAfterExit).
  const at = steadyNow();
  let pids: number[];
  try {
    pids = allPids();
  } catch (error) {
    if (!isFdShortage(error)) throw error;
    return staleSnapshot();
  }
  const processes: ProcInfo[] = [];
  const unread = readEach(pids, statOf, (_pid, info) => {
    if (info && !isDead(info)) processes.push(info);
  });
  // Still unread: as the last reading knew them, if it did and a signal 0 finds the pid (which needs no descriptor).
  const known = new Map(unread.length > 0 ? (snapshot?.processes ?? []).map((info) => [info.pid, info]) : []);
  for (const pid of unread) if (known.has(pid) && mayExist(pid)) processes.push(known.get(pid)!);
  snapshot = { at, processes, environ: new Map(), ...(unread.length > 0 ? { stale: true, unsure: true } : {}) };
  return snapshot;
}

/**
 * Reads each pid's file; those refused for want of descriptors are read again after one wait (per scan, not per
 * process); returns the pids still unread then. An unread file is no answer: the caller must not take it as gone.
 */
function readEach<T>(pids: readonly number[], read: (pid: number) => T | typeof UNKNOWN, take: (pid: number, value: T) => void): number[] {
  const once = (list: readonly number[]) =>
    list.filter((pid) => {
      const value = read(pid);
      if (value === UNKNOWN) return true;
      take(pid, value);
      return false;
    });
  const unread = once(pids);
  if (unread.length === 0) return unread;
  waitForDescriptors();
  return once(unread);
}

/**
 * Out of file descriptors (land at its limit, the system at its own), /proc cannot be listed: what the last reading
 * knew, without what has gone since (a signal needs no descriptor), never kept as current, so the next asks again.
 * A tree's group is signalled by its leader's pid whatever the listing says (signalTree).
 */
function staleSnapshot(): Snapshot {
  const known = snapshot?.processes ?? [];
  // What started since the last reading is not in it.
  snapshot = { at: snapshot?.at ?? 0, processes: known.filter((info) => mayExist(info.pid)), environ: snapshot?.environ ?? new Map(), stale: true, unsure: true };
  return snapshot;
}

export function mayExist(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Every live process. */
export function listProcesses(fresh = false): ProcInfo[] {
  if (!HAS_PROC) return [];
  return readSnapshot(fresh).processes;
}

/**
 * Processes whose environment holds every given KEY=value (the marks land injects into each child). `since`: only
 * processes started at or after that many clock ticks since boot (land's own children: SELF_START).
 */
export function processesMarked(marks: Record<string, string>, options: { since?: number; fresh?: boolean } = {}): number[] {
  if (!HAS_PROC) return [];
  return markedIn(readSnapshot(options.fresh ?? false), marks, options.since ?? 0);
}

/**
 * processesMarked in one reading of /proc. An environment unread for want of descriptors (after one wait) is not
 * kept: the reading is then unsure (its processes may hold the marks) and asked again by the next caller.
 */
export function markedIn(current: Snapshot, marks: Record<string, string>, since: number): number[] {
  const needles = Object.entries(marks).map(([key, value]) => `\0${key}=${value}\0`);
  const candidates = current.processes.filter((info) => info.pid !== process.pid && Number(info.startTime) >= since);
  const unread = readEach(
    candidates.filter((info) => !current.environ.has(info.pid)).map((info) => info.pid),
    environOf,
    (pid, environ) => current.environ.set(pid, environ),
  );
  if (unread.length > 0) current.unsure = current.stale = true;
  return candidates.filter((info) => needles.every((needle) => current.environ.get(info.pid)?.includes(needle))).map((info) => info.pid);
}

/** A process's environment as `\0K=V\0…` (empty when it is gone or not land's to read), or UNKNOWN. */
function environOf(pid: number): string | typeof UNKNOWN {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`;
  } catch (error) {
    return isFdShortage(error) ? UNKNOWN : '';
  }
}

/** Live processes (started at or after `since`) with one of these links among their open file descriptors. */
export function processesHolding(links: readonly string[], since = 0): number[] {
  return holdersOf(links, since).pids;
}

/**
 * processesHolding, and whether it is sure: listing a process's descriptors takes one of land's, and one it could not
 * list (after one wait) may be a holder.
 */
export function holdersOf(links: readonly string[], since: number): { pids: number[]; unsure: boolean } {
  if (!HAS_PROC) return { pids: [], unsure: false };
  const wanted = new Set(links);
  const listing = readSnapshot(true);
  const pids: number[] = [];
  const candidates = listing.processes.filter((info) => info.pid !== process.pid && Number(info.startTime) >= since).map((info) => info.pid);
  const unread = readEach(candidates, fdsOf, (pid, fds) => {
    if (fds.some((fd) => linkOf(`/proc/${pid}/fd/${fd}`, wanted))) pids.push(pid);
  });
  return { pids, unsure: unread.length > 0 || listing.unsure === true };
}

/** The descriptor numbers a process has open (none when it is gone or not land's to read), or UNKNOWN. */
function fdsOf(pid: number): string[] | typeof UNKNOWN {
  try {
    return readdirSync(`/proc/${pid}/fd`);
  } catch (error) {
    return isFdShortage(error) ? UNKNOWN : [];
  }
}

/** Whether a descriptor's link is one of `wanted` (readlink takes no descriptor of land's). */
function linkOf(path: string, wanted: ReadonlySet<string>): boolean {
  try {
    return wanted.has(readlinkSync(path));
  } catch {
    return false;
  }
}

/** The reading callers last shared (descendantsOf keeps its parent links on it; listedAfter reads when it began). */
export const lastSnapshot = (): Snapshot | undefined => snapshot;
