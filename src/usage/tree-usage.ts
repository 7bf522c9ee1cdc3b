/**
 * CPU and memory of each tier's whole process tree (the tier's pid and all its descendants), sampled every 2 s.
 * Where there is /proc, one pass over it gives every process's parent and usage at once (proc-usage.ts). Elsewhere:
 * a listing through pidtree (`ps`), then one pidusage call over every pid found. A pid that is gone by the time it
 * is read is simply left out: sampling never fails loudly.
 */
import { allPids as listPids, isDead, readProc, treesOf, type ParentLink } from '../supervisor/process-tree.js';
import { cpuSince, readProcUsage, residentBytes, ticksNow, type CpuBaseline } from './proc-usage.js';
import { StatFiles } from './stat-files.js';
import { onEveryNthHeartbeat } from '../runtime/heartbeat.js';
import { steadyNow } from '../runtime/steady-clock.js';

/** Heartbeats (seconds) between two samples when the sampler rides land's heartbeat. */
const HEARTBEATS_A_SAMPLE = 2;

export interface TreeUsage {
  /** Percent of one core, summed over the tree (can exceed 100). */
  cpu: number;
  /** Resident memory in bytes, summed over the tree. */
  memory: number;
  /** How many processes were counted. */
  processes: number;
}

export type UsageByPid = Map<number, TreeUsage>;

/**
 * What a sampler remembers between samples: each root's tree as the last pass over /proc found it, and the CPU
 * ticks of every process at its previous sample (its own baseline: the UI's sampler and the dashboard's each measure
 * their own interval). Between two passes (RESCAN_MS) only the trees' own pids are read; a process that joined a tree
 * meanwhile is counted from the next pass on. A pass lists /proc and reads only the processes it has not seen
 * outside every tree before (`outside`, with their parent): a process's parent changes only when it is orphaned,
 * to init or a subreaper, never into a tree it was not in, so what was outside stays outside as long as its pid is
 * not reused; every FULL_MS a pass reads every process again for that.
 */
export interface TreeMemory {
  trees: Map<number, number[]>;
  /** Every pid of `trees`, once each. */
  members: number[];
  scannedAt: number;
  cpu: CpuBaseline;
  outside: Map<number, number>;
  fullAt: number;
  /** The sampler's open stat files (stat-files.ts); without them each read opens the file. */
  files?: StatFiles;
  /** Each tree member's usage at the last sample, updated in place between passes. */
  stats: Map<number, ProcStat>;
  /** The last sample's result: given again, the same map, when no tree's usage moved. */
  last: UsageByPid | undefined;
}

interface ProcStat {
  cpu: number;
  memory: number;
}

/** A sampler's memory before its first sample. */
export function newTreeMemory(files?: StatFiles): TreeMemory {
  return {
    trees: new Map(),
    members: [],
    scannedAt: -Infinity,
    cpu: new Map(),
    outside: new Map(),
    fullAt: -Infinity,
    files,
    stats: new Map(),
    last: undefined,
  };
}

export const RESCAN_MS = 10_000;
export const FULL_MS = 60_000;

/** The trees of the roots and every pid's usage: from memory where it is recent and knows every root, else anew. */
async function readTrees(roots: readonly number[], memory: TreeMemory) {
  if (steadyNow() - memory.scannedAt < RESCAN_MS && knowsEvery(memory.trees, roots) && readMembers(memory)) {
    return { trees: memory.trees, stats: memory.stats };
  }
  const pass = passOverProc(memory, roots);
  const listing: ParentLink[] = pass?.listing ?? (await psListing());
  const alive = new Set(listing.map(({ pid }) => pid));
  const trees = treesOf([...new Set(roots)].filter((root) => alive.has(root)), listing);
  const members = [...new Set([...trees.values()].flat())];
  Object.assign(memory, { trees, members, scannedAt: steadyNow() });
  memory.stats = pass ? new Map(pass.stats.map(({ pid, cpu, memory: bytes }) => [pid, { cpu, memory: bytes }])) : await readStats(members);
  if (pass) forgetOutside(memory, listing, new Set(members));
  return { trees, stats: memory.stats };
}

function knowsEvery(trees: ReadonlyMap<number, number[]>, roots: readonly number[]): boolean {
  for (let index = 0; index < roots.length; index += 1) if (!trees.has(roots[index]!)) return false;
  return true;
}

/**
 * Between passes: every tree member's usage read again into `memory.stats`, whose entries are updated in place (a
 * sample every 2 s of an idle stack makes no objects); false when nothing could be read (no /proc: a pass then).
 */
