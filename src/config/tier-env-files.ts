/**
 * A tier's own env files (`tiers.<name>.envFiles`, process-compose's and Compose's `env_file`): read after the
 * stack's env files and the profile, before the tier's `env`, with the same parsing, `${VAR}` expansion (from the
 * stack's files, the tier's earlier files and land's environment), masking and `file:line` errors. As with the
 * stack's files, a variable land's environment exports wins over a file's value (the dotenv convention). Unlike
 * them, a file a tier names must exist: it was asked for by name (Compose refuses a missing `env_file` too).
 */
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { formatKeyPath } from './config-issues.js';
import { displayPath } from './display-path.js';
import type { EnvFileKind, ExpandFrom } from './envfile.js';
import { registerSecretsOf } from './redact.js';
import type { ResolvedConfig, ResolvedTier } from './types.js';

type Read = (file: string, kind: EnvFileKind, from?: ExpandFrom) => Record<string, string>;
type Check = <T>(run: () => T, fallback: T) => T;

function fileEnvOf(config: ResolvedConfig, tier: ResolvedTier, stackEnv: Record<string, string>, shell: Record<string, string>, read: Read): Record<string, string> {
  const own: Record<string, string> = {};
  tier.envFiles.forEach((file, index) => {
    if (!existsSync(file)) {
      const key = formatKeyPath(['tiers', tier.name, 'envFiles', index]);
      throw new InputError(`${displayPath(config.configFile)}: ${key}: expected an env file, found none at ${displayPath(file)}`);
    }
    Object.assign(own, read(file, 'secrets', { earlier: { ...stackEnv, ...own }, shell }));
  });
  for (const key of Object.keys(own)) if (shell[key] !== undefined) own[key] = shell[key];
  registerSecretsOf(own);
  return own;
}

/** The config with each tier that names env files given what they set (`fileEnv`); the others as they are. */
export function withTierEnvFiles(config: ResolvedConfig, stackEnv: Record<string, string>, shell: Record<string, string>, read: Read, check: Check): ResolvedConfig {
  if (config.tiers.every((tier) => tier.envFiles.length === 0)) return config;
  const tiers = config.tiers.map((tier) => {
    if (tier.envFiles.length === 0) return tier;
    return { ...tier, fileEnv: check(() => fileEnvOf(config, tier, stackEnv, shell, read), {}) };
  });
  return { ...config, tiers };
}
