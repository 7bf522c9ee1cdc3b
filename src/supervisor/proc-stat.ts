/** Reading one process from /proc: its stat line parsed, its identity (pid + start time), and the pid list. */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** The session id (a daemon that called setsid leads its own: session === pid). */
  session: number;
  /** One letter: R, S, D, Z (zombie: dead, waiting to be reaped), … */
  state: string;
  /** The kernel has begun its exit (PF_EXITING): it is closing its files and will be a zombie in a moment. */
  exiting: boolean;
  /** Clock ticks since boot when the process started: with the pid, an identity that survives pid reuse. */
  startTime: string;
  /** CPU time used so far, user and system, in clock ticks (USER_HZ). */
  cpuTicks: number;
  /** Resident memory, in pages. */
  rssPages: number;
}

export const HAS_PROC = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** A stat line is at most 52 numbers and a 16-byte name: well under this. One buffer, parsed before the next read. */
const line = Buffer.allocUnsafeSlow(2048);

/**
 * One open, one read into a buffer used again, one close: `readFileSync` also took an fstat and a 64 KiB buffer per
 * process (the size of a /proc file is 0), which was most of a tier's exit scan (docs/decisions.md, "The log relay,
 * thirteenth wave").
 */
export function readProc(pid: number): ProcInfo | undefined {
  const info = statOf(pid);
  return info === UNKNOWN ? undefined : info;
}

/** A read /proc refused for want of file descriptors: no answer about the process, neither alive nor gone. */
export const UNKNOWN = Symbol('unknown: out of file descriptors');

/** readProc that tells a process gone (undefined) from one land could not read for want of descriptors (UNKNOWN). */
export function statOf(pid: number): ProcInfo | undefined | typeof UNKNOWN {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
    return parseStat(pid, line, readSync(fd, line, 0, line.length, 0));
  } catch (error) {
    return isFdShortage(error) ? UNKNOWN : undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** How long a scan waits, once, before it reads again what it could not for want of descriptors. */
const SHORTAGE_WAIT_MS = 20;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Once per scan, when a read found land out of descriptors: a descriptor another thread holds for a moment (a log
 * write, an accept) is often back soon. Synchronous, as the scans are (signalTree runs in 'exit' too).
 */
export function waitForDescriptors(): void {
  Atomics.wait(pause, 0, 0, SHORTAGE_WAIT_MS);
}

const CLOSE_PAREN = 0x29;
// Fields of a stat line after the command name, counted from the state (0): the ones ProcInfo holds.
const PPID = 1;
const PGID = 2;
const SESSION = 3;
const FLAGS = 6;
/** The kernel's PF_EXITING flag (include/linux/sched.h): set as do_exit begins, before the files are closed. */
const PF_EXITING = 0x4;
const UTIME = 11;
const STIME = 12;
const START = 19;
const RSS = 21;

/** The fields of a stat line (its first `length` bytes) that ProcInfo holds; undefined when it is not one. */
export function parseStat(pid: number, bytes: Buffer, length: number): ProcInfo | undefined {
  // The command name may hold spaces and parentheses: the fields start after the last ')'. Only fields up to rss
  // are split (the other 28 were strings for nothing), by V8's builtins (land runs without the optimizing compiler
  // while idle, where a loop over the bytes in JavaScript costs more). Used by readProc and the UI's open files.
  if (length <= 0) return undefined; // lastIndexOf from -1 would search the whole buffer: an earlier process's line
  const close = bytes.lastIndexOf(CLOSE_PAREN, length - 1);
  if (close < 0) return undefined;
  const fields = bytes.toString('latin1', close + 2, length).split(' ', RSS + 1);
  if (fields.length <= RSS) return undefined;
  return {
    pid,
    state: fields[0]!,
    ppid: Number(fields[PPID]),
    pgid: Number(fields[PGID]),
    session: Number(fields[SESSION]),
    exiting: (Number(fields[FLAGS]) & PF_EXITING) !== 0,
    startTime: fields[START]!,
    cpuTicks: Number(fields[UTIME]) + Number(fields[STIME]),
    rssPages: Number(fields[RSS]),
  };
}

/**
 * The process `pid` while it is still the one that started at `startTime` (pids get reused) and has not exited (a
 * zombie has); undefined otherwise.
 */
export function sameProcess(pid: number, startTime: string): ProcInfo | undefined {
  const info = readProc(pid);
  return info && !isDead(info) && info.startTime === startTime ? info : undefined;
}

/** Whether an error is land running out of file descriptors (its own limit or the system's): it passes. */
export const isFdShortage = (error: unknown): boolean => ['EMFILE', 'ENFILE'].includes((error as NodeJS.ErrnoException)?.code ?? '');

/** Every pid in /proc (throws where there is no /proc, or when land is out of file descriptors). */
export function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** A zombie has exited: only its parent's wait() is missing (orphans of a non-reaping pid 1 stay zombies). */
export const isDead = (info: ProcInfo): boolean => info.state === 'Z' || info.state === 'X';
