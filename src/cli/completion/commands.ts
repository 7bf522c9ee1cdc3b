/**
 * What a completion script completes, read from the program itself (every command registered, as `land --help`
 * builds it): each visible command's name, its options, what completes each of its arguments and each option's
 * value. So the script never falls behind a command, an option or an argument.
 */
import { Command, type Argument, type Option } from 'commander';
import { COMMANDS } from '../commands/index.js';

/** The shells `land completion` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'];

/**
 * Tier names, by where they come from: the running stack's instances and its tiers with replicas (`running`), its
 * instances only (`instances`: one process, `web.2`, never a whole tier), its tiers with replicas only (`groups`),
 * or the config's tiers (`declared`: a stack not running yet).
 */
export type NameKind = 'running' | 'instances' | 'groups' | 'declared';

/** What completes a word: tier names, the config's profiles, files, folders, fixed words, or nothing. */
export type Completes = NameKind | 'profiles' | 'files' | 'dirs' | 'none' | readonly string[];

export interface CompletedCommand {
  name: string;
  description: string;
  /** Every flag, long and short (`--profile`, `-p`), and `--help`. */
  flags: string[];
  /** What completes each positional argument in turn; the last one repeats when `variadic`. */
  args: Completes[];
  variadic: boolean;
  /** What completes the value of each option that takes one, by each of its flags (`-c` and `--config`). */
  values: Record<string, Completes>;
  /** The flags that name the stack (`-c/--config`, `--procfile`): a completion reads that stack's names. */
  stackFlags: Record<string, 'config' | 'procfile'>;
}

/** The commands whose tier argument takes other names than every running one and tier with replicas. */
const TIER_NAMES: Readonly<Record<string, NameKind>> = {
  // A stack not running yet: the config's tiers.
  up: 'declared',
  startup: 'declared',
  // `land scale web 3`: a tier that declares replicas.
  scale: 'groups',
  // One process: a replica, never a whole tier with replicas.
  attach: 'instances',
  send: 'instances',
};

/** Options whose value is a tier of the config (`land run --tier`, `land up --exit-with`, `land trace --tier`). */
const TIER_OPTIONS = new Set(['--tier', '--exit-with']);

/** What completes the argument at `index`: tier names for the first one named `tier…`, its choices, or nothing. */
function argumentCompletes(command: string, argument: Argument, index: number): Completes {
  const name = argument.name();
  if (index === 0 && name.startsWith('tier')) return TIER_NAMES[command] ?? 'running';
  if (command === 'completion' && name === 'shell') return COMPLETION_SHELLS;
  if (argument.argChoices) return argument.argChoices;
  // `land run -- <command>`: a program and its arguments, often files.
  return command === 'run' ? 'files' : 'none';
}

function valueCompletes(option: Option): Completes {
  if (option.long === '--profile') return 'profiles';
  if (option.long !== undefined && TIER_OPTIONS.has(option.long)) return 'declared';
  if (option.argChoices) return option.argChoices;
  if (option.flags.includes('<file>')) return 'files';
  return option.flags.includes('<dir>') ? 'dirs' : 'none';
}

const flagsOf = (option: Option): string[] => [option.long, option.short].filter((flag): flag is string => flag !== undefined);

function completed(command: Command): CompletedCommand {
  const takesValue = command.options.filter((option) => option.required || option.optional);
  const stackFlags: Record<string, 'config' | 'procfile'> = {};
  for (const option of command.options) {
    const name = option.attributeName();
    // `land init --procfile` names a file to convert, not the stack.
    if ((name === 'config' || name === 'procfile') && command.name() !== 'init') for (const flag of flagsOf(option)) stackFlags[flag] = name;
  }
  const args = command.registeredArguments;
  return {
    name: command.name(),
    description: command.description(),
    flags: [...command.options.filter((option) => !option.hidden).flatMap(flagsOf), '--help'],
    args: args.map((argument, index) => argumentCompletes(command.name(), argument, index)),
    variadic: args.at(-1)?.variadic ?? false,
    values: Object.fromEntries(takesValue.flatMap((option) => flagsOf(option).map((flag) => [flag, valueCompletes(option)]))),
    stackFlags,
  };
}

export function completedCommands(): CompletedCommand[] {
  const program = new Command('land').enablePositionalOptions();
  // Registered only to be read: no action runs.
  for (const register of COMMANDS.values()) register(program, () => undefined);
  return (
    program.commands
      // land's own hidden commands are named `__…` (commander keeps `hidden` private).
      .filter((command) => !command.name().startsWith('__'))
      .map(completed)
  );
}
