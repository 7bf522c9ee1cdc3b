/**
 * The CPU quota land runs under, where cgroup v2 sets one (a container's `--cpus`, systemd's `CPUQuota=`): on a host
 * with idle cores, a land whose quota is used up has no core to spare, and /proc/stat alone would say it has. The
 * quota is the tightest `cpu.max` from land's own cgroup (/proc/self/cgroup's `0::` line; `/` inside a container's
 * cgroup namespace) up to /sys/fs/cgroup, and its use that cgroup's `cpu.stat` (`usage_usec`: every process in it,
 * land's children included). Where there is no cgroup v2 or no quota, there is nothing to read.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface QuotaReading {
  /** CPU time the cgroup has used, in µs. */
  usageUsec: number;
  /** When it was read, in µs of a monotonic clock. */
  atUsec: number;
  /** Cores the quota allows (quota / period: 1.5 for `150000 100000`). */
  cores: number;
}

/** `cpu.max`: `<quota> <period>` in µs, `max <period>` where there is no quota (undefined then). */
export function parseCpuMax(text: string): number | undefined {
  const [quota, period] = text.trim().split(/\s+/);
  const cores = Number(quota) / Number(period);
  return Number.isFinite(cores) && cores > 0 ? cores : undefined;
}

/** `cpu.stat`'s `usage_usec` line. */
export function parseCpuStat(text: string): number | undefined {
  const match = /^usage_usec (\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** The process's cgroup v2 path, from /proc/self/cgroup's text (`0::/path`); the root where there is none. */
export function ownCgroup(text: string | undefined): string {
  return /^0::(\/.*)$/m.exec(text ?? '')?.[1] ?? '/';
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * The cgroup, from `own` up to `root`, whose `cpu.max` allows the fewest cores; undefined where none sets a quota.
 * `own` need not exist under `root` (a container without its own cgroup namespace sees the host's path): the walk
 * then finds the quota on the way up.
 */
export function limitingCgroup(root: string, own: string): { dir: string; cores: number } | undefined {
  const top = path.resolve(root);
  let dir = path.resolve(top, `.${own}`);
  if (dir !== top && !dir.startsWith(`${top}${path.sep}`)) dir = top;
  let limit: { dir: string; cores: number } | undefined;
  for (;;) {
    const text = readText(path.join(dir, 'cpu.max'));
    const cores = text === undefined ? undefined : parseCpuMax(text);
    if (cores !== undefined && (!limit || cores < limit.cores)) limit = { dir, cores };
    if (dir === top) return limit;
    dir = path.dirname(dir);
  }
}

/**
 * A reader of land's quota and its use: the limiting cgroup is found at the first read (a quota set on a running
 * container is rare enough), its `cpu.stat` read at each. Undefined from every read where there is no quota.
 */
export function cgroupCpu(root = '/sys/fs/cgroup', own?: string): () => QuotaReading | undefined {
  let limit: { dir: string; cores: number } | undefined | null = null;
  return () => {
    if (limit === null) limit = limitingCgroup(root, own ?? ownCgroup(readText('/proc/self/cgroup')));
    if (!limit) return undefined;
    const text = readText(path.join(limit.dir, 'cpu.stat'));
    const usageUsec = text === undefined ? undefined : parseCpuStat(text);
    return usageUsec === undefined ? undefined : { usageUsec, atUsec: performance.now() * 1000, cores: limit.cores };
  };
}
