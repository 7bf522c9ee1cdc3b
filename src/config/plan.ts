import { InputError, oneLine } from '../errors.js';
import { checkCollectorAddress } from './collector-address.js';
import { displayPath } from './display-path.js';
import { envFileSources, readEnvFile, readEnvFileLenient, type EnvFileKind, type ExpandFrom } from './envfile.js';
import { FLAG_SPELLINGS, isFalseFlag, isFlagSpelling } from './flags.js';
import { variableAt, type EnvSources } from './origin.js';
import { listProfiles, readProfile, type Profile } from './profiles.js';
import { registerSecretsOf } from './redact.js';
import { withTierEnvFiles } from './tier-env-files.js';
import { describeValue, formatKeyPath } from './config-issues.js';
import type { BootPlan, ResolvedConfig, ResolvedTier, TierPlan } from './types.js';

export interface ResolvePlanOptions {
  /** Default: the config's defaultProfile. */
  profile?: string;
  /** land's own environment (usually process.env). */
  shellEnv: Record<string, string | undefined>;
  /**
   * `land check`: the problems of the plan go here, all of them, instead of the first being thrown; and the env files
   * and profile are read without their malformed lines (check lists those from the files themselves).
   */
  problems?: InputError[];
}

/** Reads an env file (`secrets`: nothing of a bad line quoted) or a profile (`plain`). */
type EnvReader = (file: string, kind: EnvFileKind, from?: ExpandFrom) => Record<string, string>;

/** The env files in order, each one's `${VAR}` expanded from those before it and land's environment. */
function readEnvFiles(files: readonly string[], read: EnvReader, shell: Record<string, string>): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const source of envFileSources(files)) Object.assign(merged, read(source, 'secrets', { earlier: merged, shell }));
  return merged;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) result[key] = value;
  return result;
}

