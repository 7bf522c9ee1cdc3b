/** How land reads its inputs: the config file, env files, profiles, the boot plan and a child's environment. */
export type * from './types.js';
export { readFlag, isFalseFlag } from './flags.js';
export { defineConfig } from './define.js';
export { parseLandConfig } from './config-issues.js';
export { landConfigSchema } from './schema.js';
export { loadConfig, CONFIG_FILE_NAMES, type LoadConfigOptions } from './load.js';
export { resolveConfig, DEFAULTS } from './resolve.js';
export { orderTiers } from './order.js';
export { readEnvFile, parseEnvText } from './envfile.js';
export { listProfiles, readProfile, type Profile } from './profiles.js';
export { resolvePlan, type ResolvePlanOptions } from './plan.js';
export { hydrateChildEnv, ALWAYS_INHERITED, RENAMED_KEYS, type InjectedEnv } from './hydrate.js';
export { displayPath } from './display-path.js';
