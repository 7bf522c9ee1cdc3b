/**
 * A tier's stop command (`stop: { command }`, process-compose's `shutdown.command`): run instead of sending the stop
 * signal, with the tier's environment, in its working folder, beside the tier (side-command.ts: a process group of
 * its own and marks of its own, the boot's LAND_BOOT_ID and a TRACEPARENT of its own in the boot's trace: never the
 * tier's, so the tier's end is never waiting on it, nor a daemon watch counting it). Its output goes into the tier's
 * log as the bytes it wrote, each line marked `[stop] `. Nothing it starts outlives it: once it has exited, what is
 * left of its tree is killed (as an exec probe's); still running at the stop's deadline, it is killed with its
 * tree, as every stop is bounded.
 */
import type { Readable } from 'node:stream';
import { PIPES_CLOSE_MS, settlesWithin, STOP_GRACE_MS } from './bounded-stop.js';
import { LineBlock } from './line-block.js';
import { LineSplitter } from './line-splitter.js';
import { runSideCommand, type SideCommandOptions } from './side-command.js';
import { describeSpawnFailure } from './spawn-child.js';
import type { LogStream } from './types.js';
import { steadyNow } from '../runtime/steady-clock.js';

/** What the tier's log shows before each line of the stop command's output. */
const STOP_MARK = '[stop] ';
const MARK = Buffer.from(STOP_MARK);
const NEWLINE = Buffer.from('\n');
/** A line longer than this is handed on in pieces, each marked: a stop command writes a few messages, not a stream. */
const MAX_LINE_BYTES = 8 * 1024;

/**
 * `env`: the tier's environment, with the marks in it; `marks`: the command's own TRACEPARENT and the boot's
 * LAND_BOOT_ID; `deadline`: the stop's (the command is killed then if it still runs).
 */
export interface StopCommandOptions extends Pick<SideCommandOptions, 'argv' | 'cwd' | 'env' | 'marks' | 'deadline'> {
  /** Its output, whole lines each marked, as they come (a block of the bytes it wrote). */
  onLines(stream: LogStream, block: LineBlock): void;
  /** It still ran at the deadline (it is killed now). */
  onOverdue(): void;
}

export interface StopCommandRun {
  /** Settles once it has exited: undefined for code 0, else what went wrong, in words. */
  exited: Promise<string | undefined>;
  /** Resolves once nothing of it is left: after its exit, or at the deadline (SIGKILL); never rejects. */
  done: Promise<void>;
}

/** A block of lines with the mark before each: the bytes as written (never decoded here), each line ended. */
function markLines(block: LineBlock): LineBlock {
  const bytes = Buffer.concat(block.pieces);
  const pieces: Buffer[] = [];
  let count = 0;
  for (let start = 0; start < bytes.length; count += 1) {
    const newline = bytes.indexOf(10, start);
    const end = newline === -1 ? bytes.length : newline + 1;
    pieces.push(MARK, bytes.subarray(start, end));
    if (newline === -1) pieces.push(NEWLINE);
    start = end;
  }
  return new LineBlock([Buffer.concat(pieces)], count);
}

function relay(stream: Readable | undefined, name: LogStream, onLines: StopCommandOptions['onLines']): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    const splitter = new LineSplitter((block) => {
      if (block.count > 0) onLines(name, markLines(block));
    }, MAX_LINE_BYTES);
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.once('close', () => {
      splitter.end();
      resolve();
    });
  });
}

export function runStopCommand(options: StopCommandOptions): StopCommandRun {
  const giveUpAt = options.deadline + STOP_GRACE_MS;
  const run = runSideCommand({ ...options, output: true, giveUpAt });
  const output = Promise.all([relay(run.stdout, 'stdout', options.onLines), relay(run.stderr, 'stderr', options.onLines)]);
  const exited = run.exited.then((exit) => {
    if ('error' in exit) return `the stop command could not start: ${describeSpawnFailure(exit.error)}`;
    // Killed at the deadline: said as such, and what is left of the tier is being SIGKILLed already.
    if (exit.overdue) return void options.onOverdue();
    if (exit.code === 0) return undefined;
    return `the stop command ${exit.signal ? `was ended by ${exit.signal}` : `exited with code ${exit.code}`}`;
  });
  const done = (async () => {
    await run.done;
    // Its pipes close with its tree; one held by something land could not find is not waited for past the bound.
    if (!(await settlesWithin(output, Math.min(PIPES_CLOSE_MS, giveUpAt - steadyNow())))) {
      run.stdout?.destroy();
      run.stderr?.destroy();
    }
  })().catch(() => undefined);
  return { exited, done };
}
