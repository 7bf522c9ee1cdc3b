/** The control API's client side: JSON requests and line streams over the stack's Unix socket. */
import { request, type IncomingMessage } from 'node:http';
import { oneLine } from '../errors.js';
import { END_TRAILER, type ApiErrorBody, type ApiErrorCode } from './protocol.js';
import { PROGRESS_HEADER } from './working.js';

/**
 * Nothing answers on the socket: no stack runs in this project (or the one that did has died). `wentAway`: it took
 * the connection and closed it without an answer (it was shutting down, or died, while the request came in).
 */
export class NoStackError extends Error {
  constructor(
    readonly socketPath: string,
    readonly wentAway = false,
  ) {
    super(wentAway ? `the stack on ${socketPath} closed the connection without answering` : `no stack is running (nothing answers on ${socketPath})`);
    this.name = 'NoStackError';
  }
}

/** The stack answered with an error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Something accepted the connection but sent nothing back in time (a land stopped with SIGSTOP, or hung). */
export class NoAnswerError extends Error {
  constructor(
    readonly socketPath: string,
    readonly timeoutMs: number,
  ) {
    super(`nothing answered on ${socketPath} within ${timeoutMs} ms`);
    this.name = 'NoAnswerError';
  }
}

const NO_LISTENER = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK']);
/** Before an answer: the stack closed the connection (its shutdown closes every connection; node says `socket hang up`). */
const CLOSED_UNANSWERED = new Set(['ECONNRESET', 'EPIPE']);

/** How long a client waits for the stack to answer (for a stream: to start answering). */
export const ANSWER_TIMEOUT_MS = 5000;

function answerTimeoutMs(): number {
  const given = Number(process.env.LAND_CONTROL_TIMEOUT_MS);
  return Number.isInteger(given) && given > 0 ? given : ANSWER_TIMEOUT_MS;
}

/**
 * One request. Until the answer has come (its headers, and for a plain request its body), silence on the socket for
 * longer than the answer timeout fails it with NoAnswerError; a stream may then be quiet as long as it likes. A
 * command that waits for stops sends `102 Processing` each second meanwhile (working.ts): bytes on the socket, which
 * start the socket's idle timeout over, so such a command is waited for as long as the stack says it still works.
 */
function send(socketPath: string, method: string, path: string, stream = false, body?: Buffer, timeoutMs = answerTimeoutMs()): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    // agent: false — no pooled keep-alive sockets to hold a short-lived client process open.
    // Asks for `102 Processing` while a command works (working.ts): only land's own client waits on them.
    const headers = { [PROGRESS_HEADER]: '1', ...(body ? { 'content-type': 'application/octet-stream', 'content-length': body.length } : {}) };
    const req = request({ socketPath, method, path, agent: false, headers }, (res) => {
      response = res;
      if (stream) req.setTimeout(0);
      resolve(res);
    });
    req.setTimeout(timeoutMs, () => {
      const error = new NoAnswerError(socketPath, timeoutMs);
      // Before the answer: the request rejects; while its body is read: the body's reader throws.
      response?.destroy(error);
      req.destroy(error);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code && NO_LISTENER.has(error.code)) return reject(new NoStackError(socketPath));
      reject(!response && error.code && CLOSED_UNANSWERED.has(error.code) ? new NoStackError(socketPath, true) : error);
    });
    req.end(body);
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
  // A timeout while the body is read destroys it with NoAnswerError, which the iteration then throws.
  for await (const chunk of res) text += chunk as string;
  return text;
}

async function failure(res: IncomingMessage): Promise<ApiError> {
  const text = await readAll(res);
  try {
    const body = JSON.parse(text) as ApiErrorBody;
    return new ApiError(res.statusCode ?? 500, body.error.code, body.error.message);
  } catch {
    return new ApiError(res.statusCode ?? 500, 'internal', oneLine(text) || `HTTP ${res.statusCode}`);
  }
}

/**
 * `body`: bytes a POST carries (a tier's input); the other requests carry none. `longerMs`: how much longer than
 * usual the stack may take to answer (a write to a tier's stdin that waits for room).
 */
export async function requestJson<T>(socketPath: string, method: 'GET' | 'POST', path: string, body?: Buffer, longerMs = 0): Promise<T> {
  return answerOf<T>(await send(socketPath, method, path, false, body, answerTimeoutMs() + longerMs));
}

/** A GET answered within `withinMs` (or the usual timeout, when shorter): for a caller a late answer is no use to. */
export async function requestJsonWithin<T>(socketPath: string, path: string, withinMs: number): Promise<T> {
  return answerOf<T>(await send(socketPath, 'GET', path, false, undefined, Math.min(withinMs, answerTimeoutMs())));
}

async function answerOf<T>(res: IncomingMessage): Promise<T> {
  if ((res.statusCode ?? 500) >= 400) throw await failure(res);
  return JSON.parse(await readAll(res)) as T;
}

export async function requestText(socketPath: string, path: string): Promise<string> {
  const res = await send(socketPath, 'GET', path);
  if ((res.statusCode ?? 500) >= 400) throw await failure(res);
  return readAll(res);
}

/**
 * How a stream ended: `ended` the stack finished the answer (it shut down), `closed` this client closed it,
 * `lost` the connection dropped before the answer was complete (land died, or cut off a reader that stayed behind).
 */
export type StreamEnd = 'ended' | 'closed' | 'lost';

export interface LineStream {
  /** Resolves when the server ends the stream, the connection drops, or close() is called. */
  done: Promise<StreamEnd>;
  /** Once done: why the server ended it, when it said (protocol.ts END_TRAILER: the instance followed was removed). */
  endedBecause(): string | undefined;
  close(): void;
  /** Stop reading (the server then holds back: back-pressure) until resume(). */
  pause(): void;
  resume(): void;
}

/** Splits chunks into lines, looking at each byte once (a long line arriving in many chunks stays linear). */
function lineSplitter(onLine: (line: string) => void): (chunk: string) => void {
  let pieces: string[] = [];
  return (chunk) => {
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf('\n', start)) !== -1) {
      pieces.push(chunk.slice(start, newline));
      const line = pieces.length === 1 ? pieces[0]! : pieces.join('');
      pieces = [];
      start = newline + 1;
      onLine(line);
    }
    if (start < chunk.length) pieces.push(chunk.slice(start));
  };
}

/** A streaming answer (a GET, or `land down`'s POST), one callback per line; resolves once the server has accepted it. */
export async function streamLines(socketPath: string, path: string, onLine: (line: string) => void, method: 'GET' | 'POST' = 'GET'): Promise<LineStream> {
  const res = await send(socketPath, method, path, true);
  if ((res.statusCode ?? 500) >= 400) throw await failure(res);
  res.setEncoding('utf8');
  res.on('data', lineSplitter(onLine));
  // A dropped connection is told apart by the answer being incomplete; 'close' follows either way.
  res.on('error', () => undefined);
  let closedHere = false;
  const done = new Promise<StreamEnd>((resolve) =>
    res.once('close', () => resolve(closedHere ? 'closed' : res.complete ? 'ended' : 'lost')),
  );
  return {
    done,
    endedBecause: () => {
      const said = res.complete ? res.trailers[END_TRAILER] : undefined;
      return said === undefined || said === '' ? undefined : said;
    },
    close: () => {
      closedHere = true;
      res.destroy();
    },
    pause: () => res.pause(),
    resume: () => res.resume(),
  };
}
