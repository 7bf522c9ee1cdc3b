// The supervisor's own processes: everything in the tool's process tree (pm2's daemon included) that is not a
// fixture child or below one. A fixture is told by its argv, not by its hello: one that has not connected yet is
// not the tool's either.
import { CHILD } from './paths.mjs';
import { cmdline, cpuSeconds, processTable, rssBytes, treeOf } from './procs.mjs';

const isFixture = (pid) => cmdline(pid)[1] === CHILD;

export function ownProcesses(run, table = processTable()) {
  const tree = treeOf(run.roots(), table);
  const excluded = new Set(treeOf(tree.filter(isFixture), table));
  return tree.filter((pid) => !excluded.has(pid));
}

/** Sum of RSS (bytes) over the tool's own processes. */
export function ownRss(run) {
  const own = ownProcesses(run);
  return { bytes: own.reduce((sum, pid) => sum + rssBytes(pid), 0), processes: own.length };
}

/**
 * CPU seconds used by the tool's own processes. Sample it while they live: a tracker keeps the highest reading
 * of each pid, so a process that exits keeps its last count (a process that lives less than refreshMs may be missed).
 */
export function cpuTracker(run, { refreshMs = 500 } = {}) {
  const seen = new Map();
  let pids = [];
  let listedAt = -Infinity;
  return {
    sample() {
      // Walking /proc is the costly part: the list of pids is refreshed only every refreshMs.
      if (Date.now() - listedAt >= refreshMs) {
        pids = ownProcesses(run);
        listedAt = Date.now();
      }
      for (const pid of pids) {
        // Listed between fork and exec, a child still carries the tool's argv: once it is a fixture, it never counted.
        if (isFixture(pid)) {
          seen.delete(pid);
          continue;
        }
        const cpu = cpuSeconds(pid);
        if (cpu !== undefined) seen.set(pid, Math.max(seen.get(pid) ?? 0, cpu));
      }
      return [...seen.values()].reduce((a, b) => a + b, 0);
    },
  };
}
