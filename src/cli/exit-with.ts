/**
 * Ending the stack with a tier (`land up --exit-with <tier>`, or `exitWith: true` on a tier): once that tier has
 * ended for good (its restart policy is done with it: `exited`, or `failed`), land shuts the stack down as for
 * Ctrl-C and exits with the tier's code. A tier with replicas ends once every replica has (docs/decisions.md,
 * "Ending with a tier, and land run").
 */
import type { BootPlan } from '../config/types.js';
import { InputError } from '../errors.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { SupervisorEvent, TierSnapshot } from '../supervisor/types.js';
import type { StackEnd } from './boot.js';
import { describeEnd, exitCodeOf } from './foreground-tier.js';
import { unknownTiers } from '../logs/selection.js';

/** The tiers whose end ends the stack, and how the person asked for it (for the lines that say why). */
export interface EndingTiers {
  names: string[];
  source: string;
  /** The keyed tiers the plan gates off, in one line for stderr (said once the boot is sure to go ahead). */
  note?: string;
}

function flagTier(plan: BootPlan, name: string): string {
  const tiers = plan.config.tiers;
  const [group, replica] = name.split('.');
  if (replica !== undefined && tiers.some((tier) => tier.name === group && tier.replicas !== undefined)) {
    throw new InputError(`--exit-with: ${name} is one replica of ${group}: expected the tier's name (${group}: the stack ends once every replica has ended)`);
  }
  if (!tiers.some((tier) => tier.name === name)) throw new InputError(`--exit-with: ${unknownTiers([name], tiers.map((tier) => tier.name))}`);
  const planned = plan.tiers.find((tier) => tier.name === name);
  if (planned && !planned.enabled) {
    throw new InputError(`--exit-with: tier ${name} is gated off by profile ${plan.profile} (${planned.gatedBy ?? 'gated'}): expected a tier that starts`);
  }
  return name;
}

/**
 * The flag wins over the config keys (one tier named for this run). A key on a tier the profile gates off does not
 * apply (it never starts, so it never ends): said once on stderr, the stack then runs until stopped.
 */
export function endingTiers(plan: BootPlan, flag: string | undefined): EndingTiers | undefined {
  if (flag !== undefined) return { names: [flagTier(plan, flag)], source: `--exit-with ${flag}` };
  const keyed = plan.config.tiers.filter((tier) => tier.exitWith);
  if (keyed.length === 0) return undefined;
  const enabled = new Set(plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name));
  // The gate's own words (`Tests=false`): the profile, an env file or land's environment may have set it.
  const off = plan.tiers.filter((tier) => !tier.enabled && keyed.some((key) => key.name === tier.name)).map((tier) => `${tier.name} (${tier.gatedBy ?? 'gated'})`);
  const note = off.length > 0 ? `land: exitWith: ${off.join(', ')} gated off: ${off.length === 1 ? 'it does' : 'they do'} not end the stack` : undefined;
  const names = keyed.filter((tier) => enabled.has(tier.name)).map((tier) => tier.name);
  return { names, source: `exitWith on ${names.join(', ')}`, note };
}

const ENDED = new Set(['exited', 'failed']);

/** Every instance of a configured tier (itself, or its replicas), or undefined while one has not ended for good. */
function endedMembers(tiers: readonly TierSnapshot[], name: string): TierSnapshot[] | undefined {
  const members = tiers.filter((tier) => (tier.group ?? tier.name) === name);
  if (members.length === 0 || !members.every((tier) => ENDED.has(tier.state))) return undefined;
  return members;
}

/** The group's code: the first replica (by number) that ended non-zero gives it, else 0; the reason names that one. */
function groupEnd(members: TierSnapshot[], source: string): StackEnd {
  const failing = members.find((tier) => exitCodeOf(tier) !== 0) ?? members[0]!;
  const code = exitCodeOf(failing);
  const what = describeEnd(failing).replace(/^land: /, '');
  const all = members.length > 1 ? `every replica of ${failing.group} ended; ` : '';
  return { code, reason: `${all}${what}; land exits with code ${code} (${source})` };
}

/** What may end a tier for good: one of its instances ending, or `land scale` removing the ones still running. */
function mayEnd(event: SupervisorEvent): boolean {
  return (event.type === 'state' && ENDED.has(event.to)) || event.type === 'scale';
}

/** For runStack's `until`: resolves once one of the tiers has ended for good. */
export function untilTierEnds(ending: EndingTiers): (supervisor: Supervisor) => Promise<StackEnd> {
  return (supervisor) =>
    new Promise((resolve) => {
      const stop = supervisor.subscribe((event) => {
        // During a shutdown too: a tier that ended by itself just as another stop began still gives its code.
        if (!mayEnd(event)) return;
        // After the exit's own follow-up (a restart under policy `always` moves it to backoff in the same turn).
        setImmediate(() => {
          const tiers = supervisor.snapshot().tiers;
          for (const name of ending.names) {
            const members = endedMembers(tiers, name);
            if (!members) continue;
            stop();
            return resolve(groupEnd(members, ending.source));
          }
        });
      });
    });
}
