/**
 * `/proc/<pid>/stat` of the processes a usage sampler reads every 2 s (its trees'), kept open and read again from
 * offset 0 (one pread) instead of an open, two reads and a close each time; other processes (a pass over /proc) are
 * read with `readOnce` and not kept. An open stat file stays bound to the process it was opened for: once that
 * process is gone a read fails (ESRCH) even if its pid is reused, so a reused pid is never read as the old process.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseStat, type ProcInfo } from '../supervisor/process-tree.js';

/** A stat line is at most 52 numbers and a 16-byte name: well under this. */
const line = Buffer.allocUnsafe(2048);
/** Open stat files by pid, for one sampler: `read` opens a file at its first use, `keepOnly` closes the rest. */
export class StatFiles {
  private readonly open = new Map<number, number>();

  /** The process now, or undefined once it is gone (its file is closed then). */
  read(pid: number): ProcInfo | undefined {
    let fd = this.open.get(pid);
    try {
      if (fd === undefined) {
        fd = openSync(`/proc/${pid}/stat`, 'r');
        this.open.set(pid, fd);
      }
      return parseStat(pid, line, readSync(fd, line, 0, line.length, 0));
    } catch {
      this.close(pid);
      return undefined;
    }
  }

  /** The process now, from its open file if it has one, else from a file opened and closed at once (not kept). */
  readOnce(pid: number): ProcInfo | undefined {
    if (this.open.has(pid)) return this.read(pid);
    let fd: number | undefined;
    try {
      fd = openSync(`/proc/${pid}/stat`, 'r');
      return parseStat(pid, line, readSync(fd, line, 0, line.length, 0));
    } catch {
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Close every file but those of `pids` (the processes still sampled). */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.open.keys()) if (!pids.has(pid)) this.close(pid);
  }

  closeAll(): void {
    for (const pid of [...this.open.keys()]) this.close(pid);
  }

  get size(): number {
    return this.open.size;
  }

  private close(pid: number): void {
    const fd = this.open.get(pid);
    if (fd === undefined) return;
    this.open.delete(pid);
    try {
      closeSync(fd);
    } catch {
      // Already closed.
    }
  }
}