function readMembers(memory: TreeMemory): boolean {
  const { files, stats } = memory;
  let at: number;
  try {
    at = ticksNow(files ? () => files.uptime() : undefined);
  } catch {
    return false;
  }
  let read = 0;
  // Indexed loops here and below: idle land runs in V8's interpreter, where a for-of makes an iterator result per element.
  const { members } = memory;
  for (let index = 0; index < members.length; index += 1) {
    const pid = members[index]!;
    const info = files ? files.read(pid) : readProc(pid);
    if (!info || isDead(info)) {
      stats.delete(pid); // gone meanwhile, or a zombie
      continue;
    }
    const cpu = cpuSince(memory.cpu, info, at);
    const entry = stats.get(pid);
    if (entry) {
      entry.cpu = cpu;
      entry.memory = residentBytes(info);
    } else stats.set(pid, { cpu, memory: residentBytes(info) });
    read += 1;
  }
  return read > 0;
}

/** Every process in /proc with its parent, reading those not known to be outside every tree; undefined without /proc. */
function passOverProc(memory: TreeMemory, roots: readonly number[]) {
  let pids: number[];
  try {
    pids = listPids();
  } catch {
    return undefined;
  }
  if (steadyNow() - memory.fullAt >= FULL_MS) {
    memory.outside.clear();
    memory.fullAt = steadyNow();
  }
  for (const root of roots) memory.outside.delete(root); // a tier started anew may have a pid seen before
  // Files are kept open only for the trees' processes: a pass reads every other process once and lets it go, so
  // that it never holds a descriptor per process of the machine (thousands on a busy one).
  const files = memory.files;
  const kept = new Set([...roots, ...[...memory.trees.values()].flat()]);
  const readOne = files && ((pid: number) => (kept.has(pid) ? files.read(pid) : files.readOnce(pid)));
  const uptime = files ? () => files.uptime() : undefined;
  const stats = readProcUsage(memory.cpu, memory.outside.size > 0 ? pids.filter((pid) => !memory.outside.has(pid)) : pids, readOne, uptime);
  if (stats.length === 0) return undefined;
  const listing: ParentLink[] = [...stats];
  for (const pid of pids) {
    const ppid = memory.outside.get(pid);
    if (ppid !== undefined) listing.push({ pid, ppid });
  }
  return { stats, listing };
}

/** After a pass: what is outside every tree is remembered as such, and nothing else of it is kept (baseline, files). */
function forgetOutside(memory: TreeMemory, listing: readonly ParentLink[], inTrees: ReadonlySet<number>): void {
  memory.outside.clear();
  for (const { pid, ppid } of listing) if (!inTrees.has(pid)) memory.outside.set(pid, ppid);
  for (const pid of memory.cpu.keys()) if (!inTrees.has(pid)) memory.cpu.delete(pid);
  memory.files?.keepOnly(inTrees);
}

/**
 * One sample for each root pid that is still alive. `memory`: a sampler's, which spares most full passes and holds
 * its CPU baseline; without one, the sample stands alone (CPU since each process started). With a memory, a sample in
 * which no tree's usage moved is the previous sample's map itself (what shows it need not work it out again), and a
 * tree whose usage did not move keeps its object.
 */
export async function sampleTreeUsage(roots: readonly number[], memory: TreeMemory = newTreeMemory()): Promise<UsageByPid> {
  if (roots.length === 0) return new Map();
  let trees: Map<number, number[]>;
  let stats: ReadonlyMap<number, ProcStat>;
  try {
    ({ trees, stats } = await readTrees(roots, memory));
  } catch {
    return new Map();
  }
  const last = memory.last;
  if (last !== undefined && sameUsage(roots, trees, stats, last)) return last;
  const result: UsageByPid = new Map();
  for (const root of roots) {
    const tree = treeUsage(trees.get(root), stats);
    if (!tree || result.has(root)) continue;
    const before = last?.get(root);
    result.set(root, before && sameTree(before, tree) ? before : { ...tree });
  }
  memory.last = result;
  return result;
}

/** The roots whose trees make a tier's usage: a running daemon's tops (TierSnapshot.daemon.pids), else its pid. */
export function usageRootsOf(tier: { pid?: number; daemon?: { pids?: readonly number[] } }): readonly number[] {
  const pids = tier.daemon?.pids;
  if (pids && pids.length > 0) return pids;
  return tier.pid === undefined ? [] : [tier.pid];
}

/** A tier's usage in a sample: its one tree's (the same object), or its daemon's trees summed. */
export function usageOfTier(usage: UsageByPid, tier: { pid?: number; daemon?: { pids?: readonly number[] } }): TreeUsage | undefined {
  return usageOfRoots(usage, usageRootsOf(tier));
}

/**
 * The usage of the trees of `roots` in a sample: one tree's is its own object (no allocation: the memory watch runs
 * this every second for every limited tier), several are summed into a new one; undefined when none was read.
 */
