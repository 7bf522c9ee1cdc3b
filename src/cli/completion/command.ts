/**
 * `land completion [bash|zsh|fish]` prints the script. What the script runs at a Tab on an argument or an option's
 * value: `--complete -- <command> <words…>` prints the words that fit there, one a line (`:files` or `:dirs`: the
 * shell's own file names); `--names` (what scripts before it ran) the running stack's tiers.
 */
import { basename } from 'node:path';
import { requestJsonWithin } from '../../control/client.js';
import { InputError } from '../../errors.js';
import type { StackSnapshot } from '../../supervisor/types.js';
import { findTarget, type TargetOptions } from '../control-target.js';
import { completedCommands, COMPLETION_SHELLS, type Completes, type NameKind } from './commands.js';
import { positionOf, type Position } from './position.js';
import { bashScript, fishScript, zshScript } from './scripts.js';

/** A completion waits on this at each Tab: an answer later than this is no use. */
const NAMES_WITHIN_MS = 1000;
/** Reading the config for its tiers or profiles (a TypeScript one is compiled once, then cached). */
const CONFIG_WITHIN_MS = 3000;

export interface CompletionOptions extends TargetOptions {
  names?: boolean;
  complete?: boolean;
}

/** `operands`: every word after the command's options (with `--complete`: the command line being completed). */
export async function completionCommand(shell: string | undefined, options: CompletionOptions, operands: readonly string[] = []): Promise<number> {
  if (options.names) return print(() => runningNames('running', options));
  if (options.complete) return print(() => completions(operands));
  // Excess operands are taken for `--complete` only.
  if (operands.length > 1) throw new InputError(`completion: expected one shell (bash, zsh or fish), got ${operands.length} arguments`);
  const chosen = shell ?? (COMPLETION_SHELLS.includes(basename(process.env.SHELL ?? '')) ? basename(process.env.SHELL!) : 'bash');
  if (!COMPLETION_SHELLS.includes(chosen)) throw new InputError(`completion: expected bash, zsh or fish, got "${chosen}"`);
  const commands = completedCommands();
  process.stdout.write(chosen === 'fish' ? fishScript(commands) : chosen === 'zsh' ? zshScript(commands) : bashScript(commands));
  return 0;
}

/** One a line; nothing at all when they cannot be had (no stack, no config): nothing said in the middle of a command line. */
async function print(words: () => Promise<readonly string[]>): Promise<number> {
  try {
    process.stdout.write((await words()).map((word) => `${word}\n`).join(''));
  } catch {
    // Nothing to complete.
  }
  return 0;
}

/** `[command, ...words]`, the last word being completed. */
async function completions([name, ...typed]: readonly string[]): Promise<readonly string[]> {
  const command = completedCommands().find((one) => one.name === name);
  if (command === undefined || typed.length === 0) return [];
  const { completes, stack } = positionOf(command, typed);
  return completes === 'flags' ? [] : wordsFor(completes, stack);
}

async function wordsFor(completes: Completes, stack: Position['stack']): Promise<readonly string[]> {
  if (typeof completes !== 'string') return completes;
  if (completes === 'files' || completes === 'dirs') return [`:${completes}`];
  if (completes === 'profiles' || completes === 'declared') {
    const config = await configOf(stack);
    if (completes === 'declared') return config.tiers.map((tier) => tier.name);
    return (await import('../../config/profiles.js')).listProfiles(config);
  }
  return completes === 'none' ? [] : runningNames(completes, stack);
}

async function configOf(stack: Position['stack']) {
  const { loadConfig } = await import('../../config/load.js');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('the config took too long')), CONFIG_WITHIN_MS)));
  try {
    return await Promise.race([loadConfig({ configPath: stack.config, procfile: stack.procfile }), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The running stack's names of a kind (commands.ts NameKind); none runs: an error, so nothing is printed. */
async function runningNames(kind: Exclude<NameKind, 'declared'>, stack: TargetOptions): Promise<string[]> {
  const snapshot = await requestJsonWithin<StackSnapshot>(findTarget(stack).socket, '/status', NAMES_WITHIN_MS);
  const names = snapshot.tiers.flatMap((tier) => {
    if (kind === 'groups') return tier.group === undefined ? [] : [tier.group];
    return tier.group === undefined || kind === 'instances' ? [tier.name] : [tier.group, tier.name];
  });
  return [...new Set(names)];
}
