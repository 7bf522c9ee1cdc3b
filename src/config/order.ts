import { InputError } from '../errors.js';
import { formatKeyPath } from './config-issues.js';

interface Node {
  name: string;
  dependsOn: Record<string, unknown>;
}

/** Every `dependsOn` key that names no declared tier, as an InputError each. */
function unknownDependencies(tiers: readonly Node[], fileLabel: string): InputError[] {
  const names = new Set(tiers.map((tier) => tier.name));
  const problems: InputError[] = [];
  for (const tier of tiers) {
    for (const dependency of Object.keys(tier.dependsOn)) {
      if (names.has(dependency)) continue;
      const where = formatKeyPath(['tiers', tier.name, 'dependsOn', dependency]);
      problems.push(new InputError(`${fileLabel}: ${where}: expected the name of a tier (${[...names].join(', ')}), got unknown tier "${dependency}"`));
    }
  }
  return problems;
}

/**
 * Depth-first search; each cycle found is reported as `a -> b -> a` (each depends on the next), one per back edge,
 * so two separate cycles are both listed. Unknown dependencies are left to unknownDependencies.
 */
function cycles(tiers: readonly Node[], fileLabel: string): InputError[] {
  const byName = new Map(tiers.map((tier) => [tier.name, tier]));
  const done = new Set<string>();
  const path: string[] = [];
  const found: InputError[] = [];

  const visit = (name: string): void => {
    if (done.has(name) || !byName.has(name)) return;
    const start = path.indexOf(name);
    if (start >= 0) {
      const cycle = [...path.slice(start), name].join(' -> ');
      found.push(new InputError(`${fileLabel}: tiers: expected no dependency cycle, got ${cycle}`));
      return;
    }
    path.push(name);
    for (const dependency of Object.keys(byName.get(name)!.dependsOn)) visit(dependency);
    path.pop();
    done.add(name);
  };

  for (const tier of tiers) visit(tier.name);
  return found;
}

/** Every unknown dependency, then every cycle among the known ones (`land check` lists them all). */
export function dependencyProblems(tiers: readonly Node[], fileLabel: string): InputError[] {
  return [...unknownDependencies(tiers, fileLabel), ...cycles(tiers, fileLabel)];
}

/**
 * Tiers in dependency order: each after everything it depends on. Among tiers free to go next, the one declared
 * first goes first, so the order is stable (declaration order whenever the dependencies allow it).
 * Throws an InputError for an unknown dependency or a cycle.
 */
export function orderTiers<T extends Node>(tiers: readonly T[], fileLabel: string): T[] {
  const [problem] = dependencyProblems(tiers, fileLabel);
  if (problem) throw problem;

  const ordered: T[] = [];
  const placed = new Set<string>();
  const remaining = [...tiers];
  while (remaining.length > 0) {
    // No cycle, so some remaining tier always has every dependency placed.
    const index = remaining.findIndex((tier) => Object.keys(tier.dependsOn).every((name) => placed.has(name)));
    const [next] = remaining.splice(index, 1);
    ordered.push(next!);
    placed.add(next!.name);
  }
  return ordered;
}
