/**
 * The memory limit of tiers (`limits.memory`): the resident memory of each limited tier's whole process tree,
 * sampled once a second on land's heartbeat (src/runtime/heartbeat.ts: a wake-up land has anyway) with the same
 * /proc sampler as the UI and the dashboard (src/usage/tree-usage.ts), but a memory of its own. Only tiers that
 * declare a limit are read, and only while they run; a stack without a limit never starts the watch. A tree over its
 * limit at OVER_SAMPLES samples in a row (a peak shorter than a second passes) is restarted by its tier, gracefully,
 * and counted like a failed liveness probe (TierProcess.restartOverMemory).
 */
import { formatSize } from '../config/size.js';
import { onHeartbeat } from '../runtime/heartbeat.js';
import { StatFiles } from '../usage/stat-files.js';
import { newTreeMemory, sampleTreeUsage, type UsageByPid } from '../usage/tree-usage.js';
import type { MemoryStatus } from './types.js';

/** Samples in a row over the limit before a restart (1 s apart: a tree over it for 1–2 s). */
export const OVER_SAMPLES = 2;

/** What the watch needs of a tier (TierProcess). */
export interface MemoryWatched {
  readonly name: string;
  readonly config: { readonly limits?: { readonly memory: number } };
  /** The leader's pid while its tree is to be sampled (running, not being stopped); undefined otherwise. */
  readonly memoryRoot: number | undefined;
  /** Restart the life of `pid` for `message`; false when that life is already ending. */
  restartOverMemory(pid: number, message: string): boolean;
}

export class MemoryWatch {
  private readonly memory = newTreeMemory(new StatFiles());
  /** Samples in a row over the limit, by leader pid (a new life is a new pid and starts from zero). */
  private readonly over = new Map<number, number>();
  private readonly status = new Map<string, MemoryStatus>();
  private stopBeat?: () => void;
  private sampling = false;
  private closed = false;
  private readonly watched: MemoryWatched[] = [];
  private readonly roots: number[] = [];

  constructor(private readonly tiers: () => readonly MemoryWatched[]) {}

  start(): void {
    if (!this.closed) this.stopBeat ??= onHeartbeat(() => void this.sample());
  }

  close(): void {
    this.closed = true;
    this.stopBeat?.();
    this.stopBeat = undefined;
    this.memory.files?.closeAll();
  }

  /** For the tier's snapshot: its limit, its tree's last sample, the restarts the limit caused. */
  statusOf(tier: MemoryWatched): MemoryStatus | undefined {
    const limit = tier.config.limits?.memory;
    if (limit === undefined) return undefined;
    return { ...(this.status.get(tier.name) ?? { restarts: 0 }), limit };
  }

  /**
   * The limited tiers that run, into `this.watched` and their pids into `this.roots`, both refilled in place: an idle
   * stack's sample makes no arrays (land idles in V8's interpreter, docs/decisions.md "An idle stack, ninth wave").
   */
  private collect(): void {
    this.watched.length = 0;
    this.roots.length = 0;
    const tiers = this.tiers();
    for (let index = 0; index < tiers.length; index += 1) {
      const tier = tiers[index]!;
      const pid = tier.config.limits === undefined ? undefined : tier.memoryRoot;
      if (pid === undefined) continue;
      this.watched.push(tier);
      this.roots.push(pid);
    }
  }

  private async sample(): Promise<void> {
    if (this.sampling || this.closed) return;
    this.collect();
    if (this.roots.length === 0) return this.over.clear();
    this.sampling = true;
    try {
      const usage = await sampleTreeUsage(this.roots, this.memory);
      if (this.closed) this.memory.files?.closeAll(); // closed while it sampled: what the sample opened
      else this.judge(usage);
    } catch {
      // Sampling is best effort (sampleTreeUsage does not throw on a process gone): the next beat samples again.
    } finally {
      this.sampling = false;
    }
  }

  private judge(usage: UsageByPid): void {
    const { watched, roots } = this;
    for (let index = 0; index < watched.length; index += 1) {
      const tier = watched[index]!;
      const pid = roots[index]!;
      const limit = tier.config.limits!.memory;
      const used = usage.get(pid)?.memory;
      if (used === undefined) continue;
      let status = this.status.get(tier.name);
      if (status === undefined) this.status.set(tier.name, (status = { limit, restarts: 0 }));
      status.used = used;
      status.sampledAt = Date.now();
      const count = used > limit ? (this.over.get(pid) ?? 0) + 1 : 0;
      if (count < OVER_SAMPLES) {
        if (count > 0) this.over.set(pid, count);
        else this.over.delete(pid);
        continue;
      }
      this.over.delete(pid);
      const message = `over its memory limit: ${formatSize(used)} > ${formatSize(limit)} (${count} samples in a row)`;
      if (!tier.restartOverMemory(pid, message)) continue;
      status.restarts += 1;
      status.last = { used, at: Date.now() };
    }
    // A life that ended while over (its pid no longer sampled) leaves its count behind: dropped here.
    if (this.over.size > 0) for (const pid of this.over.keys()) if (!roots.includes(pid)) this.over.delete(pid);
  }
}
