/** `land completion`: a shell completion script (src/cli/completion/). */
import { Option } from 'commander';
import { type ConfigOptions, type Register, withConfig } from './options.js';

export const registerCompletion: Register = (program, run) => {
  const completion = program
    .command('completion')
    .description('print a shell completion script (commands, options, and the running stack\'s tier names): source <(land completion bash)')
    .argument('[shell]', 'bash, zsh or fish (default: your $SHELL\'s, else bash)');
  withConfig(completion)
    // What the script runs at each Tab on a tier argument.
    .addOption(new Option('--names', "print the running stack's tier names, one a line").hideHelp())
    .action((shell: string | undefined, options: ConfigOptions & { names?: boolean }) =>
      run(async () => (await import('../completion/command.js')).completionCommand(shell, options)),
    );
};
