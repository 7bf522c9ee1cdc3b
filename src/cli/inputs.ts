/** Reading what a command needs before it starts anything: config, profile, plan, preflight. */
import { loadConfig } from '../config/load.js';
import { resolvePlan } from '../config/plan.js';
import type { StackFile } from '../config/locate.js';
import type { BootPlan, ResolvedConfig } from '../config/types.js';
import { preflight, type PreflightChecks } from '../supervisor/preflight.js';

export interface InputOptions {
  config?: string;
  procfile?: string;
  profile?: string;
  /** foreman's `-m web=2,worker=1`, for a Procfile stack. */
  formation?: string;
}

/** `stack`: the stack file when the caller located it already. */
export async function readConfig(options: InputOptions, stack?: StackFile): Promise<ResolvedConfig> {
  return loadConfig({ configPath: options.config, procfile: options.procfile, cwd: process.cwd(), formation: options.formation, stack });
}

/**
 * Config + profile → plan; every tier that would start is checked (command found, cwd present). `shellEnv`: land's
 * environment (`land apply` reads the config again with the one its boot read it with). `checks`: what the
 * preflight may leave out (`land export` does not look for the commands here).
 */
export async function readPlan(
  options: InputOptions,
  only?: string[],
  stack?: StackFile,
  shellEnv: Record<string, string | undefined> = process.env,
  checks?: PreflightChecks,
): Promise<BootPlan> {
  const config = await readConfig(options, stack);
  const plan = resolvePlan(config, { profile: options.profile, shellEnv });
  preflight(plan, only, checks);
  return plan;
}
