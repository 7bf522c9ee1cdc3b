/**
 * commander's errors as land says them: one line, naming the command the flag was given to, and for the flags people
 * try for a version or more output (`-v`, `-V`, `--version`, `--verbose`) what land has instead. `-v`/`--version` is
 * land's own option (before any command: `land -v`); land has no verbose flag.
 */
import type { Command } from 'commander';

const VERSION_FLAGS = new Set(['-v', '--version', '-V']);

/** What to say after `unknown option '<flag>'` (without the parentheses), if anything. */
function hintFor(flag: string, command: string | undefined): string | undefined {
  if (flag === '--verbose') return 'land has no verbose flag';
  if (!VERSION_FLAGS.has(flag)) return undefined;
  const version = `\`land ${flag === '--version' ? '--version' : '-v'}\` prints land's version`;
  return command !== undefined && flag === '-v' ? `land has no verbose flag; ${version}` : version;
}

/** commander's message on one line: `land: up: unknown option '--profil' (did you mean --profile?)`. */
export function oneLineCommanderError(text: string, command?: string): string {
  const line = text
    .replace(/^error: /, `land: ${command === undefined ? '' : `${command}: `}`)
    .replace(/\s*\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .trimEnd();
  const flag = /unknown option '([^']+)'$/.exec(line)?.[1];
  const hint = flag === undefined ? undefined : hintFor(flag, command);
  return `${hint === undefined ? line : `${line} (${hint})`}\n`;
}

/** Each command (and its own commands) says its errors with its name. */
export function nameCommandErrors(program: Command): void {
  const walk = (command: Command, path: string[]) => {
    for (const sub of command.commands) {
      const name = [...path, sub.name()];
      sub.configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text, name.join(' '))) });
      walk(sub, name);
    }
  };
  walk(program, []);
}
