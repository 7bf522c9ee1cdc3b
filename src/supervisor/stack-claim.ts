/**
 * `land up`'s claim on its folder, made before the config is read: the pid file (pidfile.ts), created exclusively
 * and marked `booting` until the control socket answers. Without it, a `land down` (or `land status`) in the first
 * ~150 ms of a boot found no socket and no pid file, said "no stack is running", and the stack booted anyway; with
 * it, a client that finds a booting land waits for its socket (src/cli/no-stack.ts). Two lands that start together
 * race on the exclusive create: one claims, the other is refused (exit 4) before it reads anything.
 *
 * A claim left by a land that died (its pid gone, or another process's now) is taken over, and what that land's
 * boot left running is reaped by its boot mark, as before. A land started by `land up -d` takes its parent's
 * claim over (the foreground held it while it checked the inputs).
 */
import { linkSync, renameSync, writeFileSync } from 'node:fs';
import { readProc } from './process-tree.js';
import { reason, removeFile, writePrivateFile } from '../control/private-dir.js';
import { displayPath } from '../config/display-path.js';
import { liveLand, pidPath, readPidFile, readPidRecord, reapBoot, type PidRecord } from './pidfile.js';

export interface Claim {
  /** The record that was there: a land that died, whose leftovers were reaped (`reaped` of them). */
  dead?: PidRecord;
  reaped: number;
}

/**
 * Refused: a live land holds the folder, or a `land up -d` that will hand it to the land it starts (that one's pid and
 * boot are not known yet: they are not named, `land status` shows them once it is up).
 */
export class ClaimRefused extends Error {
  constructor(readonly holder: PidRecord) {
    super(
      holder.handsOver
        ? `another \`land up -d\` (pid ${holder.pid}) is starting this stack: \`land status\` shows its land once it is up, \`land down\` stops it`
        : `land is already running this stack (pid ${holder.pid}, boot ${holder.bootId}); stop it with \`land down\``,
    );
    this.name = 'ClaimRefused';
  }
}

const sameRecord = (a: PidRecord | undefined, b: PidRecord | undefined) =>
  a !== undefined && b !== undefined && a.pid === b.pid && a.startTime === b.startTime && a.bootId === b.bootId;

/** Created with its whole content at once, only if nothing is at `file` (link(2) refuses an existing name). */
function createExclusively(file: string, text: string): boolean {
  const temporary = `${file}.${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}.tmp`;
  try {
    // `wx`: created, never written through a link; mode 0600 as every file of land's in that folder.
    writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // A full disk fails the write after the create: nothing is left, and the line names the file (not a bare ENOSPC).
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') removeFile(temporary);
    throw new Error(`${displayPath(file)}: cannot write land's pid file: ${reason(error)}`);
  }
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    removeFile(temporary);
  }
}

/**
 * A dead land's record moved aside, atomically: if it was replaced by a live claim meanwhile (another land took it
 * over first), that claim is put back. Whether the dead one was removed.
 */
function removeDead(file: string, dead: PidRecord | undefined): boolean {
  const aside = `${file}.${process.pid}.dead.tmp`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readPidFile(aside);
  const wasDead = moved === undefined || sameRecord(moved, dead);
  if (!wasDead) {
    try {
      linkSync(aside, file);
    } catch {
      // A third land claimed meanwhile: it holds the folder.
    }
  }
  removeFile(aside);
  return wasDead;
}

/**
 * Claims the folder for this land (pid file with `booting`). `handoverFrom`: the pid of the `land up -d` that
 * started this land, whose claim it takes over; `handsOver`: this is such a `land up -d`. Throws ClaimRefused while a
 * live land holds it.
 */
export function claimStack(rootDir: string, bootId: string, handoverFrom?: number, handsOver = false): Claim {
  const file = pidPath(rootDir);
  const record: PidRecord = { pid: process.pid, startTime: readProc(process.pid)?.startTime ?? '', bootId, booting: true };
  if (handsOver) record.handsOver = true;
  const text = `${JSON.stringify(record)}\n`;
  let dead: PidRecord | undefined;
  let reaped = 0;
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusively(file, text)) return { dead, reaped };
    const current = readPidRecord(rootDir);
    const live = liveLand(current);
    if (live && live.pid === handoverFrom) {
      writePrivateFile(file, text);
      return { dead, reaped };
    }
    if (live) throw new ClaimRefused(live);
    if (current && !sameRecord(current, dead)) {
      dead = current;
      reaped += reapBoot(current.bootId).length;
    }
    removeDead(file, current);
  }
  throw new Error(`could not claim ${file}: it kept changing`);
}
