/**
 * Where a variable of a child's layered environment was set, for a one-line error: `profiles/debug.env:3`,
 * `.env.Land.PostHog:2`, `land.config.ts: tiers.api.env.TOKEN`, or land's own environment. Worked out only when
 * there is an error to report (the files are read again), so a good boot pays nothing for it.
 */
import { displayPath } from './display-path.js';
import { envFileKeyLines, envFileSources } from './envfile.js';
import { formatKeyPath } from './config-issues.js';
import type { BootPlan, ResolvedTier } from './types.js';

export type EnvSources = Pick<BootPlan, 'config' | 'profileFile' | 'profileEnv' | 'shellEnv'>;

function lineIn(file: string, key: string): number | undefined {
  try {
    return envFileKeyLines(file).get(key);
  } catch {
    return undefined;
  }
}

/**
 * The variable and the layer that gave it its value, highest first (hydrate.ts's order; with `tier`, its own `env`
 * too), as a message starts: `profiles/debug.env:2: Spawn`, `land.config.ts: tiers.api.env.TOKEN`,
 * `land's environment: Spawn`.
 */
export function variableAt(sources: EnvSources, key: string, tier?: ResolvedTier): string {
  const name = key.replace(/\0/g, '\\0');
  if (tier !== undefined && Object.hasOwn(tier.env, key)) {
    return `${displayPath(sources.config.configFile)}: ${formatKeyPath(['tiers', tier.name, 'env', name])}`;
  }
  // An exported variable wins over the files (plan.ts), so the shell is asked before them.
  if (sources.shellEnv[key] !== undefined) return `land's environment: ${name}`;
  // The tier's own env files (tier-env-files.ts) come after the stack's and the profile.
  const own = tier?.fileEnv !== undefined && Object.hasOwn(tier.fileEnv, key) ? tier.envFiles : [];
  const files = [...envFileSources(sources.config.envFiles), sources.profileFile, ...own].reverse();
  for (const file of files) {
    const line = lineIn(file, key);
    if (line !== undefined) return `${displayPath(file)}:${line}: ${name}`;
  }
  return `land's environment: ${name}`;
}
