import { MAX_TIER_NAME } from '../config/limits.js';
import { isReservedTierName, RESERVED_TIER_NAMES } from '../config/reserved.js';
import { tierNameProblem } from '../config/tier-name.js';

/**
 * What `land init` writes, before it is text: the tiers it could map, and a note for everything it could not (each
 * note becomes a comment above its tier, or at the top of the file), so nothing of the old file is dropped silently.
 */
export interface DraftTier {
  name: string;
  /** Said as `//` comments above the tier. */
  notes: string[];
  /** The tier's config object, as land.config.ts will hold it. */
  config: Record<string, unknown>;
  /** Why it does not start with the stack (`disabled: true`): said on the terminal too, not only in a comment. */
  startsOff?: string;
}

export interface DraftConfig {
  /** The file it came from, as the header names it. */
  source: string;
  /** File-level notes (top-level keys that had no place, what land does differently). */
  notes: string[];
  app?: string;
  envFiles: string[];
  /** Written as `defaultProfile` (pm2's env_<name> import writes profiles, and then a default one). */
  defaultProfile?: string;
  tiers: DraftTier[];
  /** Lines init says on stderr (a cwd that is no folder here), beside the notes in comments. */
  warnings?: string[];
  /** Files to write beside the config (relative path → text): never over one that exists (init.ts). */
  files?: Record<string, string>;
}

/** A tier name land accepts: letters, digits, - and _, starting with a letter or digit, and not one of land's own. */
export function tierNameFor(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+/, '').slice(0, MAX_TIER_NAME);
  if (cleaned === '') return 'process';
  return isReservedTierName(cleaned) ? `${cleaned}-app` : cleaned;
}

/** Unique land tier names (`tierNameFor`, then -2, -3… for a name another process already took), in file order. */
export function tierNames(names: Iterable<string>): Map<string, string> {
  const tiers = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    let candidate = tierNameFor(name);
    for (let n = 2; used.has(candidate); n++) candidate = `${tierNameFor(name).slice(0, MAX_TIER_NAME - String(n).length - 1)}-${n}`;
    used.add(candidate);
    tiers.set(name, candidate);
  }
  return tiers;
}

/** Why a process became `tierName` (tierNameFor's cleaning, `tierNames`' de-duplication, or both), for its note. */
export function renameReason(name: string, where: string, tierName = tierNameFor(name)): string {
  const base = tierNameFor(name);
  const why: string[] = [];
  if (base !== name) {
    const problem = tierNameProblem(name);
    const long = problem === 'long' ? `, at most ${MAX_TIER_NAME} characters` : '';
    why.push(problem === 'reserved' ? `${RESERVED_TIER_NAMES.join(', ')} are land's own names` : `tier names are letters, digits, - and _${long}`);
  }
  if (tierName !== base) why.push(`another process's tier is already named ${base}`);
  return `"${name}" in ${where} (renamed: ${why.join('; ')})`;
}

/** Words the shell itself runs (no program of that name does the same): a line starting with one needs a shell. */
const SHELL_BUILTINS = new Set(['cd', 'exec', 'export', 'source', '.', 'eval', 'set', 'unset', 'ulimit', 'umask', 'trap', 'wait', 'alias', 'shift', 'exit', 'read', 'readonly', 'local']);

/**
 * A shell line as an argv when /bin/sh would run it as exactly those words (`node server.js --port 8080`), so the
 * config needs no shell; otherwise undefined, and it keeps running through /bin/sh -c: a newline (`command: |` of
 * several lines), `;`, `&&`, `||`, a pipe, a redirection, `$VAR` or `$(…)`, quotes, globs, any space but a blank
 * (sh does not split on a no-break space), a leading `VAR=value` (an assignment, not a program) or a builtin
 * (`cd`, `exec`, …).
 */
export function plainArgv(command: string): string[] | undefined {
  const words = command.replace(/^[ \t]+|[ \t]+$/g, '').split(/[ \t]+/);
  if (words[0] === '' || SHELL_BUILTINS.has(words[0]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) return undefined;
  return words.every((word) => /^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) ? words : undefined;
}

/** `command` (and `shell: true` when it needs one) for a command line. */
export function commandFields(command: string): Record<string, unknown> {
  const argv = plainArgv(command);
  return argv ? { command: argv } : { command: command.trim(), shell: true };
}

/** Source text written as is (a function, for example), not as a literal. */
export class Code {
  constructor(readonly text: string) {}
}
