/** `land completion`: a shell completion script (src/cli/completion/). */
import { type Command, Option } from 'commander';
import { type Register, withConfig } from './options.js';
import type { CompletionOptions } from '../completion/command.js';

export const registerCompletion: Register = (program, run) => {
  const completion = program
    .command('completion')
    .description('print a shell completion script (commands, options, tier and profile names, files): source <(land completion bash)')
    .argument('[shell]', 'bash, zsh or fish (default: your $SHELL\'s, else bash)')
    // `--complete -- <words…>`: the command line being completed.
    .allowExcessArguments();
  withConfig(completion)
    // What the script runs at a Tab on an argument or an option's value (`--names`: what older scripts run).
    .addOption(new Option('--complete', 'print what fits where the last word is, one a line').hideHelp())
    .addOption(new Option('--names', "print the running stack's tier names, one a line").hideHelp())
    .action((shell: string | undefined, options: CompletionOptions, command: Command) =>
      run(async () => (await import('../completion/command.js')).completionCommand(shell, options, command.args)),
    );
};
