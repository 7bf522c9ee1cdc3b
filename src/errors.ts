import { redactText } from './config/redact.js';

/**
 * Errors a person caused (bad config, profile, env file, flag, TRACEPARENT): printed as one line, exit code 2,
 * and raised before anything is started.
 */
export class InputError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'InputError';
    this.exitCode = exitCode;
  }
}

/**
 * The message of anything thrown, on one line, with any secret masked: it may come from node or a library that
 * quotes the value it refused (`Received 'phc_…'`).
 */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactText(text.replace(/\s*\n\s*/g, ' ').trim());
}
