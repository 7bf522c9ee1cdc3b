/**
 * `.land/run/land.pid`: who is running this stack. It lets the next `land up` refuse to run beside a live land, and
 * reap what a SIGKILLed land left behind. A recorded pid is trusted only if its start time still matches (pids get
 * reused), and leftovers are found by the boot mark in their environment, never by pid alone.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  try {
    return JSON.parse(readFileSync(pidPath(rootDir), 'utf8')) as PidRecord;
  } catch {
    return undefined;
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

export function writePidRecord(rootDir: string, bootId: string): void {
  mkdirSync(runDir(rootDir), { recursive: true, mode: 0o700 });
  const record: PidRecord = { pid: process.pid, startTime: readProc(process.pid)?.startTime ?? '', bootId };
  writeFileSync(pidPath(rootDir), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

export function removePidRecord(rootDir: string): void {
  const record = readPidRecord(rootDir);
  if (record?.pid === process.pid) rmSync(pidPath(rootDir), { force: true });
}
