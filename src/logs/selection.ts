/**
 * Which tiers `land logs a b …` shows: each name is an instance (`web`, or one replica `web.2`) or a tier with
 * replicas (`web`: all of them, also those `land scale` adds later). No name: every tier. Shared by the control
 * API's stack-wide stream and the reading of a boot's log files.
 */
import { groupOfName } from '../supervisor/replicas.js';

/** Whether the instance `name` is shown: it or its tier was asked for, or nothing was (every tier). */
export function selects(wanted: readonly string[], name: string): boolean {
  return wanted.length === 0 || wanted.includes(name) || wanted.includes(groupOfName(name));
}

/** The names asked for that address none of `known` (the instances). */
export function unknownNames(known: readonly string[], wanted: readonly string[]): string[] {
  return wanted.filter((name) => !known.some((instance) => instance === name || groupOfName(instance) === name));
}

/**
 * `unknown tier "ghost"` or `unknown tiers "ghost", "spook"`, then `(known: api, web)` when `known` is given: the
 * names asked for quoted (an empty name, `tier=`, or one with spaces shows), the known ones as land prints names.
 * Every command's message for a name it does not know is this one.
 */
export function unknownTiers(unknown: readonly string[], known?: readonly string[]): string {
  const names = `unknown tier${unknown.length === 1 ? '' : 's'} ${unknown.map((name) => JSON.stringify(name)).join(', ')}`;
  return known === undefined ? names : `${names} (known: ${known.join(', ')})`;
}
