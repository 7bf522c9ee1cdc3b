/**
 * `land start <tier>` of a tier that `land up <tiers>` left out (`not requested`, src/cli/only.ts): no gate of the
 * profile's, only not named at first, so starting it is `docker compose up <service>` after `up <other>`: the tier
 * and the dependencies that were left out with it, in dependency order (they go `pending` and the scheduler starts
 * them as at boot). A tier, or a dependency, gated off by the profile (a flag, `when`) is still refused: `land spawn`
 * overrides a gate, `land start` does not.
 */
import { NOT_REQUESTED } from '../cli/only.js';
import { ControlError } from './control-error.js';
import { unmetDependencies } from './dependency-gates.js';
import { groupOf } from './replicas.js';
import type { TierProcess } from './tier-process.js';
import type { TierSet } from './tier-set.js';

/** Left out by `land up <tiers>`, and still so. */
export function isLeftOut(tier: TierProcess): boolean {
  return tier.state === 'disabled' && tier.gatedBy === NOT_REQUESTED;
}

/** Why `land start` refuses a gated-off tier, readable whatever the gate: a flag, `when`, a dependency gated off. */
export function gatedOffMessage(name: string, gatedBy: string | undefined): string {
  const by =
    gatedBy === 'when'
      ? 'gated off by its `when` predicate'
      : gatedBy?.startsWith('needs ')
        ? `gated off: it needs ${gatedBy.slice('needs '.length)}, which is gated off`
        : `gated off by ${gatedBy ?? 'the profile'}`;
  return `${name} is ${by}; \`land spawn ${name}\` overrides the gate`;
}

/**
 * The instances `land start <name>` brings in: its own left-out ones and, transitively, those of its dependencies.
 * Throws (before any changes) when a dependency that does not run is gated off by the profile.
 */
function leftOutWith(tiers: TierSet, own: TierProcess[]): TierProcess[] {
  const found = new Set<TierProcess>();
  const visit = (tier: TierProcess) => {
    if (found.has(tier)) return;
    found.add(tier);
    for (const dependency of Object.keys(tier.config.dependsOn)) {
      for (const member of tiers.members(dependency)) {
        if (isLeftOut(member)) visit(member);
        else if (member.state === 'disabled') {
          throw new ControlError('gated', `${groupOf(tier.config)} needs ${dependency}, which is gated off by ${member.gatedBy}; \`land spawn ${dependency}\` overrides the gate`);
        }
      }
    }
  };
  own.filter(isLeftOut).forEach(visit);
  // Dependency order: each state change may run the scheduler, which would fail a tier whose dependency is still off.
  return tiers.all().filter((tier) => found.has(tier));
}

/** Lifts the left-out mark of the tier and its left-out dependencies: pending, for the scheduler to start. */
export function bringIn(tiers: TierSet, own: TierProcess[]): void {
  for (const tier of leftOutWith(tiers, own)) tier.regate(undefined, 'started on request (left out by land up <tiers>)');
}

/**
 * `land start` / `land restart` of named instances some of which `land up <tiers>` left out: brings them in (with
 * their left-out dependencies) and asks the scheduler for a pass; false (nothing done) when none was left out.
 */
export function startLeftOut(tiers: TierSet, named: TierProcess[], schedule: () => void): boolean {
  if (!named.some(isLeftOut)) return false;
  bringIn(tiers, named);
  schedule();
  return true;
}

/**
 * `land start`, `land restart` and `land reload` of a tier a dependency of which has settled unmet (failed, stopped,
 * exited or gated off since it was ready): refused before anything is stopped or started, naming the dependency and
 * its state, as the boot would not start it either: a restart's new process would start against a dependency that
 * will not hold, so a running tier is left running as it is. One still starting or in backoff is let through (as
 * `land restart db; land restart web` must work): it may yet hold. The dependency is not started in its place:
 * starting it again is a decision (`land start <dep>`, or `land spawn <dep>` for one gated off by the profile);
 * `land spawn` starts the tier anyway (a running one once stopped).
 */
export function refuseUnmet(tiers: TierSet, name: string, named: TierProcess[], command: 'start' | 'restart' | 'reload'): void {
  const unmet = named.flatMap((tier) => unmetDependencies(tiers, tier, 'now', true));
  if (unmet.length === 0) return;
  const texts = [...new Set(unmet.map((entry) => entry.text))];
  // Settled only: each names the instance that settled (a dependency with no instance is never settled).
  const dep = unmet[0]!.dep!;
  const first = groupOf(dep.config);
  const bringBack = dep.state === 'disabled' && !isLeftOut(dep) ? `land spawn ${first}` : `land start ${first}`;
  const running = named.filter((tier) => tier.running).map((tier) => tier.name);
  const anyway = running.length === 0 ? `\`land spawn ${name}\` starts it anyway` : `\`land stop ${name}\` then \`land spawn ${name}\` ${command}s it anyway; ${running.join(', ')} ${running.length === 1 ? 'runs' : 'run'} on as before`;
  throw new ControlError('dependency-unmet', `${name} needs ${texts.join(', ')}; \`${bringBack}\` first, or ${anyway}`);
}
