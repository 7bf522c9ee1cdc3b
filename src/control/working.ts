/**
 * Commands whose answer waits for stops (stop, restart, scale, restart --all, apply): a stop may take its
 * `stop.timeoutMs` + 1 s, beyond a client's 5 s answer timeout. While the command works, the stack says so with an
 * HTTP `102 Processing` each second: the client's timeout counts silence on the socket, so a slow stop is waited
 * for while a land that is hung (or stopped with SIGSTOP) still says nothing and is caught. The final status and body
 * are the command's own, as before. Only to a client that asks (PROGRESS_HEADER, land's own): Python's http.client
 * takes any 1xx but `100 Continue` for the answer, so a script on `--control-port` would read a 102 and no body.
 *
 * The beats stop at a bound (workBoundMs): every stop is bounded, so a command still at work beyond it is stuck (a
 * promise that never settles), and the client's timeout then says so rather than waiting for ever.
 */
import type { ServerResponse } from 'node:http';
import { STOP_GRACE_MS } from '../supervisor/bounded-stop.js';
import { steadyNow } from '../runtime/steady-clock.js';

/** Well under the client's 5 s (ANSWER_TIMEOUT_MS), and under a LAND_CONTROL_TIMEOUT_MS of 2 s. */
export const PROCESSING_EVERY_MS = 1000;

/** Beyond the stops, for the rest of a command's work (`land apply` reads and compiles its config again). */
export const WORK_MARGIN_MS = 30_000;

/**
 * How long a command may say it works: every tier's stop one after another (`restart --all` stops them in dependency
 * order), twice (a command may wait its turn behind another's stops), plus the margin. `stopTimeouts`: each tier's
 * `stop.timeoutMs`.
 */
export function workBoundMs(stopTimeouts: readonly number[]): number {
  const stops = stopTimeouts.reduce((sum, timeoutMs) => sum + timeoutMs + STOP_GRACE_MS, 0);
  return 2 * stops + WORK_MARGIN_MS;
}

/** The request header land's client sends to be told, with a 102, that a command still works. */
export const PROGRESS_HEADER = 'x-land-progress';

/** `bound`: ms, or what gives them, asked only when the client wants the beats (routes.ts reads every tier for it). */
export async function whileWorking<T>(res: ServerResponse, work: Promise<T>, bound: number | (() => number)): Promise<T> {
  if (res.req.headers[PROGRESS_HEADER] === undefined) return work;
  const until = steadyNow() + (typeof bound === 'function' ? bound() : bound);
  const beat = setInterval(() => {
    if (steadyNow() > until) return clearInterval(beat);
    if (!res.headersSent && !res.destroyed) res.writeProcessing();
  }, PROCESSING_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(beat);
  }
}
