/** A client's answer when the stack's land died, or is exiting (no-stack.ts); light: down.ts imports it. */
import { EXIT_NO_STACK } from '../control/exit-codes.js';
import { InputError } from '../errors.js';
import { describeStillRunning, describeStrays, type NamedStray } from '../supervisor/left-behind.js';
import type { PidRecord } from '../supervisor/pidfile.js';
import { inOtherPidNamespace } from '../control/pid-namespace.js';

/** No stack runs, but the processes a land that died started do: `land down` reaps them. */
export class DeadLandError extends InputError {
  constructor(
    readonly land: PidRecord,
    readonly pids: number[],
    where: string,
  ) {
    // A land of another pid namespace is not looked for by its pid: its closed socket says it died, or is exiting.
    const died = inOtherPidNamespace(land.pidNs)
      ? `its land (pid ${land.pid} in another pid namespace, boot ${land.bootId}) has closed its socket (it died, or is exiting: its pid cannot be checked from here)`
      : `its land died (pid ${land.pid}, boot ${land.bootId})`;
    super(
      `no stack is running in ${where}: ${died} and ${pids.length} process(es) it started ` +
        `are still running (pid ${pids.slice(0, 8).join(', ')}${pids.length > 8 ? ', …' : ''}): \`land down\` stops them`,
      EXIT_NO_STACK,
    );
    this.name = 'DeadLandError';
  }
}

/**
 * No stack runs: its shutdown has ended and its land is exiting (its control socket closed, its pid record still
 * there). What that shutdown left running and the strays it named, from the record, are said after the line, in
 * the shutdown's own words (as `land up` and `land down` say them).
 */
export class ExitingLandError extends InputError {
  constructor(land: PidRecord, strays: readonly NamedStray[], where: string) {
    super(`no stack is running in ${where}: boot ${land.bootId} has stopped and its land (pid ${land.pid}) is exiting`, EXIT_NO_STACK);
    this.name = 'ExitingLandError';
    this.details = [...describeStillRunning(land.left ?? []), ...describeStrays(strays)];
  }
}
