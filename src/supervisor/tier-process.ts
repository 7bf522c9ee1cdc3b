/**
 * One tier: spawns its child in a process group of its own, relays its output, runs its probes, applies its restart
 * policy and stops its whole tree. Every change of state is published through `emit`; the supervisor decides when
 * to start it (dependencies) and when to stop it (shutdown order).
 */
import type { ResolvedTier } from '../config/types.js';
import { waitingReason } from './dependency-gates.js';
import { LineBlock } from './line-block.js';
import { NOTHING_LEFT, type Leftovers } from './left-behind.js';
import { RestartBudget } from './restart-policy.js';
import { signalTree } from './process-tree.js';
import type { TierStart } from './tier-spawn.js';
import { TierStop } from './tier-stop.js';
import { writeTierStdin } from './tier-stdin.js';
import type { MemoryStatus, StdinAfter, StdinWritten } from './types.js';

export type { TierRuntime } from './tier-base.js';

/** What the tier's log shows before a line land writes there itself. */
const LAND_MARK = '[land] ';

/** The whole tier: its life stages (tier-base → tier-spawn → tier-run → tier-stop) and the commands it takes. */
export class TierProcess extends TierStop {
  /**
   * Stops under way (or just done) that a new life follows: `land restart`, `land restart --all` and `land apply`'s
   * restarts, counted (two may overlap: `land restart db` in db's turn while `restart --all` begins). While any is,
   * the tier's `stopped` is not settled for a dependent still waiting (dependency-gates.ts), which would otherwise
   * fail for good over a stop that is only the first half of a restart.
   */
  private restartsUnderWay = 0;
  /** Of restartsUnderWay, those of `land restart --all` or apply (restart-all.ts): each ends with a requeue. */
  private requeuesAhead = 0;
  /** A `land stop` came while a requeue was ahead: the requeue leaves the tier stopped; a start clears it. */
  private stopAsked = false;

  /** Removed by `land apply` for new instances of its tier (scale.ts): its stop too is followed by a new life. */
  private replaced = false;

  get comingBack(): boolean {
    return this.replaced || (this.restartsUnderWay > 0 && !this.stopAsked);
  }

  markReplaced(): void {
    this.replaced = true;
  }

  /** In a `land restart --all` (or apply's restarts) that has not set it to start again yet. */
  get awaitingRequeue(): boolean {
    return this.requeuesAhead > 0;
  }

  /** restart-all.ts: a restart whose stops and requeue are to come; `endRestart` once it is over, however it ends. */
  beginRestart(): void {
    this.restartsUnderWay += 1;
    this.requeuesAhead += 1;
  }

  endRestart(): void {
    this.restartsUnderWay -= 1;
    this.requeuesAhead -= 1;
    if (this.requeuesAhead === 0) this.stopAsked = false;
  }

  /** What `land stop` acts on: a life, a tier waiting to start (or to run, or to restart), one in a restart --all. */
  get stoppable(): boolean {
    return this.running || this.awaitingRequeue || ['backoff', 'scheduled', 'pending'].includes(this.state);
  }

  /**
   * `land stop` in the middle of `land restart --all`: stopped now (its life, if the restart has not stopped it yet),
   * and kept so by the requeue, as a stop after the restart would; a stop before a start (`land start`) is undone by
   * it, so commands take effect in the order they came. Waiting (pending, at boot or requeued): kept from starting.
   */
  async stopAsRequested(): Promise<Leftovers> {
    if (this.awaitingRequeue) this.stopAsked = true;
    if (this.life || this.backoff || this.state === 'scheduled') return this.stop();
    // No life: pending, or stopped by the restart (set so by a person now). Nothing ran, so no restart is counted.
    this.setState('stopped', 'stopped on request');
    return NOTHING_LEFT;
  }

  /** Spawn the child (first start, restart, or a start on request). */
  start(reason: string): void {
    const start = this.prepareStart(reason);
    start?.fork();
    start?.adopt();
  }

  /** start() up to its fork, for a wave of starts (spawn-wave.ts); nothing when the tier runs or is being started. */
  prepareStart(reason: string): TierStart | undefined {
    if (this.life || this.forking || this.removedBy !== undefined) return undefined;
    this.stopAsked = false;
    this.cancelBackoff();
    // A scheduled tier's runs are no restarts (its schedule counts them: schedule.ts).
    if (this.everStarted && this.config.schedule === undefined) this.restarts += 1;
    return this.prepareSpawn(reason);
  }

  /**
   * Waiting again for its dependencies, with a fresh restart budget: the scheduler starts it (`land restart --all`).
   * Its dependents, requeued with it, wait for this new life to be ready, as at boot, not for the last one's. One a
   * `land stop` asked to stop meanwhile stays stopped, and they fail for it as for any dependency stopped.
   */
  requeue(reason: string): void {
    if (this.life || this.forking || this.removedBy !== undefined) return;
    this.budget.reset();
    this.readyOnce = false;
    if (!this.stopAsked) this.setState('pending', waitingReason(this.config.dependsOn, reason));
  }

  /** A start on request (a stopped, exited or failed tier): with a fresh restart budget, as a restart gets. */
  startFresh(reason: string): void {
    this.budget.reset();
    this.start(reason);
  }

