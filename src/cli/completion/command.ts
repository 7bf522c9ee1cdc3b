/** `land completion [bash|zsh|fish]` prints the script; `--names` (what the script runs) the running stack's tiers. */
import { basename } from 'node:path';
import { requestJsonWithin } from '../../control/client.js';
import { InputError } from '../../errors.js';
import type { StackSnapshot } from '../../supervisor/types.js';
import { findTarget, type TargetOptions } from '../control-target.js';
import { completedCommands } from './commands.js';
import { bashScript, COMPLETION_SHELLS, fishScript, zshScript } from './scripts.js';

/** A completion waits on this at each Tab: an answer later than this is no use. */
const NAMES_WITHIN_MS = 1000;

export async function completionCommand(shell: string | undefined, options: TargetOptions & { names?: boolean }): Promise<number> {
  if (options.names) return printNames(options);
  const chosen = shell ?? (COMPLETION_SHELLS.includes(basename(process.env.SHELL ?? '')) ? basename(process.env.SHELL!) : 'bash');
  if (!COMPLETION_SHELLS.includes(chosen)) throw new InputError(`completion: expected bash, zsh or fish, got "${chosen}"`);
  const commands = completedCommands();
  process.stdout.write(chosen === 'fish' ? fishScript(commands) : chosen === 'zsh' ? zshScript(commands) : bashScript(commands));
  return 0;
}

/** Each tier of the running stack (a tier with replicas: its name and each replica's), one a line; none runs: nothing. */
async function printNames(options: TargetOptions): Promise<number> {
  try {
    const snapshot = await requestJsonWithin<StackSnapshot>(findTarget(options).socket, '/status', NAMES_WITHIN_MS);
    const names = new Set(snapshot.tiers.flatMap((tier) => (tier.group === undefined ? [tier.name] : [tier.group, tier.name])));
    process.stdout.write([...names].map((name) => `${name}\n`).join(''));
  } catch {
    // No stack here (or no config to find one by): nothing to complete, and nothing said in the middle of a command line.
  }
  return 0;
}
