/** A command the stack refused (unknown tier, already running, …): the control server maps `code` to a status. */
export type ControlErrorCode =
  | 'unknown-tier'
  | 'already-running'
  | 'not-running'
  | 'gated'
  /** `land start` of a tier a dependency of which does not hold now (dependency-gates.ts unmetNow). */
  | 'dependency-unmet'
  | 'shutting-down'
  | 'bad-request'
  | 'stdin-full'
  /** `land reload` of a scheduled tier (rolling-reload.ts). */
  | 'scheduled';

export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    /** The error behind it (a config's MissingImport: what `--watch-config` waits for). */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ControlError';
  }
}
