import { getSystemErrorMap } from 'node:util';
import { redactText } from './config/redact.js';

/**
 * Errors a person caused (bad config, profile, env file, flag, TRACEPARENT): printed as one line, exit code 2,
 * and raised before anything is started.
 */
export class InputError extends Error {
  readonly exitCode: number;
  /** Lines said after the error's own (each as `land: …`): what the person should know beside it. */
  details: readonly string[] = [];
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

/**
 * A port land was told to listen on and cannot (`--control-port`, `--receiver-port`, `--dashboard-port` or their
 * config keys), said alike for the three: `--receiver-port: cannot listen on 127.0.0.1:4318: address already in use
 * (EADDRINUSE)`. Bad input (exit 2): the flag or key names a port this machine will not give land now.
 */
export function cannotListen(where: string, port: number, error: unknown): InputError {
  const { code, errno } = error as NodeJS.ErrnoException;
  const reason = typeof errno === 'number' ? getSystemErrorMap().get(errno)?.[1] : undefined;
  const why = code ? `${reason ?? code} (${code})` : oneLine(error);
  return new InputError(`${where}: cannot listen on 127.0.0.1:${port}: ${why}`);
}

/**
 * Runs every step even when one throws (a fatal path's clean-up: land out of file descriptors must still remove its
 * pid file and socket); the first error is returned, not thrown.
 */
export function everyStep(...steps: Array<() => void>): unknown {
  let first: unknown;
  for (const step of steps) {
    try {
      step();
    } catch (error) {
      first ??= error;
    }
  }
  return first;
}
