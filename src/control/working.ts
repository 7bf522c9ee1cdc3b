/**
 * Commands whose answer waits for stops (stop, restart, scale, restart --all, apply): a stop may take its
 * `stop.timeoutMs` + 1 s, beyond a client's 5 s answer timeout. While the command works, the stack says so with an
 * HTTP `102 Processing` each second: the client's timeout counts silence on the socket, so a slow stop is waited
 * for while a land that is hung (or stopped with SIGSTOP) still says nothing and is caught. The final status and body
 * are the command's own, as before (a client that ignores 1xx, as every HTTP client may, sees no change).
 */
import type { ServerResponse } from 'node:http';

/** Well under the client's 5 s (ANSWER_TIMEOUT_MS), and under a LAND_CONTROL_TIMEOUT_MS of 2 s. */
export const PROCESSING_EVERY_MS = 1000;

export async function whileWorking<T>(res: ServerResponse, work: Promise<T>): Promise<T> {
  const beat = setInterval(() => {
    if (!res.headersSent && !res.destroyed) res.writeProcessing();
  }, PROCESSING_EVERY_MS);
  try {
    return await work;
  } finally {
    clearInterval(beat);
  }
}
