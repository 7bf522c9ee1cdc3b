/**
 * `daemon: { pidFile }` (systemd's PIDFile=): the file a daemon writes its pid into, read after its launcher has
 * exited and again whenever the daemon land follows is gone (a daemon that re-executes itself writes its new pid).
 * The explicit way to name a daemon land could not follow otherwise: one that set its process title (or cleared its
 * environment) and left its launcher's tree before land saw it (daemon-lineage.ts).
 */
import { readFileSync } from 'node:fs';
import type { Known } from './daemon-lineage.js';
import { isDead, readProc } from './process-tree.js';

export class PidFile {
  /** The process the file named when last read: the same pid later with another start time is a reused pid. */
  private last?: Known;

  /** `since`: the launcher's start (clock ticks since boot): a process older than that is a stale file's. */
  constructor(
    readonly path: string,
    private readonly since: number,
  ) {}

  /** The live process the file names now; undefined when there is none (no file yet, a stale or reused pid). */
  read(): Known | undefined {
    let pid: number;
    try {
      pid = Number(readFileSync(this.path, 'latin1').trim().split(/\s/)[0]);
    } catch {
      return undefined;
    }
    if (!Number.isInteger(pid) || pid <= 1) return undefined;
    const info = readProc(pid);
    if (!info || isDead(info) || info.exiting || Number(info.startTime) < this.since) return undefined;
    if (this.last?.pid === pid && this.last.startTime !== info.startTime) return undefined;
    this.last = { pid, startTime: info.startTime };
    return this.last;
  }
}
