/**
 * A daemon tier's life (`daemon: true`: `redis-server --daemonize yes`, `pg_ctl start`, `nginx`): first its launcher,
 * the command land spawned, whose exit with code 0 means the daemon has started (a non-zero exit is a failed start,
 * as any tier's). While the launcher runs, what it starts is followed by parent links (daemon-lineage.ts). From its
 * exit on, the life is the daemon's: it lasts as long as a process of it does (daemon-watch.ts: marks, lineage, pid
 * file, descendants), its pid is the daemon's, a stop signals those processes (or runs the stop command), and when
 * none is left the tier has exited: with no exit code land could read, a failure unless land stopped it.
 * tier-spawn.ts hands the launcher's exit here; tier-run.ts waits for the launch before ready; tier-stop.ts stops
 * the daemon through stopDaemon.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { endTree, settlesWithin, STOP_GRACE_MS } from './bounded-stop.js';
import { Lineage } from './daemon-lineage.js';
import { PidFile } from './daemon-pidfile.js';
import { DaemonWatch } from './daemon-watch.js';
import { detachedSince } from './daemon-strays.js';
import { readProc, signalTree, type TreeTarget } from './process-tree.js';
import type { Life } from './tier-base.js';
import { steadyNow } from '../runtime/steady-clock.js';

/** How often a pid file not written yet is read again (a daemon may write it after its launcher has exited). */
const PID_FILE_POLL_MS = 50;

export interface DaemonOptions {
  marks: Record<string, string>;
  pidFile?: string;
  /** The launcher's pid; its start is read now (one stat read). */
  launcher: number;
  /** By then the launcher must have exited 0 and the daemon be found (the readiness deadline). */
  until: number;
}

export class DaemonLife {
  /** Set once the launcher has exited 0 and the daemon is being followed. */
  watch?: DaemonWatch;
  /** How the life ended without an exit code of its own: no daemon left by the launcher, or the daemon gone. */
  ended?: string;
  private markLaunched!: () => void;
  /** Resolves once the daemon runs (never, when the launcher fails). */
  readonly launched = new Promise<void>((resolve) => (this.markLaunched = resolve));
  launchedAt?: number;
  /** What its failed start named as maybe its daemon (never signalled; named again at the shutdown's end). */
  readonly strays: Array<{ pid: number; startTime: string; name: string }> = [];
  private readonly lineage?: Lineage;
  private readonly pidFile?: PidFile;
  private readonly launcherStart: number;

  constructor(private readonly options: DaemonOptions) {
    const start = readProc(options.launcher)?.startTime;
    this.launcherStart = Number(start ?? 0);
    if (start !== undefined) {
      this.lineage = new Lineage(options.launcher, start);
      this.lineage.start(options.until);
    }
    if (options.pidFile) this.pidFile = new PidFile(options.pidFile, this.launcherStart);
  }

  /** The launcher has exited 0 and the life is its daemon's. */
  get running(): boolean {
    return this.watch !== undefined;
  }

  /** The processes known to be the daemon's (by identity): the watch's, or those the launcher was seen to start. */
  get processes(): ReadonlyArray<{ pid: number; startTime: string }> {
    return this.watch?.processes ?? this.lineage?.alive() ?? [];
  }

  /** The daemon's pid (its oldest live process); undefined before the launch and after the end. */
  get pid(): number | undefined {
    return this.watch?.pid;
  }

  /**
   * The launcher exited. True when the life goes on as its daemon's: code 0, the life not being ended (a stop, a
   * failed probe, the memory limit: then its processes go with it, as any tier's), and a process of the daemon
   * found (or, with a pid file, looked for until the readiness deadline). `onGone`: the daemon has ended, later.
   */
  launcherExited(life: Life, code: number | null, onGone: () => void): boolean {
    this.lineage?.stop();
    if (code !== 0 || life.stopRequested || life.probeFailed || life.overMemory) return false;
    const sources = { marks: this.options.marks, seeds: this.lineage?.alive(), pidFile: this.pidFile };
    const watch = new DaemonWatch(sources, () => {
      this.ended ??= `its daemon ended (pid ${watch.lastPid}; exit code unknown)`;
      onGone();
    });
    this.watch = watch;
    if (watch.start()) return this.launch();
    if (this.pidFile) {
      void this.awaitPidFile(watch, onGone);
      return true;
    }
    this.watch = undefined;
    this.ended = `its launcher exited with code 0 and left no process land can follow${this.nameStrays()}`;
    return false;
  }

