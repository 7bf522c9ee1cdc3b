/**
 * `land spawn <tier>` running a `stdin: true` tier alone in the foreground: land's own stdin goes to the tier's, as
 * a shell's pipe would (`echo yes | land spawn ask`, or typing at it in a terminal), and its end is the tier's end
 * of input (`land send --eof`). Through the supervisor's writeStdin, as `land attach` writes through the control
 * API: the same bound (a tier that does not read holds land's reading, never its memory) and the same refusals.
 * Only the foreground case: a spawn into a running stack returns at once, and `land attach` types into the tier.
 */
import { ControlError } from '../supervisor/control-error.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import { MAX_STDIN_BODY } from '../supervisor/tier-stdin.js';
import type { SupervisorEvent } from '../supervisor/types.js';

/**
 * Starts relaying; the function it returns stops reading (the tier has ended for good), as the shutdown does (Ctrl-C,
 * `land down`): a stdin still open never keeps land up.
 */
export function pipeOwnStdin(supervisor: Supervisor, name: string): () => void {
  const source = process.stdin;
  let stopped = false;
  const waiters = new Set<() => void>();
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    source.destroy();
    for (const wake of waiters) wake();
  };
  const unsubscribe = supervisor.subscribe((event) => {
    if (event.type === 'shutdown') stop();
  });
  const relay = new Relay(supervisor, name, () => stopped, waiters);
  void relay.run().catch((error: unknown) => {
    if (stopped) return;
    process.stderr.write(`land: ${name}: its stdin no longer gets land's: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  return stop;
}

/** What a refused write waits for: room in the tier's stdin (`stdin-full`), or a (new) life of it (`not-running`). */
const WAITS_FOR: Record<string, (event: SupervisorEvent) => boolean> = {
  'stdin-full': (event) => event.type === 'stdin-drained' || event.type === 'exit',
  'not-running': (event) => event.type === 'spawn',
};

class Relay {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly name: string,
    private readonly stopped: () => boolean,
    private readonly waiters: Set<() => void>,
  ) {}

  async run(): Promise<void> {
    for await (const chunk of process.stdin) {
      // Pieces of at most a request's bound: one the queue cannot take whole is always refused with a drain ahead.
      for (let at = 0; at < (chunk as Buffer).length; at += MAX_STDIN_BODY) {
        if (!(await this.deliver((chunk as Buffer).subarray(at, at + MAX_STDIN_BODY)))) return;
      }
    }
    if (!this.stopped()) await this.deliver(Buffer.alloc(0), true);
  }

  /**
   * One piece to the tier: written again once the supervisor says why it was refused has passed (room in its stdin, a
   * (re)start: the new life gets it); false once the tier has ended for good, or its process took no more input.
   */
  private async deliver(bytes: Buffer, eof = false): Promise<boolean> {
    while (!this.stopped()) {
      let until: ((event: SupervisorEvent) => boolean) | undefined;
      try {
        this.supervisor.writeStdin(this.name, bytes, eof ? { eof: true } : {});
        return true;
      } catch (error) {
        // Its process closed its stdin or exited (`stdin-closed`): the rest has no reader (its state says how it ended).
        if (error instanceof ControlError && error.code === 'stdin-closed') return false;
        until = error instanceof ControlError ? WAITS_FOR[error.code] : undefined;
        if (!until) throw error;
      }
      await this.next(until);
    }
    return false;
  }

  /** Resolves at the tier's next event `until` accepts, or when the relay stops (subscribed before any can come). */
  private next(until: (event: SupervisorEvent) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        unsubscribe();
        this.waiters.delete(done);
        resolve();
      };
      const unsubscribe = this.supervisor.subscribe((event) => {
        if ('tier' in event && event.tier === this.name && until(event)) done();
      });
      this.waiters.add(done);
    });
  }
}
