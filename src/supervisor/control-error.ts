/** A command the stack refused (unknown tier, already running, …): the control server maps `code` to a status. */
export type ControlErrorCode =
  | 'unknown-tier'
  | 'already-running'
  | 'not-running'
  | 'gated'
  /** `land start` / `restart` / `reload` of a tier a dependency of which does not hold now (dependency-gates.ts, `now`). */
  | 'dependency-unmet'
  | 'shutting-down'
  | 'bad-request'
  | 'stdin-full'
  /**
   * A write to a tier's stdin after its life's input ended (the process closed its stdin or exited, or
   * `land send --eof` closed it): nothing more reaches that life; a writer stops (tier-stdin.ts).
   */
  | 'stdin-closed'
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