  /**
   * Graceful stop: the tier's signal to its tree, SIGKILL at its timeout. Resolves once the life is over: within
   * stop.timeoutMs + STOP_GRACE_MS, whatever its processes do (see tier-stop.ts).
   */
  async stop(reason = 'stopped on request'): Promise<Leftovers> {
    // A scheduled tier between runs: stopped, its schedule paused until a start (schedule.ts).
    if (this.backoff || this.state === 'scheduled') {
      this.cancelBackoff();
      this.setState('stopped', reason);
      return NOTHING_LEFT;
    }
    const life = this.life;
    if (!life) return NOTHING_LEFT;
    if (!life.stopRequested) {
      life.stopRequested = true;
      life.stopReason = reason;
      this.setState('stopping', reason);
      if (!life.leaderGone) this.killLife(life);
    }
    await life.settled;
    // This life's own: the snapshot's leftBehind may meanwhile be another stop's (a later life, another command).
    return life.left ?? NOTHING_LEFT;
  }

  /** Restart on request (or on change: `reason` says which file): a new life, counted as a restart, a fresh span. */
  async restart(reason?: string): Promise<Leftovers> {
    this.restartsUnderWay += 1;
    let left: Leftovers;
    try {
      left = await this.stop(reason ?? 'restarting on request');
    } finally {
      // Before the spawn: a spawn that fails at once publishes `failed` (settled) with this restart over.
      this.restartsUnderWay -= 1;
    }
    // Removed meanwhile, or started by another command (a watch restart) while this one waited for the stop.
    if (this.removedBy !== undefined || this.life || this.forking) return left;
    this.budget.reset();
    this.restarts += 1;
    this.spawn(reason ?? 'restarted on request');
    return left;
  }

  /**
   * `land apply`: the tier's definition from the edited config. Its next life starts with it; a tier whose process
   * would see a difference was stopped first (apply.ts), so a running life keeps the definition it started with.
   */
  redefine(config: ResolvedTier): void {
    if (JSON.stringify(config.restart) !== JSON.stringify(this.config.restart)) this.budget = new RestartBudget(config.restart);
    this.config = config;
  }

  /** `land scale` removes this replica: it is stopped, and never started again by anything (scale.ts). */
  remove(reason: string): Promise<Leftovers> {
    this.removedBy ??= reason;
    return this.stop(reason);
  }

  get removed(): string | undefined {
    return this.removedBy;
  }

  /** Forked, and waiting for node to say whether the spawn worked: its state is still the last life's. */
  get spawning(): boolean {
    return this.forking;
  }

  /** `pid 123`, or what a life whose leader has exited is still doing. */
  describeLife(): string {
    const { pid, state, reason } = this.snapshot();
    return pid !== undefined ? `pid ${pid}` : `${state}: ${reason}`;
  }

  /** The pid whose tree the memory watch samples: a leader (or daemon) running and not being stopped (memory-watch.ts). */
  get memoryRoot(): number | undefined {
    const life = this.life;
    if (!life || life.leaderGone || life.stopRequested || life.probeFailed || life.overMemory) return undefined;
    return this.livePid;
  }

  /** The pids whose trees the memory watch sums: the leader's, or the tops of a running daemon's trees. */
  get memoryRoots(): readonly number[] {
    return this.memoryRoot === undefined ? [] : this.usageRoots;
  }

  /**
   * The tree of `pid`'s life stayed over `limits.memory`: stopped as every stop (its signal, SIGKILL at its timeout),
   * then restarted under its restart policy and budget, as after a failed liveness probe.
   */
  restartOverMemory(pid: number, message: string, used: number): boolean {
    const life = this.life;
    if (!life || this.memoryRoot !== pid) return false;
    life.overMemory = { used, at: Date.now() };
    this.runtime.emit({ type: 'error', tier: this.name, tag: 'memory-limit', message, at: Date.now() });
    this.setState('crashed', message);
    this.killLife(life);
    return true;
  }

  /** The snapshot's `memory` for a tier with `limits.memory`: its limit, restarts and the watch's last sample of this life. */
  memoryStatus(sample: { used: number; sampledAt: number } | undefined): MemoryStatus | undefined {
    const limit = this.config.limits?.memory;
    if (limit === undefined) return undefined;
    const last = this.memoryLast;
    return { limit, restarts: this.memoryRestarts, ...(last ? { last: { ...last } } : {}), ...sample };
  }

  /** `land attach`, `land send`: bytes for the running child's stdin (tier-stdin.ts). */
  writeStdin(bytes: Buffer, after: StdinAfter): StdinWritten {
    return writeTierStdin(this.config, this.state, this.life, bytes, after);
  }

  /** Second Ctrl-C, or land dying: SIGKILL the whole tree now, synchronously. */
  killNow(): void {
    this.cancelBackoff();
    if (this.life) signalTree({ ...this.treeTarget(this.life), holding: this.life.outputLinks }, 'SIGKILL');
  }

  /**
   * A line of land's own in the tier's log (a scheduled run it skipped): marked `[land] ` as a stop command's lines
   * are `[stop] `, so that `land logs` and the log file say what happened between the child's own lines.
   */
  noteInLog(text: string): void {
    this.writeBlock('stdout', new LineBlock([Buffer.from(`${LAND_MARK}${text}\n`)], 1));
  }

  async closeLog(): Promise<void> {
    const file = this.logFile;
    this.logFile = undefined;
    await file?.close();
  }
}
