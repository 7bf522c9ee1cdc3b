/**
 * `land spawn <tier>` without a running stack boots only the tiers asked for: those are enabled even if the profile
 * gates them off (an explicit request overrides the gate), every other tier is disabled as "not requested" (or by
 * its own gate, when the profile gates it off).
 *
 * With --with-deps the transitive dependencies are enabled too, and everything starts in dependency order as in a
 * full boot. Without it a requested tier runs on its own: it does not wait for dependencies nobody asked to start
 * (they may be running outside land), so its dependencies on them are dropped from this boot's plan.
 */
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { InputError } from '../errors.js';
import { unknownTiers } from '../logs/selection.js';

export const NOT_REQUESTED = 'not requested';

/** The profile's own gate of a tier (`Flag=false`, `when`), not one it inherits from a dependency (`needs <dep>`). */
function ownGate(tier: BootPlan['tiers'][number]): string | undefined {
  return !tier.enabled && tier.gatedBy !== undefined && !tier.gatedBy.startsWith('needs ') ? tier.gatedBy : undefined;
}

function withDependencies(byName: Map<string, ResolvedTier>, names: string[]): Set<string> {
  const wanted = new Set<string>();
  const visit = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of Object.keys(byName.get(name)!.dependsOn)) visit(dependency);
  };
  names.forEach(visit);
  return wanted;
}

export function restrictPlan(plan: BootPlan, only: string[], withDeps: boolean): BootPlan {
  const byName = new Map(plan.config.tiers.map((tier) => [tier.name, tier]));
  for (const name of only) {
    if (!byName.has(name)) throw new InputError(unknownTiers([name], [...byName.keys()]));
  }
  const wanted = withDeps ? withDependencies(byName, only) : new Set(only);
  const tiers = plan.tiers.map((tier) => {
    // A tier the profile gates off itself (a flag, `when`) keeps its gate: `land start` refuses it as at a full boot,
    // where one only left out is started (src/supervisor/left-out.ts). `needs <dep>` may no longer hold (dep named).
    if (!wanted.has(tier.name)) return { name: tier.name, enabled: false, gatedBy: ownGate(tier) ?? NOT_REQUESTED };
    const dropped = withDeps ? [] : Object.entries(byName.get(tier.name)!.dependsOn).filter(([name]) => !wanted.has(name));
    return { name: tier.name, enabled: true, ...(dropped.length > 0 && { notStarted: dropped.map(([name, condition]) => `${name} (${condition})`) }) };
  });
  const configTiers = plan.config.tiers.map((tier) => {
    if (withDeps || !wanted.has(tier.name)) return tier;
    const dependsOn = Object.fromEntries(Object.entries(tier.dependsOn).filter(([name]) => wanted.has(name)));
    return { ...tier, dependsOn };
  });
  return { ...plan, config: { ...plan.config, tiers: configTiers }, tiers };
}
