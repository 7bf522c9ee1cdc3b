/**
 * `land logs -f` learns that its reader went away (`| head -1`, `| grep -m1 ready`) only when a write fails with
 * EPIPE: on a quiet stack that is never, and it waited for ever (the eleventh wave's "Edges"). Here it is watched:
 * - stdout a pipe (a shell's `|`): node cannot ask the kernel about a pipe's write end (a pipe opened write-only
 *   cannot be read-started: ENOTCONN; a zero-length write to a pipe without readers succeeds), but GNU tail can:
 *   since coreutils 8.28, `tail -f` polls its stdout and dies of SIGPIPE as soon as that pipe has no reader. land
 *   lends it its stdout: `tail -f --pid=<land> /dev/null` writes nothing, ends by SIGPIPE when the reader goes, and
 *   by itself within a second of land's end (`--pid`: also if land is SIGKILLed). Where tail is missing, older or not
 *   GNU's (it then waits, or exits at once with a usage error), nothing changes: land notices at its next write.
 * - stdout a socket (a program that spawned land with pipes: libuv makes those socket pairs; journald's stdout):
 *   tail does not watch sockets, but a socket is open for reading too, and non-blocking: a read on land's heartbeat
 *   answers EAGAIN while the other end is open and 0 (or ECONNRESET) once it has closed.
 * - a terminal that closes sends SIGHUP, which ends land already; a file has no reader to lose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fstatSync, readFileSync, readSync } from 'node:fs';
import { onHeartbeat } from '../runtime/heartbeat.js';

const O_NONBLOCK = 0o4000;

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

function watchPipe(gone: () => void): () => void {
  let watcher: ChildProcess;
  try {
    watcher = spawn('tail', ['-f', `--pid=${process.pid}`, '/dev/null'], { stdio: ['ignore', 'inherit', 'ignore'] });
  } catch {
    return () => {};
  }
  watcher.on('error', () => {}); // no tail: nothing changes
  watcher.on('exit', (_code, signal) => {
    if (signal === 'SIGPIPE') gone();
  });
  watcher.unref();
  // It holds the pipe's write end too: it goes with land, or the reader would wait for it to see the output end.
  const stop = () => watcher.kill();
  process.once('exit', stop);
  return () => {
    process.off('exit', stop);
    stop();
  };
}

function nonBlocking(): boolean {
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/1', 'utf8'))?.[1];
    return flags !== undefined && (parseInt(flags, 8) & O_NONBLOCK) !== 0;
  } catch {
    return false;
  }
}

function watchSocket(gone: () => void): () => void {
  // A blocking read would hang land: only a non-blocking socket is read (libuv makes stdio sockets non-blocking).
  if (!nonBlocking()) return () => {};
  const byte = Buffer.alloc(1);
  const stop = onHeartbeat(() => {
    try {
      if (readSync(1, byte, 0, 1, null) === 0) gone();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNRESET') gone();
      else if (code !== 'EAGAIN') stop(); // a socket land cannot read: not watched, as before
    }
  });
  return stop;
}
