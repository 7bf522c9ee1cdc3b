/**
 * What a completion script completes, read from the program itself (every command registered, as `land --help`
 * builds it): each visible command's name, its options, and whether its arguments are tier names. So the script
 * never falls behind a command or an option.
 */
import { Command } from 'commander';
import { COMMANDS } from '../commands/index.js';

export interface CompletedCommand {
  name: string;
  description: string;
  /** Every flag, long and short (`--profile`, `-p`), and `--help`. */
  flags: string[];
  /** Its first argument names tiers (`<tier>`, `[tiers...]`): completed from the running stack. */
  tiers: boolean;
}

export function completedCommands(): CompletedCommand[] {
  const program = new Command('land').enablePositionalOptions();
  // Registered only to be read: no action runs.
  for (const register of COMMANDS.values()) register(program, () => undefined);
  return program.commands
    // land's own hidden commands are named `__…` (commander keeps `hidden` private).
    .filter((command) => !command.name().startsWith('__'))
    .map((command) => ({
      name: command.name(),
      description: command.description(),
      flags: [...command.options.filter((option) => !option.hidden).flatMap((option) => [option.long, option.short].filter((flag): flag is string => flag !== undefined)), '--help'],
      tiers: /^tier/.test(command.registeredArguments[0]?.name() ?? ''),
    }));
}
