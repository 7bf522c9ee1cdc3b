/** The commands that act on the running stack's tiers through its control API (src/control/exit-codes.ts). */
import { type ConfigOptions, controlPortOption, profileOption, type Register, withConfig } from './options.js';
import type { SpawnOptions } from '../spawn.js';
import { sayingItGoesOn } from '../goes-on.js';

// Imported when a command runs: a quick client such as `land status` does not load telemetry.
const controlCommands = () => import('../control-commands.js');

export const registerStatus: Register = (program, run) => {
  withConfig(program.command('status').description('what the running stack is doing: one row per tier (exit 3 when no stack runs)'))
    .argument('[tiers...]', 'only these tiers (a tier with replicas: all of them)')
    .option('--json', 'the supervisor snapshot as JSON')
    .action((tiers: string[], options: ConfigOptions & { json?: boolean }) => run(async () => (await controlCommands()).statusCommand(tiers, options)));
};

export const registerSpawn: Register = (program, run) => {
  const spawn = program
    .command('spawn')
    .description('start one tier inside the running stack, or, with none running, run it alone in the foreground')
    .argument('<tier>', 'tier name');
  withConfig(spawn)
    .addOption(profileOption())
    .option('--with-deps', 'also start what the tier depends on, first')
    .addOption(controlPortOption())
    .action((tier: string, options: SpawnOptions) => run(async () => (await import('../spawn.js')).spawnCommand(tier, options)));
};

export const registerStart: Register = (program, run) => {
  const start = program
    .command('start')
    .description('start tiers of the running stack that are stopped, exited or failed (all their replicas), one after the other')
    .argument('<tiers...>', 'tier names (or one replica, e.g. api.2)');
  withConfig(start).action((tiers: string[], options: ConfigOptions) =>
    run(async () => {
      const commands = await controlCommands();
      return commands.eachTier(tiers, 'started', (tier) => commands.startCommand(tier, options), options);
    }),
  );
};

export const registerScale: Register = (program, run) => {
  const scale = program
    .command('scale')
    .description('run <replicas> instances of a tier of the running stack (a tier that declares replicas)')
    .argument('<tier>', 'tier name')
    .argument('<replicas>', 'how many replicas (1..64)');
  withConfig(scale).action((tier: string, replicas: string, options: ConfigOptions) =>
    run(async () => sayingItGoesOn('scaling', async () => (await controlCommands()).scaleCommand(tier, replicas, options))),
  );
};

export const registerStop: Register = (program, run) => {
  const stop = program.command('stop').description('stop tiers of the running stack, one after the other').argument('<tiers...>', 'tier names');
  withConfig(stop).action((tiers: string[], options: ConfigOptions) =>
    run(async () => {
      const commands = await controlCommands();
      return sayingItGoesOn('stop', () => commands.eachTier(tiers, 'stopped', (tier) => commands.stopCommand(tier, options), options));
    }),
  );
};

export const registerRestart: Register = (program, run) => {
  const restart = program
    .command('restart')
    .description('restart tiers of the running stack one after the other, or with --all every running tier in dependency order')
    .argument('[tiers...]', 'tier names')
    .option('--all', 'every running tier: dependents stopped first, then all started again as at boot, each once its dependencies are met');
  withConfig(restart).action((tiers: string[], options: ConfigOptions & { all?: boolean }) =>
    run(async () => {
      const commands = await controlCommands();
      if (options.all || tiers.length === 0) {
        return sayingItGoesOn('restart', () => commands.restartCommand(tiers.length > 0 ? tiers.join(', ') : undefined, options));
      }
      return sayingItGoesOn('restart', () => commands.eachTier(tiers, 'restarted', (tier) => commands.restartCommand(tier, options), options));
    }),
  );
};

export const registerDown: Register = (program, run) => {
  withConfig(program.command('down').description('shut the running stack down and wait until it has stopped')).action((options: ConfigOptions) =>
    run(async () => (await controlCommands()).downCommand(options)),
  );
};
