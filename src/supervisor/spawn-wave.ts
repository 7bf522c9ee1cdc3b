/**
 * Starting several tiers at once (a boot's first wave, or the tiers a dependency just let go), their forks back to
 * back: everything made for a child before its fork (span, environment) is made for all of them first, and what
 * comes after (pipes' streams, log file, events, readiness wait) once every one is forked.
 *
 * Why: land's process forks once per child, and a fork write-protects every page of land's memory; each page land
 * writes afterwards costs a page fault (and a copy while the child has not exec'd yet). Done between two forks, a
 * child's own work (its objects alone fill dozens of fresh pages) paid those faults again after every fork; done
 * before the first and after the last, it pays them once (docs/decisions.md, "Per-child cost").
 */
import type { TierStart } from './tier-spawn.js';

export function startWave(starts: readonly TierStart[]): void {
  for (const start of starts) start.fork();
  for (const start of starts) start.adopt();
}
