/** The `land` command line: parses arguments (commander) and hands each command to its module. */
import { Command, CommanderError } from 'commander';
import { InputError, oneLine } from '../errors.js';
import { sendFatal } from './background-channel.js';
import { stdoutVerdict, watchStdout } from './stdout-failure.js';
import { nameCommandErrors, oneLineCommanderError } from './commander-errors.js';
import { libraryVersion } from '../telemetry/version.js';
import { COMMANDS } from './commands/index.js';
import type { Register, Run } from './commands/options.js';

// Clients of the running stack (src/control/exit-codes.ts).
const EXIT_CODES =
  '\nExit codes of status, spawn, start, stop, restart, scale, logs, attach, send, down, watch, dashboard: 0 done,\n' +
  '1 unexpected failure, 2 bad input or unknown tier, 3 no stack running here, 4 conflict (already running, not\n' +
  'running, gated off, shutting down, a tier not reading its stdin, or `land up` while a land already runs this\n' +
  'stack), 5 the stack did not answer within 5 s (stopped or hung), 6 a logs -f, attach or watch stream was cut off\n' +
  'before the stack stopped. `land up -d`: 8 the stack runs but is not up (a tier failed to start, or the wait ran\n' +
  'out); 129/130/143 the wait was interrupted.';

/**
 * The commands `argv` needs: the one it names first, none for the version alone, or every one (help, an unknown
 * command and commander's guess, nothing at all). Options before a command are land's own (only --version and
 * --help), so a command line that starts with a command's name never reaches the others, nor the version.
 */
function commandsFor(argv: string[]): { named?: Register; all: boolean } {
  const named = COMMANDS.get(argv[0] ?? '');
  return { named, all: !named && !(argv.length === 1 && (argv[0] === '-v' || argv[0] === '--version')) };
}

function buildProgram(argv: string[], run: Run): Command {
  const program = new Command('land')
    .description('Boot a stack of sidecars from a build profile, supervise it, and trace the whole boot.')
    .exitOverride()
    // Options before the command name are land's, after it the command's (`land run`'s passThroughOptions needs it).
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text)) })
    .hook('preAction', (_program, command) => watchStdout(command.name(), command.opts()));
  const { named, all } = commandsFor(argv);
  // Read from package.json: only where it can be asked for.
  if (!named) program.version(libraryVersion(), '-v, --version');
  for (const register of named ? [named] : all ? COMMANDS.values() : []) register(program, run);
  program.addHelpText('after', EXIT_CODES);
  nameCommandErrors(program);
  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram(argv, (action) => {
    pending = action();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!pending) {
      program.outputHelp();
      return 2;
    }
    return await stdoutVerdict(await pending);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    const details = error instanceof InputError ? error.details.map((detail) => `land: ${oneLine(detail)}\n`).join('') : '';
    const line = `land: ${oneLine(error)}\n`;
    process.stderr.write(line + details);
    sendFatal(line);
    return error instanceof InputError ? error.exitCode : 1;
  }
}