export function usageOfRoots(usage: UsageByPid, roots: readonly number[]): TreeUsage | undefined {
  if (roots.length <= 1) return roots[0] === undefined ? undefined : usage.get(roots[0]);
  let sum: TreeUsage | undefined;
  for (const root of roots) {
    const tree = usage.get(root);
    if (!tree) continue;
    sum ??= { cpu: 0, memory: 0, processes: 0 };
    sum.cpu += tree.cpu;
    sum.memory += tree.memory;
    sum.processes += tree.processes;
  }
  return sum;
}

/** A tree's usage summed over its processes, into one object reused by every call; undefined when none was read. */
const scratch: TreeUsage = { cpu: 0, memory: 0, processes: 0 };
function treeUsage(pids: readonly number[] | undefined, stats: ReadonlyMap<number, ProcStat>): TreeUsage | undefined {
  scratch.cpu = 0;
  scratch.memory = 0;
  scratch.processes = 0;
  if (pids === undefined) return undefined;
  for (let index = 0; index < pids.length; index += 1) {
    const stat = stats.get(pids[index]!);
    if (!stat) continue;
    scratch.cpu += stat.cpu;
    scratch.memory += stat.memory;
    scratch.processes += 1;
  }
  return scratch.processes > 0 ? scratch : undefined;
}

const sameTree = (a: TreeUsage, b: TreeUsage): boolean => a.cpu === b.cpu && a.memory === b.memory && a.processes === b.processes;

/** Whether the roots' usage now is `last`'s, root for root (no root more or fewer, none moved). */
function sameUsage(roots: readonly number[], trees: ReadonlyMap<number, number[]>, stats: ReadonlyMap<number, ProcStat>, last: UsageByPid): boolean {
  let count = 0;
  for (let index = 0; index < roots.length; index += 1) {
    const root = roots[index]!;
    const tree = treeUsage(trees.get(root), stats);
    const before = last.get(root);
    if (!tree) {
      if (before) return false;
      continue;
    }
    if (!before || !sameTree(before, tree)) return false;
    count += 1;
  }
  return count === last.size;
}

/** Every process with its parent through `ps` (pidtree, loaded only where there is no /proc). */
async function psListing(): Promise<Array<{ ppid: number; pid: number }>> {
  const { default: pidtree } = await import('pidtree');
  return pidtree(-1, { advanced: true });
}

async function readStats(pids: number[]): Promise<Map<number, { cpu: number; memory: number }>> {
  const stats = new Map<number, { cpu: number; memory: number }>();
  try {
    // With several pids pidusage is "graceful": a vanished pid comes back undefined instead of failing the call.
    const { default: pidusage } = await import('pidusage');
    const byPid = await pidusage(pids);
    for (const pid of pids) {
      const stat = byPid[String(pid)];
      if (stat && Number.isFinite(stat.cpu) && Number.isFinite(stat.memory)) {
        stats.set(pid, { cpu: stat.cpu, memory: stat.memory });
      }
    }
  } catch {
    // A single pid that vanished rejects; nothing to report this round.
  }
  return stats;
}

export interface UsageSampler {
  stop(): void;
}

export interface UsageSamplerOptions {
  /** The pids to sample now (read at every sample: tiers come and go). */
  pids: () => number[];
  onSample: (usage: UsageByPid) => void;
  /** A timer of its own, this often after the previous sample finished; without it, every 2 s on land's heartbeat. */
  intervalMs?: number;
}

/**
 * Sample now, then every 2 s on land's heartbeat (src/runtime/heartbeat.ts: in a wake-up land has anyway, not one of
 * its own), or every `intervalMs` after the previous sample finished; never two at once. Timers are unref'd so
 * the sampler never keeps the process alive; nothing is sampled while no tier has a pid.
 */
export function startUsageSampler(options: UsageSamplerOptions): UsageSampler {
  const memory = newTreeMemory(new StatFiles());
  let stopped = false;
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  const ownTimer = options.intervalMs !== undefined;

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void run(), delay);
    timer.unref();
  };
  const run = async (): Promise<void> => {
    if (running) return;
    running = true;
    try {
      const pids = options.pids();
      if (pids.length > 0) {
        const usage = await sampleTreeUsage(pids, memory).catch(() => new Map() as UsageByPid);
        if (stopped) return memory.files!.closeAll();
        options.onSample(usage);
      }
    } catch {
      // The usage columns are best effort: a sample that fails leaves the last one shown, and never takes the
      // stack down (an unhandled rejection in land up stops every tier); the next sample comes as usual.
    } finally {
      running = false;
    }
    if (ownTimer) schedule(options.intervalMs!);
  };

  schedule(0);
  const stopBeats = ownTimer ? undefined : onEveryNthHeartbeat(HEARTBEATS_A_SAMPLE, () => void run());
  return {
    stop() {
      stopped = true;
      stopBeats?.();
      if (timer) clearTimeout(timer);
      memory.files!.closeAll();
    },
  };
}
