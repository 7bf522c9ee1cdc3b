/**
 * foreman's Procfile: one `<type>: <command>` per line; blank lines and `#` comments are skipped. Every malformed
 * line is a problem naming `file:line` (foreman itself skips them silently, which hides a typo'd process type).
 */
import { RESERVED_RULE } from '../config/reserved.js';
import { tierNameProblem } from '../config/tier-name.js';
import { InputError } from '../errors.js';
import { MAX_TIER_NAME } from '../config/limits.js';

export interface ProcessType {
  /** The process type (`web`, `worker`): letters, digits, `_` and `-`, as foreman accepts. */
  name: string;
  /** Run through `/bin/sh -c`, as foreman does. */
  command: string;
  line: number;
}

export interface ProblemAt {
  line: number;
  message: string;
}

const ENTRY = /^([A-Za-z0-9_-]+):\s*(.*)$/;

const shorten = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);

/**
 * Every process type and every problem, in file order (`land check` lists them all). A type named like land itself
 * (`mountain`) is a problem for running it, not for `land init`, which renames it (`reserved: 'allow'`).
 */
export function readProcfileText(text: string, reserved: 'refuse' | 'allow' = 'refuse'): { types: ProcessType[]; problems: ProblemAt[] } {
  const types: ProcessType[] = [];
  const problems: ProblemAt[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ENTRY.exec(trimmed);
    if (match === null) {
      problems.push({ line, message: `expected <process type>: <command> (the type of letters, digits, _ and -), got ${shorten(trimmed)}` });
      return;
    }
    const [, name, command] = match as unknown as [string, string, string];
    // A first - or _ (the only other problem ENTRY lets through) is a process type foreman runs: so does land.
    const problem = reserved === 'refuse' ? tierNameProblem(name) : undefined;
    if (command.trim() === '') problems.push({ line, message: `expected a command after "${name}:"` });
    else if (types.some((type) => type.name === name)) problems.push({ line, message: `process type "${name}" is already defined above` });
    else if (problem === 'reserved') problems.push({ line, message: `expected a process type ${RESERVED_RULE}, got "${name}"` });
    else if (problem === 'long') {
      problems.push({ line, message: `expected a process type of at most ${MAX_TIER_NAME} characters (a tier name), got ${shorten(name)} (${name.length} characters)` });
    }
    else types.push({ name, command: command.trim(), line });
  });
  if (types.length === 0 && problems.length === 0) problems.push({ line: 1, message: 'expected at least one <process type>: <command> line' });
  return { types, problems };
}

/** The process types; the first problem is an InputError naming `label:line`. */
export function parseProcfile(text: string, label: string, reserved: 'refuse' | 'allow' = 'refuse'): ProcessType[] {
  const { types, problems } = readProcfileText(text, reserved);
  const [first] = problems;
  if (first) throw new InputError(`${label}:${first.line}: ${first.message}`);
  return types;
}
