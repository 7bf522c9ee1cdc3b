/**
 * A command land runs beside a tier, not as it: an exec probe's attempt (probes.ts), a stop command
 * (stop-command.ts). It leads a process group of its own, under marks of its own in its environment, so that
 * whatever it starts is found even after it left the group and lost its parent link; nothing it starts outlives it:
 * once it has exited, or at its deadline, or when it is cut short, what is left of its tree is SIGKILLed, bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { endTree, settlesWithin, STOP_GRACE_MS } from './bounded-stop.js';
import { signalGroup } from './process-tree.js';
import { steadyNow } from '../runtime/steady-clock.js';

export interface SideCommandOptions {
  argv: readonly string[];
  cwd: string;
  /** Its whole environment, the marks below in it. */
  env: Record<string, string>;
  /** What finds it and everything it starts. */
  marks: Record<string, string>;
  /** Its stdout and stderr as pipes (a stop command's output goes to the tier's log); else nowhere. */
  output: boolean;
  /** Killed with its tree then if it still runs. */
  deadline: number;
  /** Killed with its tree when this aborts (its tier is stopping). */
  cancel?: AbortSignal;
  /** Nothing of it may be left later than this (the stop's bound): the wait for its tree after its SIGKILL is cut there. */
  giveUpAt?: number;
}

/** How it ended: its exit, or why it did not run to one. */
export type SideExit =
  | { code: number | null; signal: NodeJS.Signals | null; overdue: boolean; canceled: boolean }
  | { error: NodeJS.ErrnoException };

export interface SideCommand {
  /** Its pipes, when `output` was asked for (and it started). */
  stdout?: Readable;
  stderr?: Readable;
  /** Settles once it has exited (or could not start). */
  exited: Promise<SideExit>;
  /** Resolves once nothing of it is left: after its exit, its deadline or the cancel, then its tree's SIGKILL; never rejects. */
  done: Promise<void>;
}

export function runSideCommand(options: SideCommandOptions): SideCommand {
  const [file, ...args] = options.argv;
  let child: ChildProcess;
  try {
    child = spawn(file!, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', options.output ? 'pipe' : 'ignore', options.output ? 'pipe' : 'ignore'] });
  } catch (error) {
    // node throws for some failures (E2BIG, an argument it will not pass) instead of emitting 'error'.
    return { exited: Promise.resolve({ error: error as NodeJS.ErrnoException }), done: Promise.resolve() };
  }
  let overdue = false;
  let canceled = false;
  const exited = new Promise<SideExit>((resolve) => {
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (code, signal) => resolve({ code, signal, overdue, canceled }));
  });
  const pid = child.pid;
  const kill = (why: 'overdue' | 'canceled') => {
    if (why === 'overdue') overdue = true;
    else canceled = true;
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
  };
  const done = (async () => {
    let onCancel: (() => void) | undefined;
    const cut = new Promise<void>((resolve) => {
      onCancel = resolve;
      if (options.cancel?.aborted) resolve();
      else options.cancel?.addEventListener('abort', onCancel, { once: true });
    });
    const ended = Promise.race([exited.then(() => 'exited' as const), cut.then(() => 'canceled' as const)]);
    const inTime = await settlesWithin(ended, options.deadline - steadyNow());
    // The cancel signal may be a long-lived one (a liveness probe's): no listener is left on it.
    options.cancel?.removeEventListener('abort', onCancel!);
    if (!inTime) kill('overdue');
    else if ((await ended) === 'canceled') kill('canceled');
    // Exited, out of time or cut short: whatever is left of it goes now (a SIGKILLed process counts until the kernel
    // has taken it), within the grace and never past the stop's bound.
    const giveUpAt = Math.min(steadyNow() + STOP_GRACE_MS, options.giveUpAt ?? Infinity);
    if (pid !== undefined) await endTree({ pid, marks: options.marks }, 'SIGKILL', steadyNow(), giveUpAt);
  })().catch(() => undefined);
  return { stdout: child.stdout ?? undefined, stderr: child.stderr ?? undefined, exited, done };
}
