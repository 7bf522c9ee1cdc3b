/**
 * `.land/run/land.pid`: who is running this stack. It lets the next `land up` refuse to run beside a live land, and
 * reap what a SIGKILLed land left behind. A recorded pid is trusted only if its start time still matches (pids get
 * reused), and leftovers are found by the boot mark in their environment, never by pid alone.
 */
import { closeSync, constants, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processesMarked, readProc } from './process-tree.js';

export interface PidRecord {
  pid: number;
  startTime: string;
  bootId: string;
}

export function runDir(rootDir: string): string {
  return join(rootDir, '.land', 'run');
}

function pidPath(rootDir: string): string {
  return join(runDir(rootDir), 'land.pid');
}

export function readPidRecord(rootDir: string): PidRecord | undefined {
  let fd: number | undefined;
  try {
    // Never through a link: what a link points at is not a record land wrote.
    fd = openSync(pidPath(rootDir), constants.O_RDONLY | constants.O_NOFOLLOW);
    return JSON.parse(readFileSync(fd, 'utf8')) as PidRecord;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The recorded land, when it is still that very process. */
export function liveLand(record: PidRecord | undefined): PidRecord | undefined {
  if (!record || record.pid === process.pid) return undefined;
  const info = readProc(record.pid);
  return info && info.startTime === record.startTime ? record : undefined;
}

/** SIGKILL what a dead land's boot left running; returns the pids reaped. */
export function reapBoot(bootId: string): number[] {
  const pids = processesMarked({ LAND_BOOT_ID: bootId }, { fresh: true });
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/**
 * Written beside its final name (created exclusively: `wx` never follows a link) and renamed over it: a rename
 * replaces a link standing at the name instead of writing through it. The folder is made private beforehand
 * (control/private-dir.ts).
 */
export function writePidRecord(rootDir: string, bootId: string): void {
  const record: PidRecord = { pid: process.pid, startTime: readProc(process.pid)?.startTime ?? '', bootId };
  const temporary = `${pidPath(rootDir)}.${process.pid}.tmp`;
  rmSync(temporary, { force: true });
  writeFileSync(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, pidPath(rootDir));
}

export function removePidRecord(rootDir: string): void {
  const record = readPidRecord(rootDir);
  if (record?.pid === process.pid) rmSync(pidPath(rootDir), { force: true });
}
