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

/**
 * Sum of RSS (bytes) over the tool's own processes. A child listed between its fork and its exec carries the tool's
 * argv, and may have exec'd by the time its RSS is read (a fixture's node, already ~13 MB), or be in the middle of
 * its exec (no argv at all, the new image's RSS): its RSS counts only when its argv, read after the RSS, is still
 * one and not a fixture's (argv changes only at an exec, so what was read before it was the tool's memory).
 * `rssOf`: the RSS reader (bench/test/harness.test.mjs execs a child inside it).
 */
export function ownRss(run, { rssOf = rssBytes } = {}) {
  let bytes = 0;
  let processes = 0;
  for (const pid of ownProcesses(run)) {
    const rss = rssOf(pid);
    const argv = cmdline(pid);
    if (argv.length === 0 || argv[1] === CHILD) continue;
    bytes += rss;
    processes += 1;
  }
  return { bytes, processes };
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
