/**
 * `/proc/<pid>/stat` of the processes a usage sampler reads every 2 s (its trees'), kept open and read again from
 * offset 0 (one pread) instead of an open, two reads and a close each time; other processes (a pass over /proc) are
 * read with `readOnce` and not kept. An open stat file stays bound to the process it was opened for: once that
 * process is gone a read fails (ESRCH) even if its pid is reused, so a reused pid is never read as the old process.
 * A kept file's last line is kept too: a line that has not changed since (an idle process: the same ticks, pages and
 * state) gives back the same ProcInfo, parsed once, so an idle stack's sample allocates nothing per process.
 * `/proc/uptime` is kept open the same way (`uptime`).
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parseStat, readProc, type ProcInfo } from '../supervisor/proc-stat.js';

/** /proc/uptime's line: two numbers ("12345.67 23456.78"); readOnce's stat lines go through proc-stat.ts's buffer. */
const UPTIME_BYTES = 64;
const uptimeLine = Buffer.allocUnsafe(UPTIME_BYTES);

/** A kept file's line buffers: a stat line is ~300 bytes; the fields read (up to rss, the 24th) are well within. */
const KEPT_BYTES = 1024;

/**
 * A kept stat file: its descriptor, its last line (`bytes`, zero past `length`) and what it parsed to, and a second
 * buffer the next read goes into. The two lines are compared whole (Buffer#compare with one argument: with offsets, node
 * validates each through a wrapper that makes an array per call, which in the interpreter is most of a sample's garbage).
 */
interface Kept {
  fd: number;
  bytes: Buffer;
  length: number;
  spare: Buffer;
  spareLength: number;
  info: ProcInfo | undefined;
}

/** Open stat files by pid, for one sampler: `read` opens a file at its first use, `keepOnly` closes the rest. */
export class StatFiles {
  private readonly open = new Map<number, Kept>();
  private uptimeFd: number | undefined;

  /** The process now, or undefined once it is gone (its file is closed then); the same object while its line is. */
  read(pid: number): ProcInfo | undefined {
    let kept = this.open.get(pid);
    try {
      if (kept === undefined) {
        const fd = openSync(`/proc/${pid}/stat`, 'r');
        kept = { fd, bytes: Buffer.alloc(KEPT_BYTES), length: 0, spare: Buffer.alloc(KEPT_BYTES), spareLength: 0, info: undefined };
        this.open.set(pid, kept);
      }
      const { spare } = kept;
      const length = readSync(kept.fd, spare, 0, KEPT_BYTES, 0);
      for (let index = length; index < kept.spareLength; index += 1) spare[index] = 0; // what an older, longer line left
      kept.spareLength = length;
      if (kept.info !== undefined && spare.compare(kept.bytes) === 0) return kept.info;
      kept.spare = kept.bytes;
      kept.spareLength = kept.length;
      kept.bytes = spare;
      kept.length = length;
      kept.info = parseStat(pid, spare, length);
      return kept.info;
    } catch {
      this.close(pid);
      return undefined;
    }
  }

  /** The process now, from its open file if it has one, else from a file opened and closed at once (not kept). */
  readOnce(pid: number): ProcInfo | undefined {
    return this.open.has(pid) ? this.read(pid) : readProc(pid);
  }

  /** Seconds since boot, from /proc/uptime kept open (throws where there is none, as readFileSync would). */
  uptime(): number {
    this.uptimeFd ??= openSync('/proc/uptime', 'r');
    return parseUptime(uptimeLine, readSync(this.uptimeFd, uptimeLine, 0, UPTIME_BYTES, 0));
  }

  /** Close every file but those of `pids` (the processes still sampled). */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.open.keys()) if (!pids.has(pid)) this.close(pid);
  }

  closeAll(): void {
    for (const pid of [...this.open.keys()]) this.close(pid);
    if (this.uptimeFd !== undefined) closeQuietly(this.uptimeFd);
    this.uptimeFd = undefined;
  }

  get size(): number {
    return this.open.size;
  }

  private close(pid: number): void {
    const kept = this.open.get(pid);
    if (kept === undefined) return;
    this.open.delete(pid);
    closeQuietly(kept.fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
}

const DOT = 0x2e;
const ZERO = 0x30;

/**
 * The first number of /proc/uptime's line ("12345.67 23456.78"): seconds since boot. Digits read as they come, where
 * a string and Number() would make a string every sample; NaN for a line that does not start with one.
 */
export function parseUptime(bytes: Buffer, length: number): number {
  let whole = 0;
  let fraction = 0;
  let scale = 1;
  let inFraction = false;
  let digits = 0;
  for (let index = 0; index < length; index += 1) {
    const byte = bytes[index]!;
    if (byte === DOT && !inFraction) {
      inFraction = true;
      continue;
    }
    const digit = byte - ZERO;
    if (digit < 0 || digit > 9) break;
    digits += 1;
    if (inFraction) fraction += digit / (scale *= 10);
    else whole = whole * 10 + digit;
  }
  return digits === 0 ? Number.NaN : whole + fraction;
}

/** Seconds since boot, read anew (where no sampler keeps the file open). */
export function readUptime(): number {
  return Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
}