function callWhen(config: ResolvedConfig, tier: ResolvedTier, env: Record<string, string>): boolean {
  const where = () => `${displayPath(config.configFile)}: ${formatKeyPath(['tiers', tier.name, 'when'])}`;
  let result: unknown;
  try {
    result = tier.when!(Object.freeze({ ...env }));
  } catch (error) {
    throw new InputError(`${where()}: expected a predicate that returns, but it threw: ${oneLine(error)}`);
  }
  if (typeof result === 'boolean') return result;
  // Strictly a boolean: a Promise (an async predicate) or a string is truthy, and read as one it started the tier
  // whatever the predicate meant. The plan is decided synchronously, before anything starts, so it cannot wait.
  const promise = isThenable(result);
  if (promise) Promise.resolve(result).catch(() => undefined); // its rejection is this error's, not an unhandled one
  throw new InputError(`${where()}: expected a boolean; when cannot be async, got ${promise ? 'a Promise' : describeValue(result)}`);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A gate flag's value; a flag only in the shell (not named by any file) still counts: `Spawn=false land up`. */
function gateValue(flag: string, profileEnv: Record<string, string>, shellEnv: Record<string, string>): string | undefined {
  return profileEnv[flag] ?? shellEnv[flag];
}

/**
 * A gate flag is read strictly: a value that is neither a true nor a false spelling (`Spawn=flase`) would start a
 * tier the profile meant to gate off, so it is bad input naming where it was set.
 */
function checkGateFlags(plan: EnvSources, report: Report): void {
  const flags = new Set(plan.config.tiers.flatMap((tier) => tier.gate));
  for (const flag of flags) {
    const value = gateValue(flag, plan.profileEnv, plan.shellEnv);
    if (isFlagSpelling(value)) continue;
    const gated = plan.config.tiers.filter((tier) => tier.gate.includes(flag)).map((tier) => tier.name);
    report.problem(new InputError(`${variableAt(plan, flag)}: expected ${FLAG_SPELLINGS} (it gates ${gated.join(', ')}), got ${describeValue(value)}`));
  }
}

/** Where the plan's problems go: thrown (the first ends the plan), or with a `problems` list (`land check`) kept there. */
interface Report {
  problem(error: InputError): void;
  /** Runs a check; its InputError goes to problem(), and `fallback` stands for the check's answer if that returns. */
  check<T>(run: () => T, fallback: T): T;
}

function reporter(problems: InputError[] | undefined): Report {
  const problem = (error: InputError): void => {
    if (problems === undefined) throw error;
    problems.push(error);
  };
  return {
    problem,
    check: (run, fallback) => {
      try {
        return run();
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        problem(error);
        return fallback;
      }
    },
  };
}

/**
 * Why a tier does not start under this env, or undefined when it does. In order: a gate flag that is false
 * (`Spawn=false`, the value as written), a `when` predicate returning false (`when`), a dependency that is off
 * (`needs <dep>`).
 *
 * Decision: a dependency that is gated off disables its dependents whatever the condition (started, ready or
 * completed): each of them needs the dependency to run at all, so the dependent could only wait forever or fail.
 * Disabling it up front, with the reason, says what happened; it cascades because tiers come in dependency order.
 */
function gateReason(
  config: ResolvedConfig,
  tier: ResolvedTier,
  profileEnv: Record<string, string>,
  shellEnv: Record<string, string>,
  disabled: ReadonlySet<string>,
  report: Report,
): string | undefined {
  for (const flag of tier.gate) {
    const value = gateValue(flag, profileEnv, shellEnv);
    if (isFalseFlag(value)) return `${flag}=${value}`;
  }
  // A predicate that throws is a problem of its own; checked on, the tier counts as started.
  if (tier.when !== undefined && !report.check(() => callWhen(config, tier, profileEnv), true)) return 'when';
  const off = Object.keys(tier.dependsOn).find((dependency) => disabled.has(dependency));
  return off === undefined ? undefined : `needs ${off}`;
}

/**
 * A stack with no profiles at all (a Procfile, or a config that never needed them) boots with none when none is
 * asked for: no overlay, `LAND_PROFILE=default`. Naming a profile still requires it to exist.
 */
export const NO_PROFILE: Profile = Object.freeze({ name: 'default', file: '', env: {} });

function chooseProfile(config: ResolvedConfig, name: string | undefined, readEnv: EnvReader): Profile {
  const read = (file: string) => readEnv(file, 'plain');
  if (name !== undefined) return readProfile(config, name, undefined, read);
  if (listProfiles(config).length === 0) return NO_PROFILE;
  return readProfile(config, config.defaultProfile, defaultProfileWhy(config), read);
}

function defaultProfileWhy(config: ResolvedConfig): string {
  return config.defaultProfileSet ? "the config's defaultProfile" : 'the default profile when the config sets no defaultProfile';
}

/**
 * The profile a plain `land up` boots: `default` (no overlay) when there are no profiles; otherwise the config's
 * defaultProfile, with `problem` the line `land up` refuses with when no such profile exists.
 */
export function effectiveDefaultProfile(config: ResolvedConfig): { name: string; problem?: string } {
  if (listProfiles(config).length === 0) return { name: NO_PROFILE.name };
  try {
    // Read with an empty reader: only whether the name is known is asked here (its lines are checked per profile).
    readProfile(config, config.defaultProfile, defaultProfileWhy(config), () => ({}));
    return { name: config.defaultProfile };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { name: config.defaultProfile, problem: error.message };
  }
}

/** The env a boot's telemetry keys are read from: land's environment under the env files and the profile. */
export function telemetryEnvOf(plan: BootPlan): Record<string, string> {
  return { ...plan.shellEnv, ...plan.profileEnv };
}

/**
 * One boot's inputs: the profile, the layered env and which tiers start.
 *
 * profileEnv = the env files in order, then the profile file, then, for every key those files define, the shell's
 * exported value when it has one (the dotenv convention: an exported variable is never overwritten), so
 * `Spawn=true land up --profile debug-kernel` starts cocoon.
 */
export function resolvePlan(stackConfig: ResolvedConfig, options: ResolvePlanOptions): BootPlan {
  const shellEnv = definedOnly(options.shellEnv);
  const read: EnvReader = options.problems === undefined ? readEnvFile : (file, _kind, from) => readEnvFileLenient(file, from);
  const report = reporter(options.problems);
  const profile = chooseProfile(stackConfig, options.profile, read);
  registerSecretsOf(shellEnv);

  const profileEnv = { ...readEnvFiles(stackConfig.envFiles, read, shellEnv), ...profile.env };
  for (const key of Object.keys(profileEnv)) {
    const exported = shellEnv[key];
    if (exported !== undefined) profileEnv[key] = exported;
  }
  const config = withTierEnvFiles(stackConfig, profileEnv, shellEnv, read, report.check);

  checkGateFlags({ config, profileFile: profile.file, profileEnv, shellEnv }, report);
  registerSecretsOf(profileEnv);
  report.check(() => checkCollectorAddress({ config, profileFile: profile.file, profileEnv, shellEnv }), undefined);
  for (const tier of config.tiers) registerSecretsOf(tier.env);
  const disabled = new Set<string>();
  const tiers: TierPlan[] = config.tiers.map((tier) => {
    const gatedBy = gateReason(config, tier, profileEnv, shellEnv, disabled, report);
    if (gatedBy === undefined) return { name: tier.name, enabled: true };
    disabled.add(tier.name);
    return { name: tier.name, enabled: false, gatedBy };
  });

  return { config, profile: profile.name, profileFile: profile.file, profileEnv, shellEnv, tiers };
}
