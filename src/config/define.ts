import type { LandConfig } from './types.js';

/**
 * Declares a stack in `land.config.ts`. It returns its argument unchanged: its only job is to give the config
 * object its type, so an editor checks keys and values while the user writes them.
 */
export function defineConfig(config: LandConfig): LandConfig {
  return config;
}
