/**
 * A daemon tier's life (`daemon: true`: `redis-server --daemonize yes`, `pg_ctl start`, `nginx`): first its launcher,
 * the command land spawned, whose exit with code 0 means the daemon has started (a non-zero exit is a failed start,
 * as any tier's). From then on the life is the daemon's: it lasts as long as a process bearing the life's marks does
 * (daemon-watch.ts), its pid is the daemon's, a stop signals those processes (or runs the stop command), and when
 * none is left the tier has exited: with no exit code land could read, a failure unless land stopped it.
 * tier-spawn.ts hands the launcher's exit here; tier-run.ts waits for the launch before ready; tier-stop.ts stops
 * the daemon through stopDaemon.
 */
import { endTree, settlesWithin, STOP_GRACE_MS } from './bounded-stop.js';
import { DaemonWatch } from './daemon-watch.js';
import { signalTree, type TreeTarget } from './process-tree.js';
import type { Life } from './tier-base.js';

export class DaemonLife {
  /** Set once the launcher has exited 0 leaving processes that bear the marks: the daemon runs. */
  watch?: DaemonWatch;
  /** How the life ended without an exit code of its own: no daemon left by the launcher, or the daemon gone. */
  ended?: string;
  private markLaunched!: () => void;
  /** Resolves once the daemon runs (never, when the launcher fails). */
  readonly launched = new Promise<void>((resolve) => (this.markLaunched = resolve));

  constructor(private readonly marks: Record<string, string>) {}

  /** The launcher has exited 0 and the life is its daemon's. */
  get running(): boolean {
    return this.watch !== undefined;
  }

  /** The daemon's pid (the oldest live process bearing the marks); undefined before the launch and after the end. */
  get pid(): number | undefined {
    return this.watch?.pid;
  }

  /**
   * The launcher exited. True when the life goes on as its daemon's: code 0, the life not being ended (a stop, a
   * failed probe, the memory limit: then its processes go with it, as any tier's), and some process bearing the
   * marks alive. `onGone`: the daemon has ended, later.
   */
  launcherExited(life: Life, code: number | null, onGone: () => void): boolean {
    if (code !== 0 || life.stopRequested || life.probeFailed || life.overMemory) return false;
    const watch = new DaemonWatch(this.marks, () => {
      this.ended ??= `its daemon ended (pid ${watch.lastPid}; exit code unknown)`;
      onGone();
    });
    if (!watch.start()) {
      this.ended = 'its launcher exited with code 0 and left no process running (a daemon keeps LAND_BOOT_ID and TRACEPARENT in its environment)';
      return false;
    }
    this.watch = watch;
    this.markLaunched();
    return true;
  }
}

/**
 * Before a daemon tier is ready: its launcher has exited 0 (besides its readiness probe, if any), within the
 * readiness timeout counted from the start. Throws when the launcher failed, or took longer.
 */
export async function whenLaunched(daemon: DaemonLife, life: Life, timeoutMs: number): Promise<void> {
  const outcome = Promise.race([daemon.launched.then(() => true), life.exited.then(() => false)]);
  if (!(await settlesWithin(outcome, life.startedAt + timeoutMs - Date.now()))) {
    throw new Error(`its launcher did not exit within ${timeoutMs} ms (a daemon tier is started once its launcher exits 0)`);
  }
  if (!(await outcome)) throw new Error('its launcher ended without starting a daemon');
}

/** What a daemon's stop needs of its tier (tier-stop.ts). */
export interface DaemonStop {
  /** The life's marks (no process group: the launcher's is gone, and its number may be someone else's now). */
  target: TreeTarget;
  signal: NodeJS.Signals;
  timeoutMs: number;
  /** The stop's first step: the stop command if the tier has one, else (or when it fails) `signalIt`. */
  begin(signalIt: () => void): void;
}

/**
 * A running daemon's stop, bounded as every stop: the stop command or the stop signal to every process bearing the
 * marks, SIGKILL to them at the deadline; then the daemon's end is the life's end, whose clearing says what
 * refused (tier-stop.ts), within the grace.
 */
export async function stopDaemon(life: Life, watch: DaemonWatch, stop: DaemonStop): Promise<void> {
  life.deadline ??= Date.now() + stop.timeoutMs;
  watch.stopping();
  stop.begin(() => void signalTree(stop.target, stop.signal));
  if (await settlesWithin(life.exited, life.deadline - Date.now())) return;
  await endTree(stop.target, 'SIGKILL', Date.now(), Date.now() + STOP_GRACE_MS);
  watch.end();
}
