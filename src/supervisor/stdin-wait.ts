/**
 * A write to a tier's stdin that waits, on the supervisor's own events, while what refused it passes: room in its
 * queue (`stdin-full` has a `stdin-drained` ahead, or the life's `exit`), or a (new) life (`not-running`: its
 * `spawn`). Shared by `land spawn`'s relay of its stdin (src/cli/spawn-stdin.ts) and POST /tiers/<t>/stdin?wait=1
 * (`land attach`), so neither polls.
 */
import { ControlError } from './control-error.js';
import type { StdinAfter, StdinWritten, SupervisorControl, SupervisorEvent } from './types.js';

/** The refusals a writer may wait out, and the event of the tier that ends each wait. */
const WAITS_FOR = {
  'stdin-full': (event: SupervisorEvent) => event.type === 'stdin-drained' || event.type === 'exit',
  'not-running': (event: SupervisorEvent) => event.type === 'spawn',
} as const;

export type Waitable = keyof typeof WAITS_FOR;

export interface WaitOptions {
  /** Which refusals are waited out; any other is thrown at once. */
  waitFor: readonly Waitable[];
  /**
   * Ends the wait: the last refusal is thrown (the writer's own stop, its client gone, its time up). Asked for at the
   * first wait only: a write taken at once (the usual case) makes no timer.
   */
  signal: () => AbortSignal;
}

type Writer = Pick<SupervisorControl, 'subscribe'> & { writeStdin(name: string, bytes: Buffer, after?: StdinAfter): StdinWritten };

/** Resolves once the bytes are queued for the tier; rejects with the refusal not waited out, or the last at abort. */
export async function writeWhenTaken(control: Writer, name: string, bytes: Buffer, after: StdinAfter, options: WaitOptions): Promise<StdinWritten> {
  let signal: AbortSignal | undefined;
  for (;;) {
    let until: ((event: SupervisorEvent) => boolean) | undefined;
    try {
      return control.writeStdin(name, bytes, after);
    } catch (error) {
      const code = error instanceof ControlError ? error.code : undefined;
      until = (options.waitFor as readonly string[]).includes(code ?? '') ? WAITS_FOR[code as Waitable] : undefined;
      signal ??= until && options.signal();
      if (!until || !signal || signal.aborted) throw error;
      // Subscribed in the same tick as the refusal: no event can come between.
      if (!(await nextEvent(control, name, until, signal))) throw error;
    }
  }
}

/** True at the tier's next event `until` accepts; false when the signal ends the wait first. */
function nextEvent(control: Writer, name: string, until: (event: SupervisorEvent) => boolean, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (seen: boolean) => {
      unsubscribe();
      signal.removeEventListener('abort', aborted);
      resolve(seen);
    };
    const aborted = () => done(false);
    const unsubscribe = control.subscribe((event) => {
      if ('tier' in event && event.tier === name && until(event)) done(true);
    });
    signal.addEventListener('abort', aborted, { once: true });
  });
}
