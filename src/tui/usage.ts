/**
 * CPU and memory of each tier's whole process tree (the tier's pid and all its descendants), sampled every 2 s.
 * Where there is /proc, one pass over it gives every process's parent and usage at once (proc-usage.ts). Elsewhere:
 * a listing through pidtree (`ps`), then one pidusage call over every pid found. A pid that is gone by the time it
 * is read is simply left out: sampling never fails loudly.
 */
import { allPids as listPids, treesOf, type ParentLink } from '../supervisor/process-tree.js';
import { readProcUsage, type CpuBaseline } from './proc-usage.js';
import { StatFiles } from './stat-files.js';
import { onEveryNthHeartbeat } from '../runtime/heartbeat.js';

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
  scannedAt: number;
  cpu: CpuBaseline;
  outside: Map<number, number>;
  fullAt: number;
  /** The sampler's open stat files (stat-files.ts); without them each read opens the file. */
  files?: StatFiles;
}

/** A sampler's memory before its first sample. */
export function newTreeMemory(files?: StatFiles): TreeMemory {
  return { trees: new Map(), scannedAt: -Infinity, cpu: new Map(), outside: new Map(), fullAt: -Infinity, files };
}

export const RESCAN_MS = 10_000;
export const FULL_MS = 60_000;

/** The trees of the roots and every pid's usage: from memory where it is recent and knows every root, else anew. */
async function readTrees(roots: readonly number[], memory: TreeMemory) {
  const read = memory.files ? (pid: number) => memory.files!.read(pid) : undefined;
  const known = Date.now() - memory.scannedAt < RESCAN_MS && roots.every((root) => memory.trees.has(root));
  if (known) {
    const stats = readProcUsage(memory.cpu, [...new Set(roots.flatMap((root) => memory.trees.get(root)!))], read);
    if (stats.length > 0) return { trees: memory.trees, stats: new Map(stats.map((entry) => [entry.pid, entry])) };
  }
  const pass = passOverProc(memory, roots);
  const listing: ParentLink[] = pass?.listing ?? (await psListing());
  const alive = new Set(listing.map(({ pid }) => pid));
  const trees = treesOf([...new Set(roots)].filter((root) => alive.has(root)), listing);
  Object.assign(memory, { trees, scannedAt: Date.now() });
  const allPids = [...new Set([...trees.values()].flat())];
  if (!pass) return { trees, stats: await readStats(allPids) };
  forgetOutside(memory, listing, new Set(allPids));
  return { trees, stats: new Map(pass.stats.map((entry) => [entry.pid, entry])) };
}

/** Every process in /proc with its parent, reading those not known to be outside every tree; undefined without /proc. */
function passOverProc(memory: TreeMemory, roots: readonly number[]) {
  let pids: number[];
  try {
    pids = listPids();
  } catch {
    return undefined;
  }
  if (Date.now() - memory.fullAt >= FULL_MS) {
    memory.outside.clear();
    memory.fullAt = Date.now();
  }
  for (const root of roots) memory.outside.delete(root); // a tier started anew may have a pid seen before
  // Files are kept open only for the trees' processes: a pass reads every other process once and lets it go, so
  // that it never holds a descriptor per process of the machine (thousands on a busy one).
  const files = memory.files;
  const kept = new Set([...roots, ...[...memory.trees.values()].flat()]);
  const readOne = files && ((pid: number) => (kept.has(pid) ? files.read(pid) : files.readOnce(pid)));
  const stats = readProcUsage(memory.cpu, memory.outside.size > 0 ? pids.filter((pid) => !memory.outside.has(pid)) : pids, readOne);
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
  for (const key of memory.cpu.keys()) if (!inTrees.has(Number.parseInt(key, 10))) memory.cpu.delete(key);
  memory.files?.keepOnly(inTrees);
}

/**
 * One sample for each root pid that is still alive. `memory`: a sampler's, which spares most full passes and holds
 * its CPU baseline; without one, the sample stands alone (CPU since each process started).
 */
export async function sampleTreeUsage(roots: readonly number[], memory: TreeMemory = newTreeMemory()): Promise<UsageByPid> {
  const result: UsageByPid = new Map();
  if (roots.length === 0) return result;
  let trees: Map<number, number[]>;
  let stats: Map<number, { cpu: number; memory: number }>;
  try {
    ({ trees, stats } = await readTrees(roots, memory));
  } catch {
    return result;
  }
  for (const root of new Set(roots)) {
    const pids = trees.get(root) ?? [];
    let cpu = 0;
    let bytes = 0;
    let processes = 0;
    for (const pid of pids) {
      const stat = stats.get(pid);
      if (!stat) continue;
      cpu += stat.cpu;
      bytes += stat.memory;
      processes += 1;
    }
    if (processes > 0) result.set(root, { cpu, memory: bytes, processes });
  }
  return result;
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
