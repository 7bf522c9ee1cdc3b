/** The commands that change the running stack as a whole: `land apply` and `land reload`. */
import { type ConfigOptions, type Register, withConfig } from './options.js';
import { sayingItGoesOn } from '../goes-on.js';

export const registerApply: Register = (program, run) => {
  const apply = program
    .command('apply')
    .description("apply the edited config to the running stack: added tiers start, removed ones stop, changed ones restart with their new definition (in dependency order), the rest are left alone");
  withConfig(apply)
    .option('--dry-run', 'print the plan only; change nothing')
    .action((options: ConfigOptions & { dryRun?: boolean }) =>
      run(async () => {
        const { applyCommand } = await import('../apply.js');
        // A dry run changes nothing: its Ctrl-C leaves nothing going on.
        return options.dryRun ? applyCommand(options) : sayingItGoesOn('change', () => applyCommand(options));
      }),
    );
};

export const registerReload: Register = (program, run) => {
  const reload = program
    .command('reload')
    .description("restart a tier's replicas one at a time, each ready before the next (PM2's reload); exit 8 when one is not ready")
    .argument('[tiers...]', 'tier names, reloaded one after the other (a tier without replicas: a restart)')
    .option('--all', 'every running tier, in dependency order');
  withConfig(reload).action((tiers: string[], options: ConfigOptions & { all?: boolean }) =>
    run(async () => sayingItGoesOn('reload', async () => (await import('../reload.js')).reloadCommand(tiers, options))),
  );
};
