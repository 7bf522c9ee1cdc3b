/**
 * A tier's state and what every life stage shares: its configuration, its runtime, its transitions and its
 * snapshot. The stages build on it: spawning (tier-spawn.ts), running (tier-run.ts), stopping and exiting
 * (tier-stop.ts); TierProcess (tier-process.ts) is the whole tier.
 */
import type { BootPlan, ResolvedTier } from '../config/types.js';
import type { DaemonLife } from './daemon-life.js';
import { waitingReason } from './dependency-gates.js';
import type { LeftBehind, Leftovers, NamedStray } from './left-behind.js';
import { runningStrays, type KnownStray } from './named-strays.js';
import type { LineBlock } from './line-block.js';
import type { OutputGate } from './output-gate.js';
import { RestartBudget } from './restart-policy.js';
import { RecentLines, type LogEntry, type RecentReader } from './recent-lines.js';
import type { TierLog } from './tier-log.js';
import type { TierChild } from './spawn-child.js';
import type { TierInput } from './tier-stdin.js';
import type { ExitInfo, SpawnSpan, SpawnTracer, SupervisorEvent, TierSnapshot, TierState, Transition } from './types.js';

/** What a tier needs from the stack it belongs to. */
export interface TierRuntime {
  plan: BootPlan;
  bootId: string;
  tracer: SpawnTracer;
  logDir: string;
  otlpEndpoint?: string;
  /** `http/protobuf` when otlpEndpoint is land's own receiver. */
  otlpProtocol?: string;
  output: OutputGate;
  emit(event: SupervisorEvent): void;
}

/** A tier without a readiness probe is ready once it has stayed up this long. */
export const SETTLE_MS = 150;
export const RECENT_LINES = 1_000;
/** The last line shown in status and the UI is cut to this many characters. */
export const LAST_LINE_CHARS = 1000;
const HISTORY = 20;

export interface Life {
  child: TierChild;
  pid: number;
  /** `stdin: true`: the write end of the child's stdin (tier-stdin.ts). */
  input?: TierInput;
  span: SpawnSpan;
  abort: AbortController;
  /** When the fork returned, on the wall clock (shown) and on the steady clock (runtime/steady-clock.ts: its waits). */
  startedAt: number;
  startedSteady: number;
  lines: string[];
  /** Characters in `lines`: the lines seen before ready are bounded in size too. */
  linesChars: number;
  lineListeners: Set<(line: string) => void>;
  /** Exec probe attempts under way: the life is over only once their processes are gone too. */
  probes: Set<Promise<unknown>>;
  /** Resolves once both output pipes have closed (or land stopped reading them: see tier-stop.ts). */
  ended: Promise<void>;
  /**
   * Resolves when the leader process exits (node's 'exit', whatever its pipes do); a daemon tier's once its daemon
   * is gone too (daemon-life.ts). `leaderGone` says the same.
   */
  exited: Promise<void>;
  markExited(): void;
  leaderGone: boolean;
  /** `daemon: true`: the launcher, then the daemon it left (daemon-life.ts). */
  daemon?: DaemonLife;
  /** The stop command run for this life's stop (stop-command.ts): resolves once nothing of it is left. */
  stopCommand?: Promise<void>;
  /** Settles once that command has exited: what is left of the tier then gets the stop signal. */
  stopCommandExited?: Promise<unknown>;
  /** How the stop under way began: its stop command, or the signal (also after the command failed). */
  stopBy?: 'command' | 'signal';
  /** Resolves once the life is over: leader gone, leftovers handled, state published. */
  settled: Promise<void>;
  markSettled(): void;
  /** The child's ends of its stdout and stderr (`socket:[inode]`): whoever holds them belongs to the tier. */
  outputLinks: string[];
  /** When the stop under way escalates to SIGKILL (the stop request, or the leader's own exit, + stop.timeoutMs), steady clock. */
  deadline?: number;
  stopRequested: boolean;
  stopReason: string;
  probeFailed: boolean;
  /** The memory watch found its tree over `limits.memory`: stopped to be restarted (memory-watch.ts); the sample. */
  overMemory?: { used: number; at: number };
  /** The leader would not exit (it refuses land's signals, or outlived SIGKILL and the grace): the life ended without it. */
  givenUp?: boolean;
  /** onExit has begun (on the exit, or on giving up): it runs once. */
  ending?: boolean;
  /** What the end of this life gave up on: the answer of the stop that awaited it (not a later or earlier stop's). */
  left?: Leftovers;
}

/** `Spawn=false` and `when` are gates; `needs <dep>` and `not requested` say themselves. */
function describeGate(gatedBy: string): string {
  return gatedBy.includes('=') || gatedBy === 'when' ? `gated off by ${gatedBy}` : gatedBy;
}

export abstract class TierBase {
  state: TierState = 'pending';
  protected reason = 'waiting to start';
  protected since = Date.now();
  protected readonly history: Transition[] = [];
  protected restarts = 0;
  protected readyAt?: number;
  protected timeToReadyMs?: number;
  protected lastExit?: ExitInfo;
  /**
   * Restarts `limits.memory` caused (counted when the restart is scheduled), and the last one: the sample that
   * stopped the tree and the pid of the life it led to. On the tier, so a new replica starts with none.
   */
  memoryRestarts = 0;
  memoryLast?: { used: number; at: number; pid?: number };
  /** The newest output: its last line is decoded when a snapshot shows it, not at every read. */
  protected lastBlock?: LineBlock;
  private shownLastLine?: { block: LineBlock; line: string | undefined };
  protected nextRestartAt?: number;
  protected backoff?: AbortController;
  protected life?: Life;
  protected everStarted = false;
  protected readyOnce = false;
  /** Made again when `land apply` gives the tier a new restart policy (tier-process.ts redefine). */
  protected budget: RestartBudget;
  protected readonly recent = new RecentLines(RECENT_LINES);
  protected logFile?: TierLog;
  /** What the last stop that gave up left running (left-behind.ts). */
  protected leftBehind?: LeftBehind;
  /** What this tier's failed daemon starts named as maybe its daemon, by identity (left-behind.ts NamedStray). */
  protected readonly namedStrays: KnownStray[] = [];

