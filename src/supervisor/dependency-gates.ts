/** Whether a pending tier may start, must fail, or waits: its `dependsOn` read against the tiers' states. */
import type { BootPlan, DependencyCondition } from '../config/types.js';
import type { TierProcess } from './tier-process.js';
import type { TierSet } from './tier-set.js';

/** Why a pending tier starts now; a tier started alone (`land spawn`) says which dependencies were not started. */
export function startReason(plan: BootPlan, tier: TierProcess): string {
  const notStarted = plan.tiers.find((entry) => entry.name === tier.name)?.notStarted;
  if (notStarted?.length) return `started alone; not started: ${notStarted.join(', ')}`;
  const met = Object.entries(tier.config.dependsOn).map(([name, condition]) => `${name} ${condition}`);
  return met.length > 0 ? `dependencies met: ${met.join(', ')}` : 'no dependencies';
}

/**
 * A pending tier's reason says what it waits for (`waiting for aa completed`), also after `land apply` or
 * `land restart --all` requeued it (`why`: what made it pending), not only what made it pending.
 */
export function waitingReason(dependsOn: Readonly<Record<string, DependencyCondition>>, why?: string): string {
  const waits = Object.entries(dependsOn).map(([name, condition]) => `${name} ${condition}`);
  const waiting = waits.length > 0 ? `waiting for ${waits.join(', ')}` : 'waiting to start';
  return why === undefined ? waiting : waits.length > 0 ? `${why}; ${waiting}` : why;
}

/**
 * How a dependency's condition is read:
 * - `once`: was it met by the dependency's life as land knows it (ready once, even if it failed since): the boot's
 *   gates, and what a pending tier waits for (start-passes.ts). A requeue (`land restart --all`, `land apply`)
 *   forgets its last life's readiness, so that it is met again by the new one.
 * - `now`: does it hold now, for a start that comes after the boot (a scheduled run, `land start`, `land restart`,
 *   `land reload`): `ready` and `started` ask that it still runs (ready, for `ready`), or has completed (a one-shot
 *   that did its job); once ready and failed or stopped since is not met.
 */
export type DependencyReading = 'once' | 'now';

function conditionMet(dep: TierProcess, condition: DependencyCondition, reading: DependencyReading): boolean {
  if (reading === 'once') return condition === 'started' ? dep.started : condition === 'ready' ? dep.everReady : dep.completed;
  if (dep.completed) return true;
  if (condition === 'completed') return false;
  return condition === 'ready' ? dep.state === 'ready' : dep.running;
}

/**
 * Whether every dependency of `tier` is met, read as `reading`; one with replicas is met when every replica meets it.
 * One with no instance is not met: `land apply` replacing it has removed the old ones and not yet made the new ones
 * (a tier gated off or left out by `land up <tiers>` has its instances, `disabled`, and their own rule: hasSettled).
 */
export function dependenciesMet(tiers: TierSet, tier: TierProcess, reading: DependencyReading): boolean {
  return Object.entries(tier.config.dependsOn).every(([name, condition]) => {
    const members = tiers.members(name);
    return members.length > 0 && members.every((dep) => conditionMet(dep, condition, reading));
  });
}

/**
 * A dependency that will not meet a condition on its own: it ended, or is gated off (not starting, not in backoff).
 * The stop of a restart (`comingBack`) has not settled it: a new life follows.
 */
export function hasSettled(dep: TierProcess): boolean {
  return !dep.comingBack && ['failed', 'disabled', 'stopped', 'exited'].includes(dep.state);
}

/** One dependency not met: `db ready: db failed`, and the instance that fails it (none: it has no instance now). */
export interface UnmetDependency {
  text: string;
  dep?: TierProcess;
}

/** What a dependency with no instance says: `land apply` is replacing it; not settled, its new instances follow. */
const NO_INSTANCE = 'no instance yet (being replaced)';

/**
 * The dependencies of `tier` not met, read as `reading`, each said with the state of every instance that fails it
 * (`db ready: db.2 failed, db.3 stopped`); empty when all are. A dependency with replicas is decided over all of them,
 * as the boot's gates read it: met when every replica meets it. `settledOnly`: unmet only through instances that have
 * settled (`hasSettled`): one still starting or in backoff may yet meet it, one failed will not, whichever comes first.
 * A dependency with no instance (`land apply` replacing it) is unmet, but not settled.
 */
export function unmetDependencies(tiers: TierSet, tier: TierProcess, reading: DependencyReading, settledOnly = false): UnmetDependency[] {
  const unmet: UnmetDependency[] = [];
  for (const [name, condition] of Object.entries(tier.config.dependsOn)) {
    const members = tiers.members(name);
    if (members.length === 0) {
      if (!settledOnly) unmet.push({ text: `${name} ${condition}: ${NO_INSTANCE}` });
      continue;
    }
    const failing = members.filter((dep) => !conditionMet(dep, condition, reading) && (!settledOnly || hasSettled(dep)));
    if (failing.length > 0) unmet.push({ text: `${name} ${condition}: ${failing.map((dep) => `${dep.name} ${dep.state}`).join(', ')}`, dep: failing[0]! });
  }
  return unmet;
}

/** Why a tier can never start: a dependency settled before it met its condition. */
export function blockedBy(tiers: TierSet, tier: TierProcess): string | undefined {
  for (const [name, condition] of Object.entries(tier.config.dependsOn)) {
    for (const dep of tiers.members(name)) {
      if (conditionMet(dep, condition, 'once')) continue;
      if (hasSettled(dep)) return `dependency ${dep.name} ${dep.state} before it was ${condition}`;
    }
  }
  return undefined;
}
