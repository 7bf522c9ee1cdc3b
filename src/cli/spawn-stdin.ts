/**
 * `land spawn <tier>` running a `stdin: true` tier alone in the foreground: land's own stdin goes to the tier's, as
 * a shell's pipe would (`echo yes | land spawn ask`, or typing at it in a terminal), and its end is the tier's end
 * of input (`land send --eof`). Through the supervisor's writeStdin, as `land attach` writes through the control
 * API: the same bound (a tier that does not read holds land's reading, never its memory) and the same refusals.
 * Only the foreground case: a spawn into a running stack returns at once, and `land attach` types into the tier.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ControlError } from '../supervisor/control-error.js';
import type { Supervisor } from '../supervisor/supervisor.js';

/** How often a write the tier has no room for yet, or one waiting for its (re)start, is tried again. */
const RETRY_MS = 50;

/**
 * Starts relaying; the function it returns stops reading (the tier has ended for good), as the shutdown does (Ctrl-C,
 * `land down`): a stdin still open never keeps land up.
 */
export function pipeOwnStdin(supervisor: Supervisor, name: string): () => void {
  const source = process.stdin;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    unsubscribe();
    source.destroy();
  };
  const unsubscribe = supervisor.subscribe((event) => {
    if (event.type === 'shutdown') stop();
  });
  void relay(supervisor, name, () => stopped).catch((error: unknown) => {
    if (stopped) return;
    process.stderr.write(`land: ${name}: its stdin no longer gets land's: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  return stop;
}

async function relay(supervisor: Supervisor, name: string, stopped: () => boolean): Promise<void> {
  for await (const chunk of process.stdin) {
    if (!(await deliver(supervisor, name, chunk as Buffer, stopped))) return;
  }
  if (!stopped()) await deliver(supervisor, name, Buffer.alloc(0), stopped, true);
}

/**
 * One chunk to the tier: tried again while it is not running yet (or restarting: the new life gets it) or has no
 * room; false once the tier has ended for good, or its process took no more input.
 */
async function deliver(supervisor: Supervisor, name: string, bytes: Buffer, stopped: () => boolean, eof = false): Promise<boolean> {
  while (!stopped()) {
    try {
      supervisor.writeStdin(name, bytes, eof ? { eof: true } : {});
      return true;
    } catch (error) {
      if (!(error instanceof ControlError) || (error.code !== 'stdin-full' && error.code !== 'not-running')) throw error;
      // Its process closed its stdin or exited: the rest has no reader (its state says how it ended).
      if (error.code === 'not-running' && error.message.includes('takes no more input')) return false;
      await sleep(RETRY_MS);
    }
  }
  return false;
}
