/** `land up`: boot the stack and supervise it. */
import { Option } from 'commander';
import { controlPortOption, parsePort, parseSeconds, profileOption, type Register, withConfig } from './options.js';
import type { UpOptions } from '../up.js';

type UpCliOptions = Pick<UpOptions, 'config' | 'procfile' | 'profile' | 'tui' | 'controlPort' | 'receiverPort' | 'dashboard' | 'dashboardPort' | 'detached' | 'formation' | 'exitWith' | 'background' | 'waitTimeout' | 'inBackground' | 'watchConfig'>;

export const registerUp: Register = (program, run) => {
  const up = program
    .command('up')
    .description('boot the stack under a profile and supervise it until Ctrl-C')
    .argument('[tiers...]', 'only these tiers and what they depend on (a tier the profile gates off is started when named); none: the whole stack');
  withConfig(up)
    .addOption(profileOption())
    .option('--no-tui', 'plain prefixed output even in a terminal')
    .addOption(controlPortOption())
    .addOption(new Option('--receiver-port <port>', "serve the OTLP receiver on 127.0.0.1:<port> (default: the config's receiver.port, else a free port)").argParser(parsePort))
    .addOption(
      // One serves the dashboard on a port, the other turns it off: refused together rather than one silently winning.
      new Option('--dashboard-port <port>', 'serve the browser dashboard on 127.0.0.1:<port> (default: a free port)').argParser(parsePort).conflicts('dashboard'),
    )
    .option('--no-dashboard', 'do not serve the browser dashboard')
    .option('--detached', 'keep the stack running when the terminal or the parent process goes away (stop it with `land down`)')
    .option('-d, --background', 'start the stack detached in the background and return once every tier is up (implies --detached)')
    .addOption(new Option('--wait-timeout <seconds>', 'with -d: how long to wait for the stack to be up (default: its readiness timeouts + 15 s)').argParser(parseSeconds))
    .addOption(new Option('--in-background <output>').hideHelp())
    .option('-m, --formation <counts>', 'with a Procfile: how many of each process type, e.g. web=2,worker=1 (foreman)')
    .option('--exit-with <tier>', "when that tier has ended for good, stop the stack and exit with the tier's code (CI)")
    .option('--watch-config', 'apply a saved config, Procfile, env file or profile to the running stack, as `land apply` does')
    .action((tiers: string[], options: UpCliOptions) =>
      run(async () => (await import('../up.js')).upCommand(tiers.length > 0 ? { ...options, only: tiers, withDeps: true } : options)),
    );
};
