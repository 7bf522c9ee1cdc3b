/**
 * land's own outputs can fail under it: the reader of a pipe goes away (EPIPE: `land up | head -3`, a `tee` stopped
 * with Ctrl-C), the terminal closes (EIO), the disk of a redirected stdout fills up (ENOSPC). None of that may take
 * the stack down: a failed output is marked lost, whoever writes to it stops (the printer, the UI), and the stack
 * goes on being supervised with its log files (README "When an output fails"). Before this, an 'error' event on
 * stdout had no listener, so it was an uncaught exception and land SIGKILLed every child on its way out.
 */
import { closeSync } from 'node:fs';
import { isatty } from 'node:tty';

export type SinkName = 'stdout' | 'stderr';

export interface LostSink {
  name: SinkName;
  /** The error code (EPIPE, EIO, ENOSPC, …) or the message. */
  why: string;
}

const lost = new Map<SinkName, string>();
const listeners = new Set<(sink: LostSink) => void>();
let guarded = false;

function streamOf(name: SinkName): NodeJS.WriteStream {
  return name === 'stdout' ? process.stdout : process.stderr;
}

function markLost(name: SinkName, error: NodeJS.ErrnoException): void {
  if (lost.has(name)) return;
  const why = error.code ?? error.message;
  lost.set(name, why);
  for (const listener of listeners) listener({ name, why });
}

/**
 * From now on a failing stdout or stderr is marked lost instead of crashing land. Idempotent.
 *
 * Also: at exit Node restores the terminal settings of every stdio descriptor that was a terminal at start, and
 * asserts that this worked; on a terminal that has hung up it does not (EIO), so land died with an assertion and
 * SIGSEGV (exit 139) after an otherwise clean shutdown. Node skips a descriptor that was closed, so a terminal that
 * no longer answers is closed on the way out.
 */
export function guardStdio(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ['stdout', 'stderr'] as const) streamOf(name).on('error', (error: NodeJS.ErrnoException) => markLost(name, error));
  const terminals = [0, 1, 2].filter((fd) => isatty(fd));
  process.on('exit', () => {
    for (const fd of terminals) {
      if (isatty(fd)) continue; // still answers: Node restores it as usual
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    }
  });
}

/** Called once per output that is lost (at once for one lost already). */
export function onSinkLost(listener: (sink: LostSink) => void): () => void {
  listeners.add(listener);
  for (const [name, why] of lost) listener({ name, why });
  return () => listeners.delete(listener);
}

/** Why the output is lost, or undefined while it works. */
export function sinkLost(name: SinkName): string | undefined {
  return lost.get(name);
}

/** A line for the person who started land, on stderr while it works (never a throw). */
export function tell(line: string): void {
  if (lost.has('stderr')) return;
  try {
    process.stderr.write(`${line}\n`);
  } catch (error) {
    markLost('stderr', error as NodeJS.ErrnoException);
  }
}
