/** Commands no person runs, shown in no help. */
import type { Register } from './options.js';

/** The guardian's reaper (src/cli/guardian.ts): what it execs once its land has died. */
export const registerReap: Register = (program, run) => {
  program
    .command('__reap', { hidden: true })
    .argument('<boot-id>')
    .argument('<land-pid>')
    .argument('<land-start-time>')
    .action((bootId: string, pid: string, startTime: string) => run(async () => (await import('../reap.js')).reapCommand(bootId, pid, startTime)));
};
