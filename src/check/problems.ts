/** A problem `land check` found, located as precisely as its source allows (editors jump to file:line). */
import { displayPath } from '../config/display-path.js';
import { InputError, oneLine } from '../errors.js';

export interface Problem {
  /** As a person reads it: relative to the current folder when shorter. */
  file: string;
  line?: number;
  /** With `line`, where a parser put it (a JavaScript config's syntax error). */
  column?: number;
  /** The key path in the config (`tiers.api.ready.tcp`). */
  key?: string;
  message: string;
}

export function problemText(problem: Problem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}${problem.column === undefined ? '' : `:${problem.column}`}`;
  return [where, problem.key, problem.message].filter((part) => part !== undefined && part !== '').join(': ');
}

/** An InputError of a loader as a problem of `file` (its message already starts with the file's label). */
export function fromError(error: unknown, file: string): Problem {
  if (!(error instanceof InputError)) return { file: displayPath(file), message: `unexpected failure: ${oneLine(error)}` };
  const label = displayPath(file);
  const text = oneLine(error);
  const at = /^(.+?):(\d+):(\d+): (.*)$/.exec(text);
  if (at && at[1] === label) return { file: label, line: Number(at[2]), column: Number(at[3]), message: at[4]! };
  const located = /^(.+?):(\d+): (.*)$/.exec(text);
  // A plan's problem may sit in an env file or profile (`.env.Land.PostHog:3: Pipe: …`): listed under that file.
  if (located && (located[1] === label || !/[\s:]/.test(located[1]!))) return { file: located[1]!, line: Number(located[2]), message: located[3]! };
  const rest = text.startsWith(`${label}: `) ? text.slice(label.length + 2) : text;
  const keyed = /^(tiers\.[\w$.[\]"-]+): (.*)$/.exec(rest);
  return keyed ? { file: label, key: keyed[1]!, message: keyed[2]! } : { file: label, message: rest };
}

/** The same problem seen twice (a missing command under every profile) is listed once. */
export function unique(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const text = problemText(problem);
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}
