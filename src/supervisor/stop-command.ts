/**
 * A tier's stop command (`stop: { command }`, process-compose's `shutdown.command`): run instead of sending the stop
 * signal, with the tier's environment, in its working folder, leading a process group of its own and under marks of
 * its own (the boot's LAND_BOOT_ID and a TRACEPARENT of its own in the boot's trace: never the tier's, so the tier's
 * end is never waiting on it, nor a daemon watch counting it). Its output goes into the tier's log, each line marked
 * `[stop] `. Nothing it starts outlives it: once it has exited, what is left of its tree is killed (as an exec
 * probe's); still running at the stop's deadline, it is killed with its tree, as every stop is bounded.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { endTree, settlesWithin, STOP_GRACE_MS } from './bounded-stop.js';
import { describeSpawnFailure } from './spawn-child.js';
import type { LogStream } from './types.js';

/** What the tier's log shows before each line of the stop command's output. */
export const STOP_MARK = '[stop] ';
/** A line longer than this is handed on in pieces: a stop command writes a few messages, not a stream. */
const MAX_LINE_CHARS = 8 * 1024;
/** After its exit: how long its pipes may take to close (a descendant holding them was killed with its tree). */
const PIPES_CLOSE_MS = 100;

export interface StopCommandOptions {
  argv: readonly string[];
  cwd: string;
  /** The tier's environment, with the marks below in it. */
  env: Record<string, string>;
  /** What finds the command and everything it starts (stop-command's own TRACEPARENT, the boot's LAND_BOOT_ID). */
  marks: Record<string, string>;
  /** The stop's deadline: the command is killed then if it still runs. */
  deadline: number;
  /** Its output, whole lines (without their newlines), as they come. */
  onLines(stream: LogStream, lines: string[]): void;
  /** It still ran at the deadline (it is killed now). */
  onOverdue(): void;
}

export interface StopCommandRun {
  /** Settles once it has exited: undefined for code 0, else what went wrong, in words. */
  exited: Promise<string | undefined>;
  /** Resolves once nothing of it is left: after its exit, or at the deadline (SIGKILL); never rejects. */
  done: Promise<void>;
}

function relayLines(stream: Readable, name: LogStream, onLines: StopCommandOptions['onLines']): Promise<void> {
  return new Promise((resolve) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => {
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      while (pending.length > MAX_LINE_CHARS) {
        lines.push(pending.slice(0, MAX_LINE_CHARS));
        pending = pending.slice(MAX_LINE_CHARS);
      }
      if (lines.length > 0) onLines(name, lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line)));
    });
    stream.once('close', () => {
      if (pending !== '') onLines(name, [pending]);
      resolve();
    });
  });
}

export function runStopCommand(options: StopCommandOptions): StopCommandRun {
  const [file, ...args] = options.argv;
  const cannotStart = (error: unknown) => `the stop command could not start: ${describeSpawnFailure(error as NodeJS.ErrnoException)}`;
  let child;
  try {
    child = spawn(file!, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    return { exited: Promise.resolve(cannotStart(error)), done: Promise.resolve() };
  }
  const output = Promise.all([relayLines(child.stdout, 'stdout', options.onLines), relayLines(child.stderr, 'stderr', options.onLines)]);
  const exited = new Promise<string | undefined>((resolve) => {
    child.once('error', (error) => resolve(cannotStart(error)));
    child.once('exit', (code, signal) => resolve(code === 0 ? undefined : `the stop command ${signal ? `was ended by ${signal}` : `exited with code ${code}`}`));
  });
  const pid = child.pid;
  const done = (async () => {
    if (!(await settlesWithin(exited, options.deadline - Date.now()))) options.onOverdue();
    // Exited, or out of time: whatever is left of it goes now.
    if (pid !== undefined) await endTree({ pid, marks: options.marks }, 'SIGKILL', Date.now(), Date.now() + STOP_GRACE_MS);
    if (!(await settlesWithin(output, PIPES_CLOSE_MS))) {
      child.stdout.destroy();
      child.stderr.destroy();
    }
  })().catch(() => undefined);
  return { exited, done };
}
