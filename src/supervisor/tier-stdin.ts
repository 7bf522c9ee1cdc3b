/**
 * A tier's stdin (`stdin: true`): a pipe land keeps open while the child runs, which `land attach` and `land send`
 * write to through the control API (POST /tiers/<tier>/stdin). A write never blocks land and never grows it without
 * bound: what the pipe has not taken yet waits in node's queue, up to MAX_QUEUED_BYTES; past that a write is refused
 * whole, nothing of it written (the writer may send it again, once the tier's `stdin-drained` event says the pipe took
 * what waited: a refusal always has such a drain ahead, or the life's end). A child that closed its stdin or exited
 * is said in one line (`stdin-closed`), never thrown at land (EPIPE).
 */
import type { Writable } from 'node:stream';
import type { ResolvedTier } from '../config/types.js';
import { ControlError } from './control-error.js';
import type { Life } from './tier-base.js';
import type { StdinAfter, StdinWritten, TierState } from './types.js';

/** The most one request may carry (the control API refuses a larger body). */
export const MAX_STDIN_BODY = 64 * 1024;
/** What may wait for a child that does not read its stdin, beyond what the pipe itself holds (64 KiB on Linux). */
export const MAX_QUEUED_BYTES = 256 * 1024;

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

/** The write end of one life's stdin pipe. */
export class TierInput {
  private closedBy?: string;

  /** `onDrained`: the pipe took what waited after a write that filled it (a writer refused for room may go on). */
  constructor(
    private readonly pipe: Writable,
    onDrained: () => void,
  ) {
    // EPIPE (the child closed its stdin) comes as an 'error' event: kept to be said at the next write.
    pipe.on('error', (error: NodeJS.ErrnoException) => {
      this.closedBy ??= describeFailure(error);
    });
    pipe.on('drain', onDrained);
  }

  /** The life is over: the pipe goes (node destroys a child's stdin at its exit too). */
  close(): void {
    this.closedBy ??= 'its process exited';
    this.pipe.destroy();
  }

  /** Why nothing can be written any more, or undefined while it can. */
  private closed(): string | undefined {
    if (this.closedBy !== undefined) return this.closedBy;
    const failed = this.pipe.errored as NodeJS.ErrnoException | null;
    if (failed) return describeFailure(failed);
    if (this.pipe.destroyed || this.pipe.writableEnded) return 'its process exited';
    return undefined;
  }

  /** The end of input for the child (what it has not read yet still comes first); later writes are refused. */
  end(): void {
    this.closedBy ??= 'its stdin was closed (land send --eof); it gets a new one when it starts again';
    this.pipe.end();
  }

  write(name: string, bytes: Buffer): StdinWritten {
    const closed = this.closed();
    if (closed !== undefined) throw new ControlError('stdin-closed', `${name} takes no more input: ${closed}`);
    const queued = this.pipe.writableLength;
    if (queued + bytes.length > MAX_QUEUED_BYTES) {
      throw new ControlError(
        'stdin-full',
        `${name} is not reading its stdin: ${kib(queued)} already wait for it (at most ${kib(MAX_QUEUED_BYTES)}); nothing of these ${bytes.length} bytes was written`,
      );
    }
    if (bytes.length > 0) this.pipe.write(bytes);
    // A pipe whose reader is gone fails the write at once (EPIPE), before its 'error' event: said now.
    const failed = this.pipe.errored as NodeJS.ErrnoException | null;
    if (failed) throw new ControlError('stdin-closed', `${name} takes no more input: ${describeFailure(failed)}`);
    return { tier: name, bytes: bytes.length, queued: this.pipe.writableLength };
  }
}

function describeFailure(error: NodeJS.ErrnoException): string {
  return error.code === 'EPIPE' ? 'its process closed its stdin (EPIPE)' : `writing to its stdin failed (${error.code ?? error.message})`;
}

/**
 * Bytes for a tier's stdin, or why not: a tier without the option (named, with the key to set), one not running
 * (its state), one whose child no longer takes input. An empty write only asks whether input would be taken.
 */
export function writeTierStdin(config: ResolvedTier, state: TierState, life: Pick<Life, 'input' | 'pid'> | undefined, bytes: Buffer, after: StdinAfter = {}): StdinWritten {
  const { name } = config;
  if (!config.stdin) {
    const key = `tiers.${config.group ?? name}.stdin`;
    throw new ControlError('bad-request', `${name} takes no input (its stdin is /dev/null): set ${key}: true in the config to type into it`);
  }
  const input = life?.input;
  if (!input) throw new ControlError('not-running', `${name} is not running (${state})`);
  // An interrupt alone needs no open stdin: a tier whose input was closed may still be busy with it.
  const written = bytes.length === 0 && after.interrupt && !after.eof ? { tier: name, bytes: 0, queued: 0 } : input.write(name, bytes);
  if (after.eof) input.end();
  // Ctrl-C in a terminal signals its foreground group: the tier leads its own (spawn-child.ts, detached).
  if (after.interrupt) signalGroup(life!.pid, 'SIGINT');
  return written;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone: the tier is ending, which its state says.
  }
}
