/**
 * `land up --background`: the background land's own output (its boot line, the dashboard and control API lines, its
 * warnings, a fatal error) goes to `.land/run/background.log`, never to a terminal. The folder is private (the lines
 * carry login and bearer tokens), and the file is bounded: land checks its size on its heartbeat and, past
 * OUTPUT_CAP_BYTES, copies it to `background.log.1` and truncates it (its descriptor is opened O_APPEND, so the next
 * line goes to the new start). The children's lines are not in it: they are in `.land/logs/<boot>/`.
 */
import { closeSync, constants, copyFileSync, fstatSync, ftruncateSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { runDir } from '../supervisor/pidfile.js';
import { onHeartbeat } from '../runtime/heartbeat.js';

export const OUTPUT_NAME = 'background.log';
/** A background land writes a few lines per boot; a mistake that repeats one every second still stays small. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;

export function outputPath(rootDir: string): string {
  return path.join(runDir(rootDir), OUTPUT_NAME);
}

/**
 * Opened by the foreground command for the background land's stdout and stderr (one description, so both append):
 * truncated, mode 0600, never through a link. The folder was made private beforehand (ensureSocketDir).
 */
export function openOutput(rootDir: string): number {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND | constants.O_NOFOLLOW;
  return openSync(outputPath(rootDir), flags, 0o600);
}

/** In the background land: keeps the file its stdout (fd 1) writes to under the cap, once a second. */
export function boundOutput(rootDir: string): () => void {
  const file = outputPath(rootDir);
  return onHeartbeat(() => {
    try {
      if (fstatSync(1).size <= OUTPUT_CAP_BYTES) return;
      copyFileSync(file, `${file}.1`);
      ftruncateSync(1, 0);
    } catch {
      // The file was removed or the disk is full: the output stays as it is, the stack runs on.
    }
  });
}

/** The last `land:` lines of the file (what a background land that failed at start-up said), at most `count`. */
export function lastLandLines(rootDir: string, count: number): string[] {
  let fd: number;
  try {
    fd = openSync(outputPath(rootDir), constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail
      .toString('utf8')
      .split('\n')
      .filter((line) => line.startsWith('land: '))
      .slice(-count);
  } finally {
    closeSync(fd);
  }
}
