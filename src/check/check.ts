/**
 * `land check`: everything `land up` would reject, for every profile at once, without starting anything: the
 * config (every schema problem, unknown dependencies, a cycle), the env files and profiles (every malformed line),
 * each profile's plan (gates, `when` predicates) and each tier it would start (cwd, command on PATH).
 */
import { existsSync, readFileSync } from 'node:fs';
import { appNameWarning } from '../config/app-name.js';
import { displayPath } from '../config/display-path.js';
import { encodingProblem, envTextProblems, type EnvFileKind } from '../config/envfile.js';
import { repeatedKeysIn, repeatMessage } from '../config/env-repeats.js';
import { importConfigWithin } from '../config/load.js';
import { locateStack, type StackFile } from '../config/locate.js';
import { dependencyProblems } from '../config/order.js';
import { resolvePlan } from '../config/plan.js';
import { listProfiles } from '../config/profiles.js';
import { resolveConfig } from '../config/resolve.js';
import { configIssues, parseLandConfig, validPart } from '../config/config-issues.js';
import type { LandConfig, ResolvedConfig } from '../config/types.js';
import { InputError } from '../errors.js';
import { readProcfileText } from '../procfile/parse.js';
import { loadProcfileStack } from '../procfile/stack.js';
import { preflight } from '../supervisor/preflight.js';
import { fromError, unique, type Problem } from './problems.js';

export interface CheckReport {
  stack?: StackFile;
  profiles: string[];
  envFiles: string[];
  problems: Problem[];
  /**
   * Not refused by `land up`: refused by another command (an `app` the engines cannot name: `land export`), or taken
   * with a word (a key set twice in one env file).
   */
  warnings: Problem[];
}

/** Every malformed line of an env-syntax file (`plain`: a profile, its lines quoted; an env file's are not). */
function envFileProblems(file: string, kind: EnvFileKind): Problem[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return [{ file: displayPath(file), message: `cannot read the file (${(error as { code?: string }).code ?? 'unreadable'})` }];
  }
  // Read as UTF-8, a file in another encoding would give a problem on every line: one problem says why.
  const encoding = encodingProblem(bytes);
  const problems = encoding ? [encoding] : envTextProblems(bytes.toString('utf8'), kind);
  return problems.map(({ line, message }) => ({ file: displayPath(file), line, message }));
}

/** A land config: import it, then every schema issue and every dependency problem; the plans of what validates. */
interface Loaded {
  config?: ResolvedConfig;
  /** Where the env files and profiles are, as far as a config with problems still says. */
  inputs?: Pick<ResolvedConfig, 'envFiles' | 'profilesDir' | 'defaultProfile'>;
  problems: Problem[];
}

/** The env files and profiles folder of a config that does not validate: its own where they are valid, else defaults. */
function inputsOf(exported: unknown, file: string): Loaded['inputs'] {
  const partial = (typeof exported === 'object' && exported !== null ? exported : {}) as Record<string, unknown>;
  const strings = (value: unknown) => Array.isArray(value) && value.every((item) => typeof item === 'string' && item !== '');
  const candidate = {
    envFiles: strings(partial.envFiles) ? partial.envFiles : undefined,
    profilesDir: typeof partial.profilesDir === 'string' && partial.profilesDir !== '' ? partial.profilesDir : undefined,
    tiers: { probe: { command: ['true'] } },
  } as LandConfig;
  const resolved = resolveConfig(candidate, file, displayPath(file));
  return { envFiles: resolved.envFiles, profilesDir: resolved.profilesDir, defaultProfile: resolved.defaultProfile };
}

async function configProblems(file: string): Promise<Loaded> {
  const label = displayPath(file);
  let exported: unknown;
  try {
    exported = await importConfigWithin(file, label);
  } catch (error) {
    return { problems: [fromError(error, file)], inputs: inputsOf(undefined, file) };
  }
  const issues = configIssues(exported, label);
  if (issues.length > 0) {
    const problems = issues.map((issue) => ({ file: label, key: issue.key, message: issue.message }));
    // The rest is still checked where it can be: dependencies among every tier named, and the valid part's plans.
    const part = validPart(exported);
    const named = tiersNamed(exported);
    const order = dependencyProblems(named, label).map((error) => fromError(error, file));
    if (!part) return { problems: [...problems, ...order], inputs: inputsOf(exported, file) };
    return { config: resolveConfig(part, file, label, false), problems: [...problems, ...order] };
  }
  const config: LandConfig = parseLandConfig(exported, label);
  const nodes = Object.entries(config.tiers).map(([name, tier]) => ({ name, dependsOn: tier.dependsOn ?? {} }));
  // Unknown dependencies and cycles are listed, and the tiers still checked (in declared order) for the rest.
  const order = dependencyProblems(nodes, label);
  return { config: resolveConfig(config, file, label, false), problems: order.map((error) => fromError(error, file)) };
}

