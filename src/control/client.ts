/** The control API's client side: JSON requests and line streams over the stack's Unix socket. */
import { request, type IncomingMessage } from 'node:http';
import { oneLine } from '../errors.js';
import type { ApiErrorBody, ApiErrorCode } from './protocol.js';

/** Nothing answers on the socket: no stack runs in this project (or the one that did has died). */
export class NoStackError extends Error {
  constructor(readonly socketPath: string) {
    super(`no stack is running (nothing answers on ${socketPath})`);
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

const NO_LISTENER = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK']);

function send(socketPath: string, method: string, path: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    // agent: false — no pooled keep-alive sockets to hold a short-lived client process open.
    const req = request({ socketPath, method, path, agent: false }, resolve);
    req.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code && NO_LISTENER.has(error.code) ? new NoStackError(socketPath) : error);
    });
    req.end();
  });
}

async function readAll(res: IncomingMessage): Promise<string> {
  res.setEncoding('utf8');
  let text = '';
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

export async function requestJson<T>(socketPath: string, method: 'GET' | 'POST', path: string): Promise<T> {
  const res = await send(socketPath, method, path);
  if ((res.statusCode ?? 500) >= 400) throw await failure(res);
  return JSON.parse(await readAll(res)) as T;
}

export async function requestText(socketPath: string, path: string): Promise<string> {
  const res = await send(socketPath, 'GET', path);
  if ((res.statusCode ?? 500) >= 400) throw await failure(res);
  return readAll(res);
}

export interface LineStream {
  /** Resolves when the server ends the stream, the connection drops, or close() is called. */
  done: Promise<void>;
  close(): void;
}

/** A streaming GET, one callback per line; resolves once the server has accepted it. */
export async function streamLines(socketPath: string, path: string, onLine: (line: string) => void): Promise<LineStream> {
  const res = await send(socketPath, 'GET', path);
  if ((res.statusCode ?? 500) >= 400) throw await failure(res);
  res.setEncoding('utf8');
  let pending = '';
  res.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) !== -1) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      onLine(line);
    }
  });
  // A dropped connection (land killed) is an end like any other: 'close' follows either way.
  res.on('error', () => undefined);
  // 'close' comes whether the stream ended cleanly or the connection dropped (land killed).
  const done = new Promise<void>((resolve) => res.once('close', () => resolve()));
  return { done, close: () => res.destroy() };
}
