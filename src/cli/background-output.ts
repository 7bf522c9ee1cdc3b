/**
 * `land up --background`: the background land's own output (its boot line, its warnings, a fatal error) goes to
 * `.land/run/background.log`, never to a terminal. Never the dashboard's and control API's lines: their tokens go to
 * the foreground only (background-channel.ts). The folder is private all the same, and the file is bounded: land checks its size on its heartbeat and, past
 * OUTPUT_CAP_BYTES, copies it to `background.log.1` and truncates it (its descriptor is opened O_APPEND, so the next
 * line goes to the new start). The children's lines are not in it: they are in `.land/logs/<boot>/`.
 */
import { constants, copyFileSync, fchmodSync, fstatSync, ftruncateSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { displayPath } from '../config/display-path.js';
import { InputError } from '../errors.js';
import { runDir } from '../supervisor/pidfile.js';
import { onHeartbeat } from '../runtime/heartbeat.js';

export const OUTPUT_NAME = 'background.log';
/** A background land writes a few lines per boot; a mistake that repeats one every second still stays small. */
export const OUTPUT_CAP_BYTES = 1024 * 1024;

export function outputPath(rootDir: string): string {
  return path.join(runDir(rootDir), OUTPUT_NAME);
}

/** One file per spawn (the foreground's pid): two `-d` at once never write, cut or relay each other's. */
export function spawnOutputName(pid = process.pid): string {
  return `background.${pid}.log`;
}

/**
 * Opened by the foreground command for the background land's stdout and stderr (one description, so both append):
 * its own file, truncated, never through a link, 0600 even if it was there with another mode. The folder was made
 * private beforehand (ensureSocketDir).
 */
export function openOutput(rootDir: string, name: string): number {
  const file = path.join(runDir(rootDir), name);
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND | constants.O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(file, flags, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    throw new InputError(`${displayPath(file)}: is a symbolic link; expected land's own output file (remove the link)`);
  }
  fchmodSync(fd, 0o600);
  return fd;
}

/**
 * In the background land, once it holds the pid file (it won any race): its file becomes `background.log`, the
 * name `land up -d` and README point to (a rename replaces a link there, never follows it).
 */
export function claimOutput(rootDir: string, name: string): void {
  try {
    renameSync(path.join(runDir(rootDir), name), outputPath(rootDir));
  } catch {
    // Removed meanwhile: the output goes on to the unlinked file, the stack runs on.
  }
}

/** The foreground's file after a land that never won (it relayed its fatal line): nothing left behind. */
export function removeSpawnOutput(rootDir: string, name: string): void {
  rmSync(path.join(runDir(rootDir), name), { force: true });
}

/**
 * In the background land: keeps the file its stdout (fd 1) writes to under the cap, once a second. The copy goes to
 * a new file renamed over `.1` (no link followed); the cut is made even if the copy failed (the cap holds).
 */
export function boundOutput(rootDir: string): () => void {
  const file = outputPath(rootDir);
  return onHeartbeat(() => {
    try {
      if (fstatSync(1).size <= OUTPUT_CAP_BYTES) return;
    } catch {
      return;
    }
    const temporary = `${file}.1.${process.pid}.tmp`;
    try {
      rmSync(temporary, { force: true });
      copyFileSync(file, temporary, constants.COPYFILE_EXCL);
      renameSync(temporary, `${file}.1`);
    } catch {
      // The disk is full or the file was removed: the old lines are lost, the cap still holds.
      rmSync(temporary, { force: true });
    }
    try {
      ftruncateSync(1, 0);
    } catch {
      // Nothing to cut any more: the stack runs on.
    }
  });
}
