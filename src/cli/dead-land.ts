/** A client's answer when the stack's land died and what it started runs on (no-stack.ts); light: down.ts imports it. */
import { EXIT_NO_STACK } from '../control/exit-codes.js';
import { InputError } from '../errors.js';
import type { PidRecord } from '../supervisor/pidfile.js';

/** No stack runs, but the processes a land that died started do: `land down` reaps them. */
export class DeadLandError extends InputError {
  constructor(
    readonly land: PidRecord,
    readonly pids: number[],
    where: string,
  ) {
    super(
      `no stack is running in ${where}: its land died (pid ${land.pid}, boot ${land.bootId}) and ${pids.length} process(es) it started ` +
        `are still running (pid ${pids.slice(0, 8).join(', ')}${pids.length > 8 ? ', …' : ''}): \`land down\` stops them`,
      EXIT_NO_STACK,
    );
    this.name = 'DeadLandError';
  }
}
