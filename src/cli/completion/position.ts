/**
 * Where on a command line the word being completed is: an option's value (`-c <file>`, `--profile <name>`), the
 * n-th argument (`land scale <tier> <count>`), or after `--`; and which stack a `-c`/`--procfile` already on the
 * line names, whose tiers and profiles are then the ones completed.
 */
import type { CompletedCommand, Completes } from './commands.js';

export interface Position {
  /** What completes the word; `flags` for a word that starts with `-` where an option may come. */
  completes: Completes | 'flags';
  /** The stack the line names (`-c`, `--procfile`), for the names: none given, the one found from here. */
  stack: { config?: string; procfile?: string };
}

/**
 * `typed`: the words after the command's name, as the shell split them, the last one being completed (maybe empty).
 * bash splits `--config=x` into `--config`, `=`, `x`; a word `--config=x` counts the same.
 */
export function positionOf(command: CompletedCommand, typed: readonly string[]): Position {
  const stack: Position['stack'] = {};
  const given = (flag: string, value: string) => {
    const which = command.stackFlags[flag];
    if (which !== undefined) stack[which] = value;
  };
  let positional = 0;
  let pending: string | undefined;
  let operands = false;
  for (const word of typed.slice(0, -1)) {
    if (pending !== undefined) {
      if (word === '=') continue;
      given(pending, word);
      pending = undefined;
    } else if (!operands && word === '--') {
      operands = true;
    } else if (!operands && word.startsWith('-') && word !== '-') {
      const equals = word.indexOf('=');
      const flag = equals > 0 ? word.slice(0, equals) : word;
      if (command.values[flag] === undefined) continue;
      if (equals > 0) given(flag, word.slice(equals + 1));
      else pending = flag;
    } else {
      positional += 1;
    }
  }
  if (pending !== undefined) return { completes: command.values[pending]!, stack };
  const current = typed.at(-1) ?? '';
  if (!operands && current.startsWith('-')) return { completes: 'flags', stack };
  const index = command.variadic ? Math.min(positional, command.args.length - 1) : positional;
  return { completes: command.args[index] ?? 'none', stack };
}
