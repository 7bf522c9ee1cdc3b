/** The `land` command line: parses arguments (commander) and hands each command to its module. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { InputError, oneLine } from '../errors.js';
import { profilesCommand } from './profiles.js';
import { traceCommand } from './trace.js';
import { upCommand } from './up.js';

function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** commander's message on one line: `land: unknown option '--profil' (did you mean --profile?)`. */
function oneLineCommanderError(text: string): string {
  return `${text
    .replace(/^error: /, 'land: ')
    .replace(/\s*\n\(Did you mean (.*)\?\)/, ' (did you mean $1?)')
    .trimEnd()}\n`;
}

function buildProgram(run: (action: () => Promise<number>) => void): Command {
  const program = new Command('land')
    .description('Boot a stack of sidecars from a build profile, supervise it, and trace the whole boot.')
    .version(packageVersion(), '-v, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(oneLineCommanderError(text)) });
  const configOption = () => new Option('-c, --config <file>', 'config file (.ts, .mts, .js, .mjs)');
  const profileOption = () => new Option('-p, --profile <name>', 'profile from profiles/<name>.env');

  program
    .command('up')
    .description('boot the stack under a profile and supervise it until Ctrl-C')
    .addOption(configOption())
    .addOption(profileOption())
    .option('--no-tui', 'plain prefixed output even in a terminal')
    .action((options: { config?: string; profile?: string; tui: boolean }) => run(() => upCommand(options)));

  program
    .command('profiles')
    .description('each profile with the tiers it starts and the tiers it gates off')
    .addOption(configOption())
    .option('--json', 'machine-readable output')
    .action((options: { config?: string; json?: boolean }) => run(() => profilesCommand(options)));

  program
    .command('trace')
    .description("draw a recorded boot's trace as a tree (default: the latest boot)")
    .argument('[boot-id]', 'boot id (a folder under .land/telemetry/)')
    .addOption(configOption())
    .action((bootId: string | undefined, options: { config?: string }) => run(() => traceCommand(bootId, options)));

  return program;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> | undefined;
  const program = buildProgram((action) => {
    pending = action();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!pending) {
      program.outputHelp();
      return 2;
    }
    return await pending;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    if (error instanceof InputError) {
      process.stderr.write(`land: ${oneLine(error)}\n`);
      return error.exitCode;
    }
    process.stderr.write(`land: ${oneLine(error)}\n`);
    return 1;
  }
}
