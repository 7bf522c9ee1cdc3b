/**
 * Finding and killing everything a tier started. Every child leads its own process group, so one group kill takes
 * most of a tree; what left the group (setsid daemons, re-parented orphans) is found through /proc: by parent links
 * while they last, and by the LAND_BOOT_ID / TRACEPARENT variables every descendant inherits. Where /proc is absent,
 * tree-kill walks `ps` instead.
 */
import { readlinkSync } from 'node:fs';
import treeKill from 'tree-kill';
import { NOTHING_LEFT, type Leftovers } from './left-behind.js';
import { holdersOf, lastSnapshot, listProcesses, markedIn, mayExist, readSnapshot } from './proc-scan.js';
import { HAS_PROC, isDead, readProc, type ProcInfo } from './proc-stat.js';

export { allPids, isDead, parseStat, readProc, sameProcess, type ProcInfo } from './proc-stat.js';
export { listProcesses, processesHolding, processesMarked } from './proc-scan.js';

/** When land itself started (clock ticks since boot): nothing it started can be older. */
export const SELF_START = Number(readProc(process.pid)?.startTime ?? 0);

/** Enough of a process listing to walk it: who is whose parent. */
export type ParentLink = Pick<ProcInfo, 'pid' | 'ppid'>;

function childrenByParent(processes: readonly ParentLink[]): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const p of processes) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p.pid);
    else children.set(p.ppid, [p.pid]);
  }
  return children;
}