/** Every tier a config that does not validate names, with the dependencies it names (for unknown ones and cycles). */
function tiersNamed(exported: unknown): { name: string; dependsOn: Record<string, unknown> }[] {
  const tiers = (exported as { tiers?: unknown } | undefined)?.tiers;
  if (typeof tiers !== 'object' || tiers === null || Array.isArray(tiers)) return [];
  return Object.entries(tiers as Record<string, unknown>).map(([name, tier]) => {
    const dependsOn = (tier as { dependsOn?: unknown } | undefined)?.dependsOn;
    return { name, dependsOn: typeof dependsOn === 'object' && dependsOn !== null && !Array.isArray(dependsOn) ? (dependsOn as Record<string, unknown>) : {} };
  });
}

function procfileProblems(file: string): Loaded {
  const label = displayPath(file);
  const { problems } = readProcfileText(readFileSync(file, 'utf8'));
  if (problems.length > 0) return { problems: problems.map(({ line, message }) => ({ file: label, line, message })) };
  try {
    return { config: loadProcfileStack(file), problems: [] };
  } catch (error) {
    return { problems: [fromError(error, file)] };
  }
}

/** One profile's plan, and every tier it would start. */
function planProblems(config: ResolvedConfig, profile: string | undefined): Problem[] {
  let plan;
  const found: InputError[] = [];
  try {
    plan = resolvePlan(config, { profile, shellEnv: process.env, problems: found });
  } catch (error) {
    return [...found, error].map((problem) => fromError(problem, config.configFile));
  }
  const problems: Problem[] = found.map((problem) => fromError(problem, config.configFile));
  for (const tier of plan.tiers.filter((candidate) => candidate.enabled)) {
    try {
      preflight(plan, [tier.name]);
    } catch (error) {
      problems.push(fromError(error, config.configFile));
    }
  }
  return problems;
}

/** The files the plan reads: each env file (or its .Sample) and each profile. */
function inputFiles(config: NonNullable<Loaded['inputs']>, profiles: readonly string[], tierFiles: readonly string[]): string[] {
  const envFiles = config.envFiles
    .map((file) => (existsSync(file) ? file : existsSync(`${file}.Sample`) ? `${file}.Sample` : undefined))
    .filter((file): file is string => file !== undefined);
  return [...new Set([...envFiles, ...tierFiles]), ...profiles.map((name) => `${config.profilesDir}/${name}.env`)];
}

/** An `app` (or the folder's name standing in for it) the engines cannot name: `land up` runs, `land export` refuses it. */
function configWarnings(config: ResolvedConfig): Problem[] {
  const message = appNameWarning(config);
  return message === undefined ? [] : [{ file: displayPath(config.configFile), key: 'app', message }];
}

/** A key an env file or profile sets twice: `land up` takes the last, and says so. */
function repeatWarnings(files: readonly string[]): Problem[] {
  return repeatedKeysIn(files).map((repeat) => ({ file: repeat.file, line: repeat.lines[0], key: repeat.key, message: repeatMessage(repeat) }));
}

export async function checkStack(options: { config?: string; procfile?: string; cwd?: string }): Promise<CheckReport> {
  let stack: StackFile;
  try {
    stack = locateStack(options, options.cwd);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return { profiles: [], envFiles: [], warnings: [], problems: [{ file: displayPath(options.cwd ?? process.cwd()) || '.', message: error.message }] };
  }
  const loaded = stack.kind === 'procfile' ? procfileProblems(stack.file) : await configProblems(stack.file);
  const { config } = loaded;
  const inputs = config ?? loaded.inputs;
  if (!inputs) return { stack, profiles: [], envFiles: [], problems: unique(loaded.problems), warnings: [] };

  const profiles = listProfiles(inputs);
  // A tier's own env files (tier-env-files.ts): a missing one is the plan's problem, listed below.
  const tierFiles = (config?.tiers ?? []).flatMap((tier) => tier.envFiles).filter((file) => existsSync(file));
  const files = inputFiles(inputs, profiles, tierFiles);
  const envFileCount = files.length - profiles.length;
  const fileProblems = files.flatMap((file, index) => envFileProblems(file, index < envFileCount ? 'secrets' : 'plain'));
  // undefined: the plan of a plain `land up` (the default profile, or none when there are no profiles). A plan reads
  // the files above without their malformed lines (listed already), so a bad value on a good line is found too.
  const names = profiles.includes(inputs.defaultProfile) ? profiles : [...profiles, undefined];
  const plans = config ? names.flatMap((name) => planProblems(config, name)) : [];
  return {
    stack,
    profiles,
    envFiles: files.slice(0, envFileCount).map(displayPath),
    problems: unique([...loaded.problems, ...fileProblems, ...plans]),
    warnings: [...(config ? configWarnings(config) : []), ...repeatWarnings(files)],
  };
}
