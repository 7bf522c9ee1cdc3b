/**
 * The processes of a daemon tier's life once its launcher has exited 0, each known by pid and start time (an
 * identity that survives pid reuse): every live process bearing the life's marks (LAND_BOOT_ID and TRACEPARENT,
 * unique to one start: never another tier's, nor another life's), those its launcher was seen to start
 * (daemon-lineage.ts), the one its pid file names (daemon-pidfile.ts), and every descendant of these by parent link.
 * Once known, a process stays known whatever it does to its environment (a process title wipes the marks) and
 * wherever it is reparented.
 *
 * Found with one fresh look at /proc (the left-behind sweep's search), then followed cheaply on land's heartbeat
 * (src/runtime/heartbeat.ts, a wake-up land has anyway): one stat read of the oldest known process a second, a fresh
 * search when that one is gone or every SEARCH_BEATS beats (a daemon that re-executed itself or started another one;
 * a younger known process that ended is dropped then), and every 20 ms while a stop waits for them. When none is
 * left, the daemon has ended.
 */
import { onHeartbeat } from '../runtime/heartbeat.js';
import type { Known } from './daemon-lineage.js';
import type { PidFile } from './daemon-pidfile.js';
import { isDead, sameProcess, treeProcesses, type ProcInfo } from './process-tree.js';

/** How often a stop that waits for the daemon looks (as bounded-stop.ts's poll). */
const STOPPING_POLL_MS = 20;
/** Heartbeats between two fresh searches while every known process lives (a search: ≈5 ms at 100 processes). */
const SEARCH_BEATS = 5;

interface Followed extends Known {
  ppid: number;
}

const alive = (info: ProcInfo | undefined): info is ProcInfo => info !== undefined && !isDead(info) && !info.exiting;

/** Where the processes of a daemon are found besides its marks. */
export interface DaemonSources {
  /** The life's marks. */
  marks: Record<string, string>;
  /** Processes already known (those the launcher was seen to start). */
  seeds?: readonly Known[];
  pidFile?: PidFile;
}

export class DaemonWatch {
  /** Oldest first: the first is the daemon's pid as land shows it. */
  private known: Followed[] = [];
  private stopBeat?: () => void;
  private fast?: NodeJS.Timeout;
  private beats = 0;
  private over = false;
  /** The daemon's pid when it was last seen (kept after its end, for the words that say so). */
  lastPid?: number;

  constructor(
    private readonly sources: DaemonSources,
    private readonly onGone: () => void,
  ) {}

  /** The first look (at the launcher's exit): false when no process of the daemon is found, so there is nothing to follow. */
  start(): boolean {
    if (!this.search()) return false;
    this.stopBeat = onHeartbeat(() => this.check(++this.beats % SEARCH_BEATS === 0));
    return true;
  }

  /** The oldest live process of the daemon, as last seen; undefined once the daemon has ended. */
  get pid(): number | undefined {
    return this.over ? undefined : this.known[0]?.pid;
  }

  /** Every process of the daemon as last seen (identities: a stop's target, kept after the end for what refused). */
  get processes(): readonly Known[] {
    return this.known;
  }

  /** The tops of the daemon's trees (a known process whose parent is not known): what usage and the memory limit sum. */
  get roots(): number[] {
    if (this.over) return [];
    const pids = new Set(this.known.map(({ pid }) => pid));
    return this.known.filter(({ ppid }) => !pids.has(ppid)).map(({ pid }) => pid);
  }

  /** A fresh search now (before the tier is said to be ready: a middle fork of the launcher is gone by then). */
  refresh(): void {
    if (!this.over) this.check(true);
  }

  /** A stop waits for the daemon to go: looked at every STOPPING_POLL_MS from now on. */
  stopping(): void {
    if (this.over || this.fast) return;
    this.fast = setInterval(() => this.check(false), STOPPING_POLL_MS);
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

  private check(searchAnyway: boolean): void {
    if (this.over) return;
    if (!searchAnyway && this.oldestAlive()) return;
    if (!this.search()) this.end();
  }

  /**
   * Whether the oldest known process (the pid shown) is still there: one read. The others are looked at by the next
   * search (every SEARCH_BEATS beats), which also finds what replaced them.
   */
  private oldestAlive(): boolean {
    const first = this.known[0];
    if (!first) return false;
    return alive(sameProcess(first.pid, first.startTime));
  }

  /**
   * Every live process of the daemon, from a fresh look at /proc, oldest first; false when there is none. A process
   * that died takes nobody along: its children, reparented, are known already (or bear the marks).
   */
  private search(): boolean {
    const { marks, seeds, pidFile } = this.sources;
    const named = pidFile?.read();
    // The life's marks and every identity known (the tree scan's search: marked since land's start, by identity, and
    // their descendants), in a fresh listing.
    const known = [...(seeds ?? []), ...this.known, ...(named ? [named] : [])];
    const found = treeProcesses({ marks, known }).filter(alive);
    found.sort((a, b) => Number(a.startTime) - Number(b.startTime) || a.pid - b.pid);
    this.known = found.map(({ pid, startTime, ppid }) => ({ pid, startTime, ppid }));
    if (this.known.length > 0) this.lastPid = this.known[0]!.pid;
    return this.known.length > 0;
  }
}
