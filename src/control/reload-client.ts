/**
 * The client side of `POST /tiers/<tier>/reload` (reload-route.ts): its NDJSON read to the end, each replica's step
 * handed on as its line comes. Shared by `land reload` (src/cli/reload.ts) and `land watch`'s `l` (remote-control.ts).
 */
import { ApiError, streamLines, type StreamEnd } from './client.js';
import type { ReloadMessage } from './protocol.js';
import type { ReloadStep } from '../supervisor/types.js';

/** How the answer ended: its last line (`done`), or a refusal that came with the command's turn, and the stream's end. */
export interface ReloadAnswer {
  done?: Extract<ReloadMessage, { kind: 'done' }>;
  refused?: ApiError;
  end: StreamEnd;
}

/** Throws as a request does before the answer begins (no stack, an unknown tier: 404). */
export async function requestReload(socket: string, tier: string, onStep: (step: ReloadStep) => void): Promise<ReloadAnswer> {
  const answer: Omit<ReloadAnswer, 'end'> = {};
  const onLine = (line: string) => {
    let message: ReloadMessage;
    try {
      message = JSON.parse(line) as ReloadMessage;
    } catch {
      return; // a line cut short by a dying land: the stream's end says what happened
    }
    if (message.kind === 'step') onStep(message.step);
    else if (message.kind === 'done') answer.done = message;
    else answer.refused = new ApiError(409, message.error.code, message.error.message);
  };
  const stream = await streamLines(socket, `/tiers/${encodeURIComponent(tier)}/reload`, onLine, 'POST');
  // The lines are read by the time the stream is done: only then is `answer` complete.
  const end = await stream.done;
  return { ...answer, end };
}
