/** Whether a pending tier may start, must fail, or waits: its `dependsOn` read against the tiers' states. */
import type { BootPlan, DependencyCondition } from '../config/types.js';
import type { TierProcess } from './tier-process.js';
import type { TierSet } from './tier-set.js';

function conditionMet(dep: TierProcess, condition: DependencyCondition): boolean {
  if (condition === 'started') return dep.started;
  if (condition === 'ready') return dep.everReady;
  return dep.completed;
}

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

/** A dependency with replicas is met when every replica meets it. */
export function dependenciesMet(tiers: TierSet, tier: TierProcess): boolean {
  return Object.entries(tier.config.dependsOn).every(([name, condition]) =>
    tiers.members(name).every((dep) => conditionMet(dep, condition)),
  );
}

/**
 * Whether a dependency holds now, for a start that comes after the boot (a scheduled run, `land start`): `ready`
 * and `started` ask that it still runs (ready, for `ready`), or has completed (a one-shot that did its job); once
 * ready and since failed or stopped is not met. The boot's gates (dependenciesMet) keep "was once".
 */
function conditionHoldsNow(dep: TierProcess, condition: DependencyCondition): boolean {
  if (dep.completed) return true;
  if (condition === 'completed') return false;
  if (condition === 'ready') return dep.state === 'ready';
  return dep.running;
}

/**
 * The dependencies of `tier` that do not hold now, each said with the state of the instance that fails it
 * (`db ready: db failed`); empty when all hold.
 */
export function unmetNow(tiers: TierSet, tier: TierProcess): string[] {
  const unmet: string[] = [];
  for (const [name, condition] of Object.entries(tier.config.dependsOn)) {
    const failing = tiers.members(name).find((dep) => !conditionHoldsNow(dep, condition));
    if (failing) unmet.push(`${name} ${condition}: ${failing.name} ${failing.state}`);
  }
  return unmet;
}

/** Why a tier can never start: a dependency settled before it met its condition. */
export function blockedBy(tiers: TierSet, tier: TierProcess): string | undefined {
  for (const [name, condition] of Object.entries(tier.config.dependsOn)) {
    for (const dep of tiers.members(name)) {
      if (conditionMet(dep, condition)) continue;
      const settled = ['failed', 'disabled', 'stopped', 'exited'].includes(dep.state);
      if (settled) return `dependency ${dep.name} ${dep.state} before it was ${condition}`;
    }
  }
  return undefined;
}
