/**
 * `land logs -f` learns that its reader went away (`| head -1`, `| grep -m1 ready`) only when a write fails with
 * EPIPE: on a quiet stack that is never, and it waited for ever (the eleventh wave's "Edges"). Here it is watched:
 * - stdout a pipe (a shell's `|`): node cannot ask the kernel about a pipe's write end (a pipe opened write-only
 *   cannot be read-started: ENOTCONN; a zero-length write to a pipe without readers succeeds), but GNU tail can:
 *   since coreutils 8.28, `tail -f` polls its stdout and dies of SIGPIPE as soon as that pipe has no reader. land
 *   lends it its stdout: `tail -f --pid=<land> /dev/null` writes nothing, ends by SIGPIPE when the reader goes, and
 *   with land (land kills it at its exit; a land killed with SIGKILL takes it along through setpriv's pdeathsig, or
 *   `--pid` within a second of its reaping). Where tail is missing, older or not GNU's (it then waits, or exits at
 *   once with a usage error), nothing changes: land notices at its next write.
 * - stdout a socket (a program that spawned land with pipes: libuv makes those socket pairs; journald's stdout):
 *   tail does not watch sockets, but a zero-length write on land's heartbeat fails with EPIPE once the other end
 *   has closed, and succeeds while it is open, also when the reader has only shut its own write side.
 * - a terminal that closes sends SIGHUP, which ends land already; a file has no reader to lose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fstatSync, writeSync } from 'node:fs';
import { onHeartbeat } from '../runtime/heartbeat.js';

function stdoutKind(): 'pipe' | 'socket' | undefined {
  try {
    const stat = fstatSync(1);
    return stat.isFIFO() ? 'pipe' : stat.isSocket() ? 'socket' : undefined;
  } catch {
    return undefined;
  }
}

/** Calls `gone` once the reader of land's stdout (a pipe or a socket) has gone; returns what stops the watch. */
export function watchReader(gone: () => void): () => void {
  const kind = stdoutKind();
  if (kind === 'pipe') return watchPipe(gone);
  if (kind === 'socket') return watchSocket(gone);
  return () => {};
}

/** GNU tail's arguments: follow nothing, end with land (`--pid`), die of SIGPIPE once the pipe has no reader. */
const TAIL = ['tail', '-f', `--pid=${process.pid}`, '/dev/null'];

/**
 * Under `setpriv --pdeathsig KILL` (util-linux) when there is one: tail's `--pid` sees a land killed with SIGKILL as
 * alive until its parent reaps it (kill(pid, 0) succeeds on a zombie), and tail holds the pipe's write end, so a
 * reader waiting for the end of the output (Python's `proc.kill(); proc.communicate()`) waited for ever while its
 * parent, the reader itself, waited for that end before reaping. The kernel kills a pdeathsig child as soon as land
 * dies. Without setpriv (or one too old for the option: a usage error, exit 1), tail alone, as before: land stops it at
 * its exit and at a hangup, so no normal end leaves it; a land killed with SIGKILL leaves it until land is reaped.
 */
function watchPipe(gone: () => void): () => void {
  let watcher: ChildProcess | undefined;
  let ended = false;
  const start = (argv: string[], fallback?: string[]) => {
    try {
      watcher = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'inherit', 'ignore'] });
    } catch {
      return;
    }
    let retried = false;
    const retry = () => {
      if (fallback && !ended && !retried) start(fallback);
      retried = true;
    };
    watcher.on('error', retry); // no setpriv: tail alone; no tail: nothing changes
    watcher.on('exit', (code, signal) => {
      if (signal === 'SIGPIPE') gone();
      else if (code !== null) retry();
    });
    watcher.unref();
  };
  start(['setpriv', '--pdeathsig', 'KILL', ...TAIL], TAIL);
  // It holds the pipe's write end too: it goes with land, or the reader would wait for it to see the output end.
  const stop = () => {
    ended = true;
    watcher?.kill();
  };
  process.once('exit', stop);
  // A hangup (the terminal closed) ends land by its default action, without 'exit': a tail that no pdeathsig follows
  // (no setpriv: macOS, busybox, util-linux < 2.33) held the reader's pipe until its `--pid` saw land gone, a second
  // later or never while land's parent did not reap it. Stopped first, then the hangup raised again (land's own
  // handlers, if it ever has some, decide instead).
  const hangup = () => {
    stop();
    process.off('SIGHUP', hangup);
    if (process.listenerCount('SIGHUP') === 0) process.kill(process.pid, 'SIGHUP');
  };
  process.on('SIGHUP', hangup);
  return () => {
    process.off('exit', stop);
    process.off('SIGHUP', hangup);
    stop();
  };
}

/**
 * A zero-length write tells a reader that has closed its end (EPIPE: the kernel marked land's end shut for sending)
 * from one that only shut its own write side and still reads (success: nothing is sent). A read cannot: it answers
 * 0 in both cases. Never blocks, and sends no byte. Over TCP a peer's close is seen only once it has reset the
 * connection; a unix socket (libuv's socket pairs, journald) knows at once.
 */
function watchSocket(gone: () => void): () => void {
  const nothing = Buffer.alloc(0);
  const stop = onHeartbeat(() => {
    try {
      writeSync(1, nothing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE' || code === 'ECONNRESET') gone();
      else if (code !== 'EAGAIN') stop(); // a socket land cannot write to: not watched, as before
    }
  });
  return stop;
}