  /** `config` and `gatedBy` change only through `land apply` (tier-process.ts redefine, regate), between two lives. */
  constructor(
    public config: ResolvedTier,
    protected readonly runtime: TierRuntime,
    public gatedBy?: string,
  ) {
    this.budget = new RestartBudget(config.restart);
    if (gatedBy) this.setState('disabled', describeGate(gatedBy));
    else {
      this.reason = waitingReason(config.dependsOn);
      this.history.push({ state: 'pending', at: this.since, reason: this.reason });
    }
  }

  get name(): string {
    return this.config.name;
  }

  get running(): boolean {
    return this.life !== undefined;
  }

  /** The tier was spawned at least once in this boot (the `started` dependency condition). */
  get started(): boolean {
    return this.everStarted;
  }

  get wasReady(): boolean {
    return this.readyAt !== undefined;
  }

  /** Ready at least once in this boot (the `ready` dependency condition). */
  get everReady(): boolean {
    return this.readyOnce;
  }

  get completed(): boolean {
    return this.state === 'exited' && this.lastExit?.code === 0;
  }

  /** What its failed daemon starts named, by identity: `land scale` hands a removed replica's to the supervisor. */
  get knownStrays(): readonly KnownStray[] {
    return this.namedStrays;
  }

  /** The processes its failed daemon starts named that still run (the same pid and start time). */
  straysRunning(): NamedStray[] {
    return runningStrays(this.namedStrays).map(({ pid, name }) => ({ tier: this.name, pid, name }));
  }

  /**
   * `land apply` gated the tier off (`gatedBy`: it is not running) or lifted its gate (undefined): disabled, or pending
   * again for the scheduler to start it once its dependencies are met.
   */
  regate(gatedBy: string | undefined, reason: string): void {
    this.gatedBy = gatedBy;
    if (gatedBy !== undefined) this.setState('disabled', `${describeGate(gatedBy)} (${reason})`);
    // A scheduled tier waits for its next time (schedule.ts): pending, the scheduling pass would run it at once.
    else if (this.state === 'disabled' && this.config.schedule !== undefined) this.setState('scheduled', `${reason}; waiting for its next time (${this.config.schedule})`);
    else if (this.state === 'disabled') this.setState('pending', waitingReason(this.config.dependsOn, reason));
  }

  snapshot(): TierSnapshot {
    return {
      name: this.name,
      tier: this.config.tier,
      state: this.state,
      reason: this.reason,
      since: this.since,
      pid: this.livePid,
      restarts: this.restarts,
      startedAt: this.life?.startedAt,
      readyAt: this.readyAt,
      timeToReadyMs: this.timeToReadyMs,
      lastExit: this.lastExit,
      gatedBy: this.gatedBy,
      nextRestartAt: this.nextRestartAt,
      dependsOn: { ...this.config.dependsOn },
      lastLine: this.lastLine(),
      history: [...this.history],
      ...(this.leftBehind ? { leftBehind: this.leftBehind } : {}),
      ...(this.life?.daemon ? { daemon: this.daemonSnapshot(this.life.pid, this.life.daemon) } : {}),
      ...(this.config.stdin ? { stdin: true as const } : {}),
    };
  }

  private daemonSnapshot(launcher: number, daemon: DaemonLife): TierSnapshot['daemon'] {
    const pids = daemon.watch?.roots ?? [];
    return { launcher, running: daemon.running, ...(pids.length > 0 ? { pids } : {}) };
  }

  /** The pids whose trees are the tier's usage (and memory): the leader's, or the tops of a running daemon's trees. */
  protected get usageRoots(): number[] {
    const roots = this.life?.daemon?.watch?.roots;
    if (roots && roots.length > 0) return roots;
    const pid = this.livePid;
    return pid === undefined ? [] : [pid];
  }

  /** The pid shown: the leader's while it runs; a daemon tier's daemon's once its launcher has exited 0. */
  protected get livePid(): number | undefined {
    const life = this.life;
    if (life?.daemon?.running) return life.daemon.pid;
    return life?.leaderGone ? undefined : life?.pid;
  }

  /** The last line of output, cut to LAST_LINE_CHARS. */
  protected lastLine(): string | undefined {
    const block = this.lastBlock;
    if (!block) return undefined;
    if (this.shownLastLine?.block !== block) {
      const last = block.lastLine();
      this.shownLastLine = { block, line: last && last.length > LAST_LINE_CHARS ? `${last.slice(0, LAST_LINE_CHARS - 1)}…` : last };
    }
    return this.shownLastLine.line;
  }

  logs(limit?: number): LogEntry[] {
    return this.recent.entries(limit);
  }

  readLogs(limit?: number): RecentReader {
    return this.recent.reader(limit);
  }

  setState(state: TierState, reason: string): void {
    const from = this.state;
    const at = Date.now();
    this.state = state;
    this.reason = reason;
    this.since = at;
    this.history.push({ state, at, reason });
    if (this.history.length > HISTORY) this.history.shift();
    this.runtime.emit({ type: 'state', tier: this.name, from, to: state, reason, at });
  }
}