function below(roots: readonly number[], children: ReadonlyMap<number, number[]>): number[] {
  const found: number[] = [];
  const queue = [...roots];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    for (const child of children.get(next) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Pids below the roots, by parent links, roots excluded. */
export function descendantsOf(roots: readonly number[], processes: readonly ParentLink[] = listProcesses()): number[] {
  const shared = lastSnapshot();
  const children = processes === shared?.processes ? (shared.children ??= childrenByParent(processes)) : childrenByParent(processes);
  return below(roots, children);
}

/** Each root's own tree (the root first, then what is below it), from one walk of the listing for all of them. */
export function treesOf(roots: readonly number[], processes: readonly ParentLink[]): Map<number, number[]> {
  const children = childrenByParent(processes);
  return new Map(roots.map((root) => [root, [root, ...below([root], children)]]));
}


export function isAlive(pid: number): boolean {
  // An unreadable stat (gone, or land out of file descriptors) is settled by a signal 0, which needs none.
  const info = HAS_PROC ? readProc(pid) : undefined;
  return info ? !isDead(info) : mayExist(pid);
}

/** Sends the signal; true when land may not signal that process (EPERM: another user's, e.g. after sudo). */
function signalQuietly(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return false;
  } catch (error) {
    // ESRCH: already gone.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Those of `pids` that land may not signal (signal 0: the permission check alone, nothing is delivered). */
export function deniedOf(pids: readonly number[]): number[] {
  return pids.filter((pid) => signalQuietly(pid, 0));
}

export interface TreeTarget {
  /** The group leader land spawned; none for the last sweep, which goes by the boot's mark alone. */
  pid?: number;
  /** Environment marks that identify descendants which left the group and lost their parent link. */
  marks?: Record<string, string>;
  /**
   * Processes known to be the tier's by identity (pid and start time: another process that took the pid later is
   * not), with their descendants: a daemon followed since its launcher started it (daemon-watch.ts), whatever it
   * did to its environment since.
   */
  known?: ReadonlyArray<{ pid: number; startTime: string }>;
  /**
   * The child's ends of its output pipes (`socket:[inode]`, see outputLinks): whoever still holds one belongs to the
   * tree, even with a new session, no parent link and a cleared environment. Costs a scan of every fd of every
   * process land may have started, so only given once the known tree is gone and the pipes are still open.
   */
  holding?: readonly string[];
}

/** land's own process group: never signalled as a tree's (every child land starts has a session of its own). */
const OWN_GROUP = readProc(process.pid)?.pgid;

interface Tree {
  pids: number[];
  /**
   * The process groups of what was found by group, mark or parent link (not of a pipe holder, which may be anyone's):
   * they lie in sessions land's children made, and a group kill takes what a member forks between a scan and the kill.
   */
  groups: number[];
  /** The listing the tree was found in (startTimesOf reads it). */
  processes: readonly ProcInfo[];
  /** Some process could not be read for want of descriptors: the tree may hold more than `pids` (Snapshot.unsure). */
  unsure: boolean;
}

function findTree(target: TreeTarget, fresh: boolean): Tree {
  // One reading for the groups and the marks: asking for the marks apart re-read /proc whenever the listing alone
  // took longer than SNAPSHOT_MS (a loaded machine), which doubled a tier's exit scan (docs/decisions.md, "The log
  // relay, thirteenth wave").
  const current = HAS_PROC ? readSnapshot(fresh) : undefined;
  const processes = current?.processes ?? [];
  // Found by the group or the marks: land's children's for sure. The leader's pid alone is not looked for: a leader
  // land spawned leads a session (detached), so it can leave neither its group nor its session while it lives (a
  // zombie included), and the kernel reuses no pid still used as a group id. A process with that pid outside the
  // group is someone else's that took the number after the leader was reaped; it and its descendants are never
  // land's to signal (as root land used to kill them).
  const found = new Set<number>();
  for (const p of processes) if (p.pgid === target.pid) found.add(p.pid);
  if (target.marks && current) for (const pid of markedIn(current, target.marks, SELF_START)) found.add(pid);
  if (target.known?.length) {
    const startTimes = new Map(target.known.map(({ pid, startTime }) => [pid, startTime]));
    for (const p of processes) if (startTimes.get(p.pid) === p.startTime) found.add(p.pid);
  }
  const groups = new Set<number>();
  const sure = new Set([...found, ...descendantsOf([...found], processes)]);
  for (const p of processes) if (sure.has(p.pid) && p.pgid > 1 && p.pgid !== OWN_GROUP) groups.add(p.pgid);
  const pids = new Set(sure);
  let unsure = current?.unsure === true;
  if (target.holding?.length) {
    const holders = holdersOf(target.holding, SELF_START);
    for (const pid of [...holders.pids, ...descendantsOf(holders.pids, processes)]) pids.add(pid);
    unsure ||= holders.unsure;
  }
  return { pids: [...pids], groups: [...groups], processes, unsure };
}

/**
 * The start time of each of the tree's pids, from the scan that found them. Only where a stop may give up on them
 * (signalTree, treeLeft): not on the stop's poll, which needs the pids alone.
 */
function startTimesOf(tree: Tree): Record<number, string> {
  const startTimes: Record<number, string> = {};
  if (tree.pids.length === 0) return startTimes;
  const pids = new Set(tree.pids);
  for (const p of tree.processes) if (pids.has(p.pid)) startTimes[p.pid] = p.startTime;
  // A pipe holder comes from a scan of its own and may be newer than the listing.
  for (const pid of tree.pids) {
    const late = startTimes[pid] === undefined ? readProc(pid)?.startTime : undefined;
    if (late !== undefined) startTimes[pid] = late;
  }
  return startTimes;
}

/**
 * The processes of a tree found by marks and identities (no group, no pipe holders), from a fresh listing, as the
 * listing has them (daemon-watch.ts follows them by pid, start time and parent).
 */
export function treeProcesses(target: Pick<TreeTarget, 'marks' | 'known'>): ProcInfo[] {
  const tree = findTree(target, true);
  const pids = new Set(tree.pids);
  return tree.processes.filter((info) => pids.has(info.pid));
}

/** Every pid of a tier's tree that is still alive: its group, its descendants, marked strays and pipe holders. */
export function treePids(target: TreeTarget, fresh = false): number[] {
  return findTree(target, fresh).pids;
}

/** treePids, and whether the scan was sure of it: unsure, an empty tree is not known to be gone (Tree.unsure). */
export function treeScan(target: TreeTarget, fresh = false): { pids: number[]; unsure: boolean } {
  const { pids, unsure } = findTree(target, fresh);
  return { pids, unsure };
}

/** A tree found in a fresh listing: every pid, and those still running. */
export interface FreshTree {
  pids: number[];
  /**
   * Without the processes whose exit has begun (PF_EXITING: closing their files, a zombie in a moment): what a tier
   * may be said to have left running. A big one can take a while (its memory is freed before its files are closed).
   */
  running: number[];
  /** The scan could not read every process (Tree.unsure). */
  unsure: boolean;
}

export function freshTree(target: TreeTarget): FreshTree {
  const tree = findTree(target, true);
  const exiting = new Set(tree.processes.filter((info) => info.exiting).map((info) => info.pid));
  return { pids: tree.pids, running: tree.pids.filter((pid) => !exiting.has(pid)), unsure: tree.unsure };
}

/**
 * What a leader that has just exited (spawned at `spawnedAt`, taken after its fork) left running. The shared listing
 * may be from before that exit (it serves every caller for SNAPSHOT_MS): a tree it still shows (the leader itself, a
 * child that ended with it) is looked for again in a fresh one. An empty one is trusted only if it began after the
 * spawn: it then cannot predate the exit (the leader would be in it), and what a leftover forks after it descends
 * from something it shows. One that began before the spawn (a leader that lived less than SNAPSHOT_MS) knows nothing
 * of the tree: a fresh one is read. Processes already exiting are not left running.
 */
export function treeAfterExit(target: TreeTarget, spawnedAt: number): { running: number[]; unsure: boolean } {
  const shared = findTree(target, false);
  if (shared.pids.length === 0 && !shared.unsure && listedAfter(spawnedAt)) return { running: [], unsure: false };
  const { running, unsure } = freshTree(target);
  return { running, unsure };
}

/** Whether the shared listing began after `time` (ms; the same millisecond is not after: it may be before). */
function listedAfter(time: number): boolean {
  const shared = lastSnapshot();
  return !HAS_PROC || (shared !== undefined && shared.at > time);
}

/** The tree as left behind when a stop gives up: every pid, none denied yet, and each pid's start time. */
export function treeLeft(target: TreeTarget): Leftovers {
  const tree = findTree(target, true);
  return { pids: tree.pids, denied: [], startTimes: startTimesOf(tree) };
}

const OUTPUT_LINK = /^(socket|pipe):\[\d+\]$/;

/**
 * What a child's stdout and stderr point at (`socket:[123]`: node's stdio pipes are socket pairs, whose two ends have
 * inodes of their own, so the child's end is read from the child). Read right after spawn, when the child has
 * just exec'd; anything but a socket or pipe (the child already redirected its output) is left out.
 */
export function outputLinks(pid: number): string[] {
  if (!HAS_PROC) return [];
  const links = new Set<string>();
  for (const fd of [1, 2]) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (OUTPUT_LINK.test(link)) links.add(link);
    } catch {
      // Gone already, or not readable: nothing to match later.
    }
  }
  return [...links];
}


/** Signal a tier's process group: one syscall, no scan (what left the group is found once the leader is gone). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  signalQuietly(-pid, signal);
}

/**
 * Signal the whole tree: what belongs to it is read first (a dying leader's children lose their parent link at
 * once), then its groups (one syscall each, atomic against a fork), then whatever left them. Synchronous, so it runs
 * in 'exit'. A group kill succeeds when it reached any member, so only the kill of each pid says who refused it.
 * Returns what the signal reached: every pid found, and those of them land may not signal (EPERM).
 */
export function signalTree(target: TreeTarget, signal: NodeJS.Signals): Leftovers & { unsure: boolean } {
  if (!HAS_PROC) {
    if (target.pid === undefined) return { ...NOTHING_LEFT, unsure: false };
    signalQuietly(-target.pid, signal);
    treeKill(target.pid, signal, () => undefined);
    return { ...NOTHING_LEFT, unsure: false };
  }
  const tree = findTree(target, true);
  const { pids, groups, unsure } = tree;
  const startTimes = startTimesOf(tree); // before the signal: a killed pipe holder has none to read after
  if (target.pid !== undefined) signalQuietly(-target.pid, signal);
  for (const group of groups) signalQuietly(-group, signal);
  return { pids, denied: pids.filter((pid) => signalQuietly(pid, signal)), startTimes, unsure };
}
