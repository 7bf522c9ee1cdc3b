/**
 * CPU and memory of each tier's whole process tree (the tier's pid and all its descendants), sampled every 2 s.
 * One process listing per sample for all tiers (read from /proc; `ps` through pidtree only where there is no /proc:
 * spawning `ps` every 2 s cost the idle UI more than its rendering), then one pidusage call over every pid found. A
 * pid that is gone by the time it is read is simply left out: sampling never fails loudly.
 */
import pidusage from 'pidusage';
import { descendantsOf, listProcesses, type ParentLink } from '../supervisor/process-tree.js';

export interface TreeUsage {
  /** Percent of one core, summed over the tree (can exceed 100). */
  cpu: number;
  /** Resident memory in bytes, summed over the tree. */
  memory: number;
  /** How many processes were counted. */
  processes: number;
}

export type UsageByPid = Map<number, TreeUsage>;

/** One sample for each root pid that is still alive. */
export async function sampleTreeUsage(roots: readonly number[]): Promise<UsageByPid> {
  const result: UsageByPid = new Map();
  if (roots.length === 0) return result;

  let listing: ParentLink[];
  try {
    listing = await processListing();
  } catch {
    return result;
  }
  const alive = new Set(listing.map(({ pid }) => pid));
  const trees = new Map<number, number[]>();
  for (const root of new Set(roots)) {
    if (alive.has(root)) trees.set(root, [root, ...descendantsOf([root], listing)]);
  }
  const allPids = [...new Set([...trees.values()].flat())];
  if (allPids.length === 0) return result;

  const stats = await readStats(allPids);
  for (const [root, pids] of trees) {
    let cpu = 0;
    let memory = 0;
    let processes = 0;
    for (const pid of pids) {
      const stat = stats.get(pid);
      if (!stat) continue;
      cpu += stat.cpu;
      memory += stat.memory;
      processes += 1;
    }
    if (processes > 0) result.set(root, { cpu, memory, processes });
  }
  return result;
}

/** Every process with its parent: /proc where there is one, else `ps` (pidtree, loaded only then). */
async function processListing(): Promise<Array<{ ppid: number; pid: number }>> {
  const processes = listProcesses(true);
  if (processes.length > 0) return processes;
  const { default: pidtree } = await import('pidtree');
  return pidtree(-1, { advanced: true });
}

async function readStats(pids: number[]): Promise<Map<number, { cpu: number; memory: number }>> {
  const stats = new Map<number, { cpu: number; memory: number }>();
  try {
    // With several pids pidusage is "graceful": a vanished pid comes back undefined instead of failing the call.
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
  intervalMs?: number;
}

/**
 * Sample now, then every `intervalMs` after the previous sample finished (never two at once). Timers are unref'd so
 * the sampler never keeps the process alive; nothing is sampled while no tier has a pid.
 */
export function startUsageSampler(options: UsageSamplerOptions): UsageSampler {
  const intervalMs = options.intervalMs ?? 2000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const schedule = (delay: number): void => {
    if (stopped) return;
    timer = setTimeout(() => void run(), delay);
    timer.unref();
  };
  const run = async (): Promise<void> => {
    const pids = options.pids();
    if (pids.length > 0) {
      const usage = await sampleTreeUsage(pids).catch(() => new Map() as UsageByPid);
      if (stopped) return;
      options.onSample(usage);
    }
    schedule(intervalMs);
  };

  schedule(0);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
