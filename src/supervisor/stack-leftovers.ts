/**
 * What a shutdown's end says was left: the stops' leftovers (removed replicas' included), what the last sweep could
 * not kill, and the strays failed daemon starts named. Read from the tiers; the supervisor owns them.
 */
import type { Leftovers, NamedStray, StillRunning } from './left-behind.js';
import type { LeftProcesses } from './left-processes.js';
import { runningStrays, type KnownStray } from './named-strays.js';
import type { TierProcess } from './tier-process.js';

/** What replicas removed by `land scale` left, kept for the shutdown's end. */
export interface RemovedLeftovers {
  left: Array<{ tier: string; left: LeftProcesses }>;
  strays: Array<KnownStray & { tier: string }>;
}

/** The strays still running that failed daemon starts named, removed replicas' included, each pid once. */
export function straysRunning(tiers: readonly TierProcess[], removed: RemovedLeftovers): NamedStray[] {
  const gone = runningStrays(removed.strays).map(({ tier, pid, name }) => ({ tier, pid, name }));
  const all = [...gone, ...tiers.flatMap((tier) => tier.straysRunning())];
  return all.filter((stray, index) => all.findIndex((other) => other.pid === stray.pid) === index);
}

/**
 * What land started and could not stop, still running at the shutdown's end: what the tiers' stops gave up on (in
 * this shutdown or before), and what the last sweep found by the boot's mark and could not kill.
 */
export function stillRunning(tiers: readonly TierProcess[], removed: RemovedLeftovers, swept: Leftovers): StillRunning[] {
  const left: StillRunning[] = [];
  const named = new Set<number>();
  for (const { tier, left: list } of [...removed.left, ...tiers.map((tier) => ({ tier: tier.name, left: tier.left }))]) {
    const running = list.running();
    for (const pid of running.pids) named.add(pid);
    if (running.pids.length > 0) left.push({ tier, ...running });
  }
  const pids = swept.pids.filter((pid) => !named.has(pid));
  if (pids.length > 0) left.push({ pids, denied: swept.denied.filter((pid) => pids.includes(pid)) });
  return left;
}
