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
import { writeWhenTaken } from '../supervisor/stdin-wait.js';
import type { StdinAfter } from '../supervisor/types.js';

/**
 * Starts relaying; the function it returns stops reading (the tier has ended for good), as the shutdown does (Ctrl-C,
 * `land down`): a stdin still open never keeps land up.
 */
export function pipeOwnStdin(supervisor: Supervisor, name: string): () => void {
  const source = process.stdin;
  const stopping = new AbortController();
  const stop = () => {
    if (stopping.signal.aborted) return;
    unsubscribe();
    source.destroy();
    stopping.abort();
  };
  const unsubscribe = supervisor.subscribe((event) => {
    if (event.type === 'shutdown') stop();
  });
  void relay(supervisor, name, stopping.signal).catch((error: unknown) => {
    if (stopping.signal.aborted) return;
    process.stderr.write(`land: ${name}: its stdin no longer gets land's: ${error instanceof Error ? error.message : String(error)}\n`);
  });
  return stop;
}

async function relay(supervisor: Supervisor, name: string, signal: AbortSignal): Promise<void> {
  for await (const chunk of process.stdin) {
    // Pieces of at most a request's bound: one the queue cannot take whole is always refused with a drain ahead.
    for (let at = 0; at < (chunk as Buffer).length; at += MAX_STDIN_BODY) {
      if (!(await deliver(supervisor, name, (chunk as Buffer).subarray(at, at + MAX_STDIN_BODY), {}, signal))) return;
    }
  }
  if (!signal.aborted) await deliver(supervisor, name, Buffer.alloc(0), { eof: true }, signal);
}

/**
 * One piece to the tier: written again once what refused it has passed (room in its stdin, a (re)start: the new life
 * gets it); false once the tier has ended for good, or its process took no more input.
 */
async function deliver(supervisor: Supervisor, name: string, bytes: Buffer, after: StdinAfter, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await writeWhenTaken(supervisor, name, bytes, after, { waitFor: ['stdin-full', 'not-running'], signal: () => signal });
    return true;
  } catch (error) {
    // Its process closed its stdin or exited (`stdin-closed`): the rest has no reader (its state says how it ended).
    if (signal.aborted || (error instanceof ControlError && error.code === 'stdin-closed')) return false;
    throw error;
  }
}
