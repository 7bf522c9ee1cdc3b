/**
 * What a tier may be named, for a config's tiers (schema.ts), a Procfile's process types (src/procfile/parse.ts) and
 * the names `land init` makes of another tool's (src/migrate/draft.ts). Names end up in event names
 * (`land:<tier>:…`), env values and file names: they are kept plain.
 */
import { MAX_TIER_NAME } from './limits.js';
import { isReservedTierName } from './reserved.js';

/** The end of a message after `expected a tier name of `. */
export const TIER_NAME_RULE = `letters, digits, - and _ (starting with a letter or digit, at most ${MAX_TIER_NAME} characters)`;

const PLAIN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * What keeps `name` from being a tier's, the first of: one of land's own names (reserved.ts), more than
 * MAX_TIER_NAME characters, characters other than letters, digits, - and _ (or a first - or _). Undefined: nothing.
 */
export function tierNameProblem(name: string): 'reserved' | 'long' | 'characters' | undefined {
  if (isReservedTierName(name)) return 'reserved';
  if (name.length > MAX_TIER_NAME) return 'long';
  return PLAIN.test(name) ? undefined : 'characters';
}
