/**
 * What is wrong with a config, in words: the key path as written, what was expected and what was given (without
 * anything that may be a secret), with a suggestion for a misspelt key. The schema itself is in schema.ts.
 */
import { types } from 'node:util';
import * as z from 'zod/mini';
import { InputError } from '../errors.js';
import { redactText } from './redact.js';
import { daemonDependencyIssues } from './cross-tier.js';
import { landConfigSchema } from './schema.js';
import { HIDDEN, looksSecret } from './secrets.js';
import type { LandConfig } from './types.js';

/** A key path as written in the config: `tiers.cocoon.ready.tcp`, `command[1]`, `env["A-B"]`. */
export function formatKeyPath(keys: readonly PropertyKey[]): string {
  let text = '';
  for (const key of keys) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** What a person gave, short enough for one line, with anything that may be a secret left out. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return types.isAsyncFunction(value) ? 'an async function' : 'a function';
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'string') {
    if (looksSecret(value)) return HIDDEN;
    const shown = redactText(value);
    return JSON.stringify(shown.length > 60 ? `${shown.slice(0, 57)}...` : shown);
  }
  if (typeof value !== 'object' || value === null) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value, (key, inner: unknown) =>
      looksSecret(key) || (typeof inner === 'string' && looksSecret(inner)) ? '(hidden)' : inner,
    );
  } catch {
    text = Array.isArray(value) ? 'an array' : 'an object';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(root: unknown, keys: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of keys) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** The keys a strict object accepts at a key path of the config schema (for "unknown key" messages). */
function allowedKeysAt(keys: readonly PropertyKey[]): string[] {
  // Walks zod's public definition objects: object → shape, record → valueType, optional → innerType, lazy → what
  // its getter builds (schema.ts's lazyOptional).
  let schema: z.core.$ZodType | undefined = landConfigSchema;
  // A union (watch: a glob or an object) is read as its object option.
  const unwrap = (s: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    const def = s?._zod.def;
    if (def?.type === 'optional') return unwrap((def as z.core.$ZodOptionalDef).innerType);
    if (def?.type === 'lazy') return unwrap((s as z.core.$ZodLazy)._zod.innerType);
    if (def?.type === 'union') return (def as z.core.$ZodUnionDef).options.find((option) => option._zod.def.type === 'object') ?? s;
    return s;
  };
  for (const key of keys) {
    schema = unwrap(schema);
    const def = schema?._zod.def;
    if (def?.type === 'object') schema = (def as z.core.$ZodObjectDef).shape[String(key)];
    else if (def?.type === 'record') schema = (def as z.core.$ZodRecordDef).valueType;
    else return [];
  }
  const def = unwrap(schema)?._zod.def;
  return def?.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
}

/** Edit distance, to suggest `command` for `comand`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

function unknownKeyMessage(unknown: string[], allowed: string[]): string {
  const names = unknown.map((key) => JSON.stringify(key)).join(', ');
  const head = `unknown key${unknown.length > 1 ? 's' : ''} ${names}`;
  if (unknown.length === 1 && allowed.length > 0) {
    const guess = allowed.find((key) => distance(unknown[0]!, key) <= 2);
    if (guess !== undefined) return `${head}: did you mean "${guess}"?`;
  }
  return allowed.length > 0 ? `${head}: expected one of ${allowed.join(', ')}` : head;
}

/** One problem of a config: the key path as written (empty for the whole file) and what was wrong with it. */
export interface ConfigIssue {
  key: string;
  message: string;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): ConfigIssue {
  const key = formatKeyPath(issue.path);
  if (issue.code === 'unrecognized_keys') return { key, message: unknownKeyMessage(issue.keys, allowedKeysAt(issue.path)) };
  const given = issue.code === 'custom' && typeof issue.params?.got === 'string' ? issue.params.got : undefined;
  const underSecretKey = issue.path.some((key) => typeof key === 'string' && looksSecret(key));
  const shown = underSecretKey ? HIDDEN : (given ?? describeValue(valueAt(input, issue.path)));
  return { key, message: `${issue.message}, got ${shown}` };
}

/**
 * A PM2 ecosystem file given as the config (`land check -c ecosystem.config.js`): its `apps` is no misspelt `app`,
 * and the rest is not worth listing: one problem that says what converts it.
 */
function peerFileIssue(input: unknown, fileLabel: string): ConfigIssue | undefined {
  if (typeof input !== 'object' || input === null || !Array.isArray((input as { apps?: unknown }).apps) || 'tiers' in input) return undefined;
  return { key: 'apps', message: `a PM2 ecosystem file, not a land config: \`land init --from ${fileLabel}\` converts it to land.config.ts` };
}

export const issueText = ({ key, message }: ConfigIssue) => (key === '' ? message : `${key}: ${message}`);

/**
 * Every problem of what a config file exported (none for a valid config). An unknown key usually explains a missing
 * one (`tier` for `tiers`), so those come first.
 */
export function configIssues(input: unknown, fileLabel = '<file>'): ConfigIssue[] {
  const peer = peerFileIssue(input, fileLabel);
  if (peer) return [peer];
  const { found } = validate(input);
  return found.length === 0 ? [] : sortedIssues(found, input);
}

/**
 * What of a config with problems still checks (`land check`'s further checks): the tiers without a problem of their
 * own, each one's dependencies on the others kept, and the top-level keys without one. Undefined when that is not a
 * valid config either (a problem across tiers, no tier left), or when nothing was left out.
 */
export function validPart(input: unknown): LandConfig | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const { found } = validate(input);
  const record = input as Record<string, unknown>;
  const badKeys = new Set<PropertyKey | undefined>(found.flatMap((issue) => (issue.code === 'unrecognized_keys' && issue.path.length === 0 ? issue.keys : [issue.path[0]])));
  const badTiers = new Set(found.filter((issue) => issue.path[0] === 'tiers').map((issue) => issue.path[1]));
  if (found.length === 0 || badTiers.has(undefined) || typeof record.tiers !== 'object' || record.tiers === null) return undefined;
  const good = Object.entries(record.tiers as Record<string, Record<string, unknown>>).filter(([name]) => !badTiers.has(name));
  if (good.length === 0) return undefined;
  const kept = new Set(good.map(([name]) => name));
  const keepDeps = (tier: Record<string, unknown>) =>
    tier.dependsOn === undefined ? tier : { ...tier, dependsOn: Object.fromEntries(Object.entries(tier.dependsOn as object).filter(([name]) => kept.has(name))) };
  const part = Object.fromEntries(Object.entries(record).filter(([key]) => key === 'tiers' || !badKeys.has(key)));
  part.tiers = Object.fromEntries(good.map(([name, tier]) => [name, keepDeps(tier)]));
  const checked = validate(part);
  if (!checked.result.success || checked.found.length > 0) return undefined;
  return checked.result.data as LandConfig;
}

/** The schema's parse, with its issues and those checked across tiers apart from it (schema.ts says why). */
function validate(input: unknown) {
  const result = landConfigSchema.safeParse(input);
  return { result, found: [...(result.success ? [] : result.error.issues), ...daemonDependencyIssues(input)] };
}

function sortedIssues(found: readonly z.core.$ZodIssue[], input: unknown): ConfigIssue[] {
  const issues = [...found].sort(
    (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
  );
  return issues.map((issue) => describeIssue(issue, input));
}

/**
 * Validates what a config file exported. Throws an InputError naming the file, the key and the expectation (the
 * first problem, with a count of the others: `land check` lists them all).
 */
export function parseLandConfig(input: unknown, fileLabel: string): LandConfig {
  const peer = peerFileIssue(input, fileLabel);
  if (peer) throw new InputError(`${fileLabel}: ${issueText(peer)}`);
  const { result, found } = validate(input);
  // The schema checks everything LandConfig says (and more); its inferred type is only looser in spelling.
  if (result.success && found.length === 0) return result.data as LandConfig;
  const [first, ...rest] = sortedIssues(found, input);
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})`;
  throw new InputError(`${fileLabel}: ${issueText(first!)}${more}`);
}
