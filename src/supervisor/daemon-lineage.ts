/**
 * What a daemon tier's launcher starts, followed by parent links while it runs: a short poll of the children of every
 * process known so far (`/proc/<pid>/task/<tid>/children`, a few small reads), so that a process it forks is known
 * by pid and start time even after it is reparented (the launcher's exit) and after it has overwritten the
 * environment that carries land's marks (a process title: nginx, redis-server ≥ 6.2, perl's `$0 = …`, postgres's
 * workers; `env -i`). Only daemon tiers, only while their launcher runs, and never past the readiness timeout.
 *
 * A poll catches a fork whose parent is still there at its next look: a launcher that waits for its daemon
 * (`pg_ctl start`, a shell that runs on) always, one whose middle process exits within a millisecond of its fork
 * (a shell's `setsid daemon &` as its last line, perl's fork-and-exit) only sometimes: those are found by their marks
 * at the launcher's exit if they still have them, else only through `daemon: { pidFile }` (daemon-watch.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { descendantsOf, isDead, listProcesses, readProc, sameProcess } from './process-tree.js';
import { steadyNow } from '../runtime/steady-clock.js';

/**
 * How often the launcher's lineage is looked at: often in its first second, when most launchers fork their daemon
 * and exit, then less (a look every 5 ms costs land ≈7 % of a core here: docs/decisions.md, "Daemon tiers, after a
 * review").
 */
const LINEAGE_POLL_MS = 5;
const FIRST_SECOND_MS = 1_000;
const LATER_POLL_MS = 25;
/** Without the children files (a kernel built without CONFIG_PROC_CHILDREN): a whole listing, less often. */
const LISTING_POLL_MS = 50;

export interface Known {
  pid: number;
  startTime: string;
}

/** The children of every thread of `pid`; undefined when the kernel has no children files (or `pid` is gone). */
function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const children: number[] = [];
  for (const task of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1');
    } catch {
      return undefined;
    }
    for (const word of text.split(' ')) if (word !== '') children.push(Number(word));
  }
  return children;
}

export class Lineage {
  /** By pid: every process seen below the launcher (the launcher itself first). */
  private readonly seen = new Map<number, Known>();
  private timer?: NodeJS.Timeout;
  private byListing = false;
  private stopped = false;

  constructor(
    private readonly launcher: number,
    launcherStart: string,
  ) {
    this.seen.set(launcher, { pid: launcher, startTime: launcherStart });
  }

  /** Looks every LINEAGE_POLL_MS (then LATER_POLL_MS) until `stop`, or `until` (the readiness deadline) at the latest. */
  start(until: number): void {
    const began = steadyNow();
    const next = () => {
      if (this.stopped) return;
      if (steadyNow() >= until) return this.stop();
      this.look();
      const every = this.byListing ? LISTING_POLL_MS : steadyNow() - began < FIRST_SECOND_MS ? LINEAGE_POLL_MS : LATER_POLL_MS;
      this.timer = setTimeout(next, every);
      this.timer.unref();
    };
    next();
  }

  /** The launcher has exited (or the wait is over): one last look, then no more. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.look();
  }

  /** Every process seen below the launcher that is still the same process (the launcher itself left out). */
  alive(): Known[] {
    return [...this.seen.values()].filter(({ pid, startTime }) => {
      if (pid === this.launcher) return false;
      return sameProcess(pid, startTime) !== undefined;
    });
  }

  private look(): void {
    if (this.byListing) return this.lookByListing();
    for (const { pid } of [...this.seen.values()]) {
      const children = childrenOf(pid);
      if (children === undefined) {
        // The launcher's own file missing means no children files at all; another's, a process gone: not looked at again.
        if (pid === this.launcher && readProc(pid) !== undefined) this.byListing = true;
        else if (pid !== this.launcher) this.seen.delete(pid);
        continue;
      }
      for (const child of children) if (!this.seen.has(child)) this.add(child);
    }
    if (this.byListing) this.lookByListing();
  }

  private lookByListing(): void {
    const processes = listProcesses(true);
    for (const pid of descendantsOf([...this.seen.keys()], processes)) if (!this.seen.has(pid)) this.add(pid);
  }

  private add(pid: number): void {
    const info = readProc(pid);
    if (info && !isDead(info)) this.seen.set(pid, { pid, startTime: info.startTime });
  }
}
