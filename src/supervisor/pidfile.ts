/**
 * `.land/run/land.pid`: who is running this stack. It lets the next `land up` refuse to run beside a live land, and
 * reap what a SIGKILLed land left behind. A recorded pid is trusted only if its start time still matches (pids get
 * reused), and leftovers are found by the boot mark in their environment, never by pid alone.
 */
import { join } from 'node:path';
import { readPrivateFile, removeFile, writePrivateFile } from '../control/private-dir.js';
import { endTree, STOP_GRACE_MS } from './bounded-stop.js';
import { NOTHING_LEFT, type Leftovers, type NamedStray, type StillRunning } from './left-behind.js';
import { MAX_NAMED_STRAYS, runningStrays } from './named-strays.js';
import { processesMarked, readProc, sameProcess } from './process-tree.js';
import { inOtherPidNamespace, pidNamespaceField } from '../control/pid-namespace.js';

export interface PidRecord {
  pid: number;
  startTime: string;
  bootId: string;
  /**
   * The pid namespace `pid` belongs to (pid-namespace.ts; absent from an older land's record): from another one (the
   * host of a container that runs land), the pid is never judged nor signalled, the control socket is trusted instead.
   */
  pidNs?: string;
  /** Claimed, not yet answering on its control socket (stack-claim.ts): the config is being read, the stack built. */
  booting?: true;
  /**
   * Held by a `land up -d` that checks the inputs and hands the folder to the land it starts (stack-claim.ts): its pid
   * is not the stack's land, and its boot id is never a boot's.
   */
  handsOver?: true;
  /**
   * Written at the shutdown's end when it left processes running: a `land down` that comes after the control
   * socket has closed, while land is still exiting, says them from here.
   */
  left?: StillRunning[];
  /**
   * Written with `left`: what failed daemon starts named and land did not stop, still running at the shutdown's end
   * (at most MAX_NAMED_STRAYS), each with its start time, so that a later reader names only the same processes.
   */
  strays?: RecordedStray[];
}

export interface RecordedStray extends NamedStray {
  startTime: string;
}

/** What the shutdown's end left: written into the pid record for a `land down` that comes after the socket closed. */
export interface ShutdownLeft {
  left?: StillRunning[];
  strays?: readonly NamedStray[];
}

export function runDir(rootDir: string): string {
  return join(rootDir, '.land', 'run');
}

export function pidPath(rootDir: string): string {
  return join(runDir(rootDir), 'land.pid');
}

export function readPidRecord(rootDir: string): PidRecord | undefined {
  return readPidFile(pidPath(rootDir));
}

/** The record in `file` (the pid file, or one moved aside: stack-claim.ts); undefined when there is none to read. */
export function readPidFile(file: string): PidRecord | undefined {
  // Never through a link, and only a file of this user's: anything else is not a record land wrote.
  const text = readPrivateFile(file);
  if (!text) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(text.toString('utf8'));
  } catch {
    return undefined;
  }
  return isPidRecord(record) ? record : undefined;
}

/** What every use of a record reads (a pid file holding `null` or `{}` is no record: nothing to trust or reap). */
function isPidRecord(value: unknown): value is PidRecord {
  if (typeof value !== 'object' || value === null) return false;
  const { pid, startTime, bootId } = value as Partial<Record<keyof PidRecord, unknown>>;
  return Number.isInteger(pid) && (pid as number) > 0 && typeof startTime === 'string' && typeof bootId === 'string';
}

/** This land's pid and start time, and the namespace they are of. */
export function ownIdentity(): Pick<PidRecord, 'pid' | 'startTime' | 'pidNs'> {
  return { pid: process.pid, startTime: readProc(process.pid)?.startTime ?? '', ...pidNamespaceField() };
}

/**
 * Written by a land in another pid namespace: its pid means nothing here (or another process), so whether it runs
 * is for its control socket to say (`probeSocket`), never for /proc or a signal.
 */
export function inOtherNamespace(record: PidRecord | undefined): boolean {
  return record !== undefined && inOtherPidNamespace(typeof record.pidNs === 'string' ? record.pidNs : undefined);
}

/**
 * The recorded land, when it is still that very process (and has not exited). A zombie (Z, or X: being reaped) has
 * exited, only its parent's wait() is missing: a land started by `land up --background` outlives its parent, and a
 * pid 1 that does not reap (a container without an init) leaves it a zombie once it dies. A record of another pid
 * namespace is not judged here (undefined): its callers ask the socket (inOtherNamespace).
 */
export function liveLand(record: PidRecord | undefined): PidRecord | undefined {
  if (!record || inOtherNamespace(record)) return undefined;
  if (record.pid === process.pid) return undefined;
  return sameProcess(record.pid, record.startTime) ? record : undefined;
}

/** liveLand, or a record of another pid namespace (not judged by its pid: taken as possibly running). */
export function liveOrElsewhere(record: PidRecord | undefined): PidRecord | undefined {
  return liveLand(record) ?? (inOtherNamespace(record) ? record : undefined);
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
 * reapBoot, then until they are gone (SIGKILL again to what is still there, what forked meanwhile included), bounded
 * as a stop's grace: `land down` says what it reaped and what it could not.
 */
export async function reapBootAndWait(bootId: string): Promise<{ reaped: number[]; left: Leftovers }> {
  const reaped = reapBoot(bootId);
  if (reaped.length === 0) return { reaped, left: NOTHING_LEFT };
  const now = Date.now();
  return { reaped, left: await endTree({ marks: { LAND_BOOT_ID: bootId } }, 'SIGKILL', now, now + STOP_GRACE_MS) };
}

/** Written beside its final name and renamed over it (private-dir.ts), in the folder made private beforehand. */
export function writePidRecord(rootDir: string, bootId: string, { left, strays }: ShutdownLeft = {}): void {
  const recorded = recordStrays(strays ?? []);
  const record: PidRecord = {
    ...ownIdentity(),
    bootId,
    ...(left && left.length > 0 ? { left } : {}),
    ...(recorded.length > 0 ? { strays: recorded } : {}),
  };
  writePrivateFile(pidPath(rootDir), `${JSON.stringify(record)}\n`);
}

/** The strays with their start times, read now (the shutdown has just found them running), bounded. */
function recordStrays(strays: readonly NamedStray[]): RecordedStray[] {
  return strays.slice(0, MAX_NAMED_STRAYS).flatMap(({ tier, pid, name }) => {
    const startTime = readProc(pid)?.startTime;
    return startTime === undefined ? [] : [{ tier, pid, name, startTime }];
  });
}

/**
 * The record's strays still running (the same pid and start time), as a client prints them. A record is this user's
 * own file, yet each entry is checked: a malformed one is skipped, not printed.
 */
export function straysOfRecord(record: PidRecord): NamedStray[] {
  if (!Array.isArray(record.strays)) return [];
  const wellFormed = record.strays.slice(0, MAX_NAMED_STRAYS).filter(isRecordedStray);
  return runningStrays(wellFormed).map(({ tier, pid, name }) => ({ tier, pid, name }));
}

function isRecordedStray({ tier, pid, name, startTime }: Partial<RecordedStray>): boolean {
  return typeof tier === 'string' && typeof name === 'string' && typeof startTime === 'string' && Number.isInteger(pid);
}

export function removePidRecord(rootDir: string): void {
  const record = readPidRecord(rootDir);
  // Only this land's own: a land in another namespace may have the same pid (each container's pid 1).
  if (record?.pid === process.pid && !inOtherNamespace(record)) removeFile(pidPath(rootDir));
}
