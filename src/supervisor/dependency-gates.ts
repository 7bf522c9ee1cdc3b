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

/** A dependency with replicas is met when every replica meets it. */
export function dependenciesMet(tiers: TierSet, tier: TierProcess): boolean {
  return Object.entries(tier.config.dependsOn).every(([name, condition]) =>
    tiers.members(name).every((dep) => conditionMet(dep, condition)),
  );
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
