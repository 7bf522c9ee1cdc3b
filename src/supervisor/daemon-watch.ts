/**
 * The processes of a daemon tier's life once its launcher has exited 0: every live process bearing the life's marks
 * (LAND_BOOT_ID and TRACEPARENT, unique to one start: never another tier's, nor another life's). Found with the
 * left-behind sweep's search (processesMarked: one fresh look at /proc), then followed cheaply on land's heartbeat
 * (src/runtime/heartbeat.ts, a wake-up land has anyway): one stat read of the oldest known process a second, the
 * next one only when that one is gone, and a fresh search only when every known one is. While a stop waits for
 * them, they are looked at every 20 ms instead. When none is left, the daemon has ended.
 */
import { onHeartbeat } from '../runtime/heartbeat.js';
import { isDead, listProcesses, processesMarked, readProc, SELF_START, type ProcInfo } from './process-tree.js';

/** How often a stop that waits for the daemon looks (as bounded-stop.ts's poll). */
const STOPPING_POLL_MS = 20;

interface Known {
  pid: number;
  startTime: string;
}

const alive = (info: ProcInfo | undefined): info is ProcInfo => info !== undefined && !isDead(info) && !info.exiting;

export class DaemonWatch {
  /** Oldest first: the first is the daemon's pid as land shows it. */
  private known: Known[] = [];
  private stopBeat?: () => void;
  private fast?: NodeJS.Timeout;
  private over = false;
  /** The daemon's pid when it was last seen (kept after its end, for the words that say so). */
  lastPid?: number;

  constructor(
    private readonly marks: Record<string, string>,
    private readonly onGone: () => void,
  ) {}

  /** The first look (at the launcher's exit): false when no process bears the marks, so there is nothing to follow. */
  start(): boolean {
    if (!this.search()) return false;
    this.stopBeat = onHeartbeat(() => this.check());
    return true;
  }

  /** The oldest live process bearing the marks, as last seen; undefined once the daemon has ended. */
  get pid(): number | undefined {
    return this.over ? undefined : this.known[0]?.pid;
  }

  /** A stop waits for the daemon to go: looked at every STOPPING_POLL_MS from now on. */
  stopping(): void {
    if (this.over || this.fast) return;
    this.fast = setInterval(() => this.check(), STOPPING_POLL_MS);
    this.fast.unref();
  }

  /** Ended as far as land is concerned (it was SIGKILLed, and what refused is the life's end's to say): no more looks. */
  end(): void {
    if (this.over) return;
    this.over = true;
    this.close();
    this.onGone();
  }

  /** Stops looking, without saying anything (the life ended another way). */
  close(): void {
    this.stopBeat?.();
    this.stopBeat = undefined;
    if (this.fast) clearInterval(this.fast);
    this.fast = undefined;
  }

  private check(): void {
    if (this.over || this.firstAlive() || this.search()) return;
    this.end();
  }

  /** Whether a known process is still there: the oldest first, the next only when it is gone (usually one read). */
  private firstAlive(): boolean {
    while (this.known.length > 0) {
      const { pid, startTime } = this.known[0]!;
      const info = readProc(pid);
      if (alive(info) && info.startTime === startTime) return true;
      this.known.shift();
    }
    return false;
  }

  /** Every live process bearing the marks, from a fresh look at /proc, oldest first; false when there is none. */
  private search(): boolean {
    const pids = new Set(processesMarked(this.marks, { since: SELF_START, fresh: true }));
    // The listing processesMarked just read (fresh: within the shared listing's 25 ms).
    const found = listProcesses().filter((info) => pids.has(info.pid) && alive(info));
    found.sort((a, b) => Number(a.startTime) - Number(b.startTime) || a.pid - b.pid);
    this.known = found.map(({ pid, startTime }) => ({ pid, startTime }));
    if (this.known.length > 0) this.lastPid = this.known[0]!.pid;
    return this.known.length > 0;
  }
}
