/** `land startup` and `land unstartup`: a systemd unit that starts the stack at boot. */
import { type Command, Option } from 'commander';
import { parsePort, profileOption, type Register, withConfig } from './options.js';
import type { StartupOptions } from '../startup.js';

/** The options both commands take: where the stack is and what its unit is called. */
function withUnitOptions(command: Command, appHelp: string): Command {
  return withConfig(command)
    .addOption(new Option('--app <name>', `name the unit land-<name>.service instead of land-<app>.service${appHelp}`))
    .addOption(new Option('--system', 'a system unit in /etc/systemd/system that runs as you (User=), instead of a user unit'));
}

export const registerStartup: Register = (program, run) => {
  const startup = program
    .command('startup')
    .description('start the stack at boot: write a systemd unit that runs `land up --detached --no-tui` here, then enable and start it')
    .argument('[tiers...]', 'only these tiers and what they depend on, as land up <tiers>');
  withUnitOptions(startup, ' (with --remove: no config is read)')
    .addOption(profileOption())
    .option('-m, --formation <counts>', 'with a Procfile: how many of each process type, as for land up')
    .addOption(new Option('--receiver-port <port>', "land up's --receiver-port").argParser(parsePort))
    .addOption(new Option('--dashboard-port <port>', "land up's --dashboard-port").argParser(parsePort).conflicts('dashboard'))
    .option('--no-dashboard', "land up's --no-dashboard")
    .option('--no-enable', 'only write the unit, and print the commands that enable and start it')
    .addOption(new Option('--remove', 'stop, disable and delete the unit instead (as land unstartup)').conflicts(['profile', 'formation', 'receiverPort', 'dashboardPort', 'dashboard', 'enable']))
    .action((tiers: string[], options: StartupOptions) => run(async () => (await import('../startup.js')).startupCommand(tiers, options)));
};

export const registerUnstartup: Register = (program, run) => {
  withUnitOptions(program.command('unstartup').description('stop, disable and delete the unit land startup wrote (as land startup --remove)'), ' (no config is read: for a project that has gone)').action(
    (options: StartupOptions) => run(async () => (await import('../startup.js')).startupCommand([], { ...options, remove: true })),
  );
};