  private launch(): true {
    this.launchedAt = steadyNow();
    this.markLaunched();
    return true;
  }

  /** No process found at the launcher's exit: the pid file may be written a moment later, by the daemon. */
  private async awaitPidFile(watch: DaemonWatch, onGone: () => void): Promise<void> {
    while (steadyNow() < this.options.until) {
      await sleep(PID_FILE_POLL_MS);
      if (this.ended !== undefined) return;
      if (watch.start()) return void this.launch();
    }
    this.ended = `its launcher exited with code 0, and no live process started since was named in its pid file ${this.pidFile!.path}${this.nameStrays()}`;
    onGone();
  }

  /** What may be its daemon, unfollowed (named, never signalled: land cannot tell it is the tier's). */
  private nameStrays(): string {
    const strays = detachedSince(this.launcherStart, this.options.marks.LAND_BOOT_ID!);
    this.strays.push(...strays);
    if (strays.length === 0) return ' (a daemon keeps LAND_BOOT_ID and TRACEPARENT in its environment, or names itself in daemon: { pidFile })';
    const named = strays.map(({ pid, name }) => `${pid} ${name}`).join(', ');
    return `; orphans in sessions of their own, started while it ran and still running: pid ${named}. If one is its daemon, it hid land's marks (a process title, env -i) before land saw it: name it with daemon: { pidFile }`;
  }
}

/**
 * Before a daemon tier is ready: its launcher has exited 0 (besides its readiness probe, if any), within the
 * readiness timeout counted from the start; then a moment for a middle fork of the launcher to be gone (the daemon
 * named is then the daemon, not the process that forked it). Throws when the launcher failed, or took longer.
 */
export async function whenLaunched(daemon: DaemonLife, life: Life, timeoutMs: number, settleMs: number): Promise<void> {
  const outcome = Promise.race([daemon.launched.then(() => true), life.exited.then(() => false)]);
  if (!(await settlesWithin(outcome, life.startedSteady + timeoutMs - steadyNow()))) {
    throw new Error(`its launcher did not exit within ${timeoutMs} ms (a daemon tier is started once its launcher exits 0)`);
  }
  if (!(await outcome)) throw new Error('its launcher ended without starting a daemon');
  const settle = daemon.launchedAt! + settleMs - steadyNow();
  if (settle > 0) await settlesWithin(life.exited, settle);
  daemon.watch?.refresh();
}

/** What a daemon's stop needs of its tier (tier-stop.ts). */
export interface DaemonStop {
  /** The daemon's processes (no process group: the launcher's is gone, and its number may be someone else's now). */
  target: () => TreeTarget;
  signal: NodeJS.Signals;
  timeoutMs: number;
  /** The stop's first step: the stop command if the tier has one, else (or when it fails) `signalIt`. */
  begin(signalIt: () => void): void;
}

/**
 * A running daemon's stop, bounded as every stop: the stop command or the stop signal to every process of the
 * daemon, SIGKILL to them at the deadline; then the daemon's end is the life's end, whose clearing says what
 * refused (tier-stop.ts), within the grace.
 */
export async function stopDaemon(life: Life, watch: DaemonWatch, stop: DaemonStop): Promise<void> {
  life.deadline ??= steadyNow() + stop.timeoutMs;
  watch.stopping();
  stop.begin(() => void signalTree(stop.target(), stop.signal));
  if (await settlesWithin(life.exited, life.deadline - steadyNow())) return;
  // Within the stop's bound: what is still there then is named by the life's end (tier-stop.ts clearLeftovers).
  await endTree(stop.target(), 'SIGKILL', steadyNow(), life.deadline + STOP_GRACE_MS);
  watch.end();
}
