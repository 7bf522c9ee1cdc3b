/**
 * The CPU quota land runs under, where cgroup v2 sets one (a container's `--cpus`, systemd's `CPUQuota=`): on a host
 * with idle cores, a land whose quota is used up has no core to spare, and /proc/stat alone would say it has. The
 * quota is the tightest `cpu.max` from land's own cgroup (/proc/self/cgroup's `0::` line; `/` inside a container's
 * cgroup namespace) up to /sys/fs/cgroup, and its use that cgroup's `cpu.stat` (`usage_usec`: every process in it,
 * land's children included). Under cgroup v1 (older Docker and systemd hosts), the same from the `cpu` hierarchy:
 * `cpu.cfs_quota_us` / `cpu.cfs_period_us` (a quota of -1: none) and `cpuacct.usage` (ns), cpu and cpuacct being
 * mounted together there (`cpu,cpuacct`). Where there is no quota, there is nothing to read.
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

/** The cgroup v1 path of the hierarchy holding the `cpu` controller (`4:cpu,cpuacct:/docker/…`); undefined without one. */
export function ownCgroupV1(text: string | undefined): string | undefined {
  return /^\d+:(?:[^:\n]*,)?cpu(?:,[^:\n]*)?:(\/.*)$/m.exec(text ?? '')?.[1];
}

/** `cpu.cfs_quota_us` and `cpu.cfs_period_us` as cores; undefined for -1 (no quota) or what does not read. */
export function parseCfs(quota: string, period: string): number | undefined {
  const cores = Number(quota.trim()) / Number(period.trim());
  return Number.isFinite(cores) && cores > 0 ? cores : undefined;
}

/** A small file's text (/proc, /sys), or undefined where it cannot be read. */
export function readText(file: string): string | undefined {
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
export function limitingCgroup(root: string, own: string, coresOf: (dir: string) => number | undefined = coresV2): { dir: string; cores: number } | undefined {
  const top = path.resolve(root);
  let dir = path.resolve(top, `.${own}`);
  if (dir !== top && !dir.startsWith(`${top}${path.sep}`)) dir = top;
  let limit: { dir: string; cores: number } | undefined;
  for (;;) {
    const cores = coresOf(dir);
    if (cores !== undefined && (!limit || cores < limit.cores)) limit = { dir, cores };
    if (dir === top) return limit;
    dir = path.dirname(dir);
  }
}

function coresV2(dir: string): number | undefined {
  const text = readText(path.join(dir, 'cpu.max'));
  return text === undefined ? undefined : parseCpuMax(text);
}

function coresV1(dir: string): number | undefined {
  const [quota, period] = [readText(path.join(dir, 'cpu.cfs_quota_us')), readText(path.join(dir, 'cpu.cfs_period_us'))];
  return quota === undefined || period === undefined ? undefined : parseCfs(quota, period);
}

/** A quota found: its cgroup, its cores, and how to read that cgroup's CPU time used (µs). */
interface Limit {
  dir: string;
  cores: number;
  usageOf: (dir: string) => number | undefined;
}

function usageV2(dir: string): number | undefined {
  const text = readText(path.join(dir, 'cpu.stat'));
  return text === undefined ? undefined : parseCpuStat(text);
}

function usageV1(dir: string): number | undefined {
  const ns = Number(readText(path.join(dir, 'cpuacct.usage'))?.trim() ?? NaN);
  return Number.isFinite(ns) ? ns / 1000 : undefined;
}

/** v2's quota, else v1's (the `cpu` hierarchy, under either of its usual mount names); undefined where none is set. */
function findLimit(root: string, own: string | undefined, selfCgroup: string | undefined): Limit | undefined {
  const v2 = limitingCgroup(root, own ?? ownCgroup(selfCgroup));
  if (v2) return { ...v2, usageOf: usageV2 };
  const ownV1 = ownCgroupV1(selfCgroup);
  if (ownV1 === undefined) return undefined;
  for (const mount of ['cpu,cpuacct', 'cpu']) {
    const v1 = limitingCgroup(path.join(root, mount), ownV1, coresV1);
    if (v1) return { ...v1, usageOf: usageV1 };
  }
  return undefined;
}

/**
 * A reader of land's quota and its use: the limiting cgroup is found at the first read (a quota set on a running
 * container is rare enough), its use read at each. Undefined from every read where there is no quota. `own` (v2)
 * and `selfCgroup` (/proc/self/cgroup's text) stand in for land's own, for tests.
 */
export function cgroupCpu(root = '/sys/fs/cgroup', own?: string, selfCgroup?: string): () => QuotaReading | undefined {
  let limit: Limit | undefined | null = null;
  return () => {
    if (limit === null) limit = findLimit(root, own, selfCgroup ?? readText('/proc/self/cgroup'));
    if (!limit) return undefined;
    const usageUsec = limit.usageOf(limit.dir);
    return usageUsec === undefined ? undefined : { usageUsec, atUsec: performance.now() * 1000, cores: limit.cores };
  };
}
