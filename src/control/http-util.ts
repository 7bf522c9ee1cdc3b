/** Writing JSON answers and API errors; mapping what a handler threw to a status. */
import type { ServerResponse } from 'node:http';
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
