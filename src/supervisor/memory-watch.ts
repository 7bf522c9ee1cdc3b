/**
 * The memory limit of tiers (`limits.memory`): the resident memory of each limited tier's whole process tree,
 * sampled once a second on land's heartbeat (src/runtime/heartbeat.ts: a wake-up land has anyway) with the same
 * /proc sampler as the UI and the dashboard (src/usage/tree-usage.ts), but a memory of its own. Only tiers that
 * declare a limit are read, and only while they run: the supervisor loads this module when a limited tier starts,
 * and the watch drops its heartbeat while none runs. A tree over its
 * limit at OVER_SAMPLES samples in a row (a peak shorter than a second passes) is restarted by its tier, gracefully,
 * and counted like a failed liveness probe (TierProcess.restartOverMemory).
 */
import { formatSize } from '../config/size.js';
import { onHeartbeat } from '../runtime/heartbeat.js';
import { StatFiles } from '../usage/stat-files.js';
import { newTreeMemory, sampleTreeUsage, usageOfRoots, type UsageByPid } from '../usage/tree-usage.js';

/** Samples in a row over the limit before a restart (1 s apart: a tree over it for 1–2 s). */
export const OVER_SAMPLES = 2;

/** What the watch needs of a tier (TierProcess). */
export interface MemoryWatched {
  readonly name: string;
  readonly config: { readonly limits?: { readonly memory: number } };
  /** The leader's pid while its tree is to be sampled (running, not being stopped); undefined otherwise. */
  readonly memoryRoot: number | undefined;
  /** The pids whose trees are summed: the leader's, or the tops of a daemon's trees (several, after a re-exec). */
  readonly memoryRoots: readonly number[];
  /** Restart the life of `pid` for `message` (its tree used `used` bytes); false when that life is already ending. */
  restartOverMemory(pid: number, message: string, used: number): boolean;
}

/** The last sample of a tier's tree, and the pid it was of (a later life, or none, shows no sample). */
interface Sample {
  pid: number;
  used: number;
  sampledAt: number;
}

export class MemoryWatch {
  private readonly memory = newTreeMemory(new StatFiles());
  /** Samples in a row over the limit, by leader pid (a new life is a new pid and starts from zero). */
  private readonly over = new Map<number, number>();
  /** By tier object: a replica removed by `land scale` takes its samples with it. */
  private readonly samples = new WeakMap<MemoryWatched, Sample>();
  private stopBeat?: () => void;
  private sampling = false;
  private closed = false;
  /** The limited tiers started since the last sample, and still running; their pids in `keys`, index for index. */
  private readonly watched: MemoryWatched[] = [];
  private readonly keys: number[] = [];
  /** Each watched tier's roots (usually its pid alone), and all of them for the sampler. */
  private readonly rootsOf: Array<readonly number[]> = [];
  private readonly roots: number[] = [];

  /** A limited tier started (the supervisor calls it on its `starting`): sampled from the next heartbeat on. */
  watch(tier: MemoryWatched): void {
    if (this.closed) return;
    if (!this.watched.includes(tier)) this.watched.push(tier);
    // Only while a limited tier runs: an idle stack, or one whose limited tiers are gated off, has no beat of ours.
    this.stopBeat ??= onHeartbeat(() => void this.sample());
  }

  close(): void {
    this.closed = true;
    this.stopBeat?.();
    this.stopBeat = undefined;
    this.memory.files?.closeAll();
  }

  /** The last sample of the tier's running life; undefined when it is not sampled (backoff, failed, stopped). */
  sampleOf(tier: MemoryWatched): { used: number; sampledAt: number } | undefined {
    const sample = this.samples.get(tier);
    if (sample === undefined || sample.pid !== tier.memoryRoot) return undefined;
    return { used: sample.used, sampledAt: sample.sampledAt };
  }

  /**
   * Keeps in `this.watched` the tiers that still run (in place) and refills `this.roots` with their pids: an idle
   * stack's sample makes no arrays (land idles in V8's interpreter, docs/decisions.md "An idle stack, ninth wave").
   */
  private collect(): void {
    const { watched, keys, rootsOf, roots } = this;
    roots.length = 0;
    let kept = 0;
    for (let index = 0; index < watched.length; index += 1) {
      const tier = watched[index]!;
      const pid = tier.memoryRoot;
      if (pid === undefined) continue;
      watched[kept] = tier;
      keys[kept] = pid;
      const tops = tier.memoryRoots;
      rootsOf[kept] = tops;
      for (let top = 0; top < tops.length; top += 1) roots.push(tops[top]!);
      kept += 1;
    }
    watched.length = kept;
    keys.length = kept;
    rootsOf.length = kept;
  }

  private async sample(): Promise<void> {
    if (this.sampling || this.closed) return;
    this.collect();
    if (this.roots.length === 0) {
      // No limited tier runs: no beat until one starts again (watch()).
      this.stopBeat?.();
      this.stopBeat = undefined;
      this.memory.files?.closeAll();
      return this.over.clear();
    }
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
    const { watched, keys } = this;
    // keys, not watched: a tier watch() added while this sample ran is sampled next time.
    for (let index = 0; index < keys.length; index += 1) {
      const tier = watched[index]!;
      const pid = keys[index]!;
      const limit = tier.config.limits!.memory;
      // The tier's trees summed (a daemon's, after a re-exec, may be several); undefined when none was read.
      const used = usageOfRoots(usage, this.rootsOf[index]!)?.memory;
      if (used === undefined) continue;
      this.record(tier, pid, used);
      const count = used > limit ? (this.over.get(pid) ?? 0) + 1 : 0;
      if (count < OVER_SAMPLES) {
        if (count > 0) this.over.set(pid, count);
        else this.over.delete(pid);
        continue;
      }
      this.over.delete(pid);
      const message = `over its memory limit: ${formatSize(used)} > ${formatSize(limit)} (${count} samples in a row)`;
      // The tier counts the restart once it is scheduled (tier-stop.ts afterExit).
      tier.restartOverMemory(pid, message, used);
    }
    // A life that ended while over (its pid no longer sampled) leaves its count behind: dropped here.
    if (this.over.size > 0) for (const pid of this.over.keys()) if (!keys.includes(pid)) this.over.delete(pid);
  }

  /** The tier's sample, refilled in place (one object per tier, not one per second). */
  private record(tier: MemoryWatched, pid: number, used: number): void {
    const sample = this.samples.get(tier);
    if (sample === undefined) this.samples.set(tier, { pid, used, sampledAt: Date.now() });
    else {
      sample.pid = pid;
      sample.used = used;
      sample.sampledAt = Date.now();
    }
  }
}
