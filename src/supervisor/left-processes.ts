/** The processes a tier's stops gave up on, kept by identity so that the shutdown names those still running. */
import type { Leftovers } from './left-behind.js';
import { sameProcess } from './process-tree.js';

/**
 * Every process a tier's stops gave up on, by identity (pid and start time: the pid may be another process's by the
 * time the shutdown asks), so the shutdown can name those still running. Pruned of the dead as it grows.
 */
export class LeftProcesses {
  private readonly known: Array<{ pid: number; startTime: string; denied: boolean }> = [];

  /**
   * The start times are the tree scan's that found them (the stop gives up after that, and may then wait for the
   * pipes): one read now could be of a process that took a pid freed in between. Without one, a pid is not kept.
   */
  add(left: Leftovers): void {
    this.prune();
    for (const pid of left.pids) {
      const startTime = left.startTimes?.[pid];
      if (startTime !== undefined) this.known.push({ pid, startTime, denied: left.denied.includes(pid) });
    }
  }

  /** Those still running now. */
  running(): Leftovers {
    this.prune();
    return { pids: this.known.map((entry) => entry.pid), denied: this.known.filter((entry) => entry.denied).map((entry) => entry.pid) };
  }

  private prune(): void {
    for (let index = this.known.length - 1; index >= 0; index -= 1) {
      const { pid, startTime } = this.known[index]!;
      if (!sameProcess(pid, startTime)) this.known.splice(index, 1);
    }
  }
}
