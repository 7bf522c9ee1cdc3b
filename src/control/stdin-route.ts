/**
 * POST /tiers/<tier>/stdin: the request's body, bounded, for one instance's stdin (src/supervisor/tier-stdin.ts).
 * The only route that reads a body: the request listener leaves it unread for this one (takesBody).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_STDIN_BODY } from '../supervisor/tier-stdin.js';
import type { StdinAfter, SupervisorControl } from '../supervisor/types.js';
import { writeWhenTaken } from '../supervisor/stdin-wait.js';
import { ApiFailure, sendJson } from './http-util.js';
import { FULL_WAIT_MS, type StdinResult } from './protocol.js';

/** Whether the request is one whose body a route reads (every other body is drained unread). */
export function takesBody(req: IncomingMessage): boolean {
  return req.method === 'POST' && (req.url ?? '').split('?')[0]!.endsWith('/stdin');
}

/** The body, or a 400 once it is larger than `limit` (the rest is drained unread). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(new ApiFailure('bad-request', `body: expected at most ${limit / 1024} KiB in one request, got more: send longer input in several`));
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, Math.min(size, limit))));
    req.once('error', reject);
  });
}

/**
 * The body to the tier's stdin; then `eof=1` closes it, `interrupt=1` sends SIGINT to the tier (tier-stdin.ts).
 * `wait=1`: a full queue is waited out (the tier's `stdin-drained`, stdin-wait.ts) for up to FULL_WAIT_MS, or until
 * the client goes away, rather than refused at once.
 */
export async function writeStdin(control: SupervisorControl, req: IncomingMessage, res: ServerResponse, tier: string, after: StdinAfter & { wait?: boolean }): Promise<void> {
  const { writeStdin: write } = control;
  if (!write) throw new ApiFailure('not-found', 'this stack takes no input for its tiers');
  const body = await readBody(req, MAX_STDIN_BODY);
  const { wait, ...then } = after;
  const signal = () => AbortSignal.any([AbortSignal.timeout(FULL_WAIT_MS), gone(res)]);
  const writer = { subscribe: control.subscribe.bind(control), writeStdin: write.bind(control) };
  const written = await writeWhenTaken(writer, tier, body, then, { waitFor: wait ? ['stdin-full'] : [], signal });
  sendJson(res, 200, { ok: true, ...written } satisfies StdinResult);
}

/** Aborted when the client goes away before its answer. */
function gone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  if (res.closed || res.destroyed) controller.abort();
  else res.once('close', () => controller.abort());
  return controller.signal;
}
