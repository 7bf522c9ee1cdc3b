/**
 * croner (the cron expressions of scheduled tiers), loaded the first time a `schedule` is read: a stack without one
 * never loads it, so `land up`'s start-up chunk does not carry it (31 KB). Synchronous, through node's require (croner
 * ships CommonJS too), because the config schema that checks an expression is; not bundled (scripts/bundle.mjs:
 * external), resolved from land's own dependencies.
 */
import { createRequire } from 'node:module';

type Croner = typeof import('croner');

let loaded: Croner | undefined;

export function croner(): Croner {
  loaded ??= createRequire(import.meta.url)('croner') as Croner;
  return loaded;
}
