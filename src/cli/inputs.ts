/** Reading what a command needs before it starts anything: config, profile, plan, preflight. */
import { loadConfig } from '../config/load.js';
import { resolvePlan } from '../config/plan.js';
import type { BootPlan, ResolvedConfig } from '../config/types.js';
import { preflight } from '../supervisor/preflight.js';

export interface InputOptions {
  config?: string;
  profile?: string;
  /** foreman's `-m web=2,worker=1`, for a Procfile stack. */
  formation?: string;
}

export async function readConfig(options: InputOptions): Promise<ResolvedConfig> {
  return loadConfig({ configPath: options.config, cwd: process.cwd(), formation: options.formation });
}

/** Config + profile → plan; every tier that would start is checked (command found, cwd present). */
export async function readPlan(options: InputOptions, only?: string[]): Promise<BootPlan> {
  const config = await readConfig(options);
  const plan = resolvePlan(config, { profile: options.profile, shellEnv: process.env });
  preflight(plan, only);
  return plan;
}
