/** A command the stack refused (unknown tier, already running, …): the control server maps `code` to a status. */
export type ControlErrorCode =
  | 'unknown-tier'
  | 'already-running'
  | 'not-running'
  | 'gated'
  | 'shutting-down'
  | 'bad-request'
  | 'stdin-full'
  /** `land reload` of a scheduled tier (rolling-reload.ts). */
  | 'scheduled';

export class ControlError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
