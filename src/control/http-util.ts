/** Writing JSON answers and API errors; mapping what a handler threw to a status. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { oneLine } from '../errors.js';
import { ControlError } from '../supervisor/control-error.js';
import { ERROR_STATUS, type ApiErrorBody, type ApiErrorCode } from './protocol.js';

export class ApiFailure extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** A request's URL and its path segments, decoded (once: the dashboard's server hands them on to its app). */
export interface RequestTarget {
  url: URL;
  parts: string[];
}

/**
 * The request's URL and its path segments, decoded. What a client sent can be malformed (`/api/tiers/%E0%A4%A`, a
 * request target `http://[`): that is a 400 naming the segment, not a 500 (and not a throw in a request listener).
 */
export function requestUrl(req: IncomingMessage, base: string): RequestTarget {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', base);
  } catch {
    throw new ApiFailure('bad-request', `expected a request path such as /status, got ${JSON.stringify(String(req.url).slice(0, 60))}`);
  }
  const parts = url.pathname.split('/').filter(Boolean).map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      throw new ApiFailure('bad-request', `path: expected percent-encoded UTF-8 in each segment, got "${segment.slice(0, 60)}"`);
    }
  });
  return { url, parts };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, code: ApiErrorCode, message: string): void {
  const body: ApiErrorBody = { error: { code, message } };
  if (res.headersSent) {
    // A stream already started: all that is left is to end it.
    res.end();
    return;
  }
  sendJson(res, ERROR_STATUS[code], body);
}

/** A ControlError keeps its code; anything else is an internal error, reported in one line. */
export function sendThrown(res: ServerResponse, error: unknown): void {
  if (error instanceof ControlError || error instanceof ApiFailure) sendError(res, error.code, oneLine(error));
  else sendError(res, 'internal', oneLine(error));
}
