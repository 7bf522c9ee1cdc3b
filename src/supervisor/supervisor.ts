/**
 * The whole stack: one TierProcess per tier, started in dependency order (independent tiers in parallel), stopped in
 * reverse order. The single source of truth about tiers: printer, TUI, control server and telemetry read its
 * snapshot and subscribe to its events.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { CommandQueue } from './command-queue.js';
import { ControlError } from './control-error.js';
import { OutputGate } from './output-gate.js';
import { ofTier, type StillRunning } from './left-behind.js';
import { addStrays } from './named-strays.js';
import { MemoryWatchLoader } from './memory-watch-loader.js';
import type { LogEntry, RecentReader } from './recent-lines.js';
import { groupOf, instancesOf } from './replicas.js';
import { restartable, restartEvery, RestartAllTurn } from './restart-all.js';
import { APPLY_TURN, applyConfig, rereadPlan, type ApplyContext, type ApplyResult } from './apply.js';
import { Schedules } from './schedule.js';
import { reloadTiers, type ReloadResult, type StepListener } from './rolling-reload.js';
import { scaleGroup } from './scale.js';
import { gatedOffMessage, isLeftOut, refuseUnmet, startLeftOut } from './left-out.js';
import type { RemovedLeftovers } from './stack-leftovers.js';
import { killStack, stopStack } from './stack-shutdown.js';
import { StartPasses } from './start-passes.js';
import { childEnvOf } from './tier-spawn.js';
import { TierProcess, type TierRuntime } from './tier-process.js';
import { TierSet } from './tier-set.js';
import { ChangeWatcher } from '../watch/restart-on-change.js';
import type { ConfigWatch } from '../watch/config-watch.js';
import { pidNamespaceField } from '../control/pid-namespace.js';
import type {
  ReceiverStatus,
  SpawnTracer,
  StackSnapshot,
  StdinAfter,
  StdinWritten,
  SupervisorControl,
  SupervisorEvent,
  TelemetryStatus,
  TierSnapshot,
} from './types.js';

export interface SupervisorOptions {
  plan: BootPlan;
  bootId: string;
  tracer: SpawnTracer;
  otlpEndpoint?: string;
  /** `http/protobuf` when otlpEndpoint is land's own receiver. */
  otlpProtocol?: string;
  telemetryStatus?: () => TelemetryStatus;
  receiverStatus?: () => ReceiverStatus;
  /** The config read again as this land read it (`land apply`: src/supervisor/apply.ts); absent: it cannot apply. */
  reread?: () => Promise<BootPlan>;
  /** `land up --watch-config`: a saved config is applied as `land apply` applies it (src/watch/config-watch.ts). */
  watchConfig?: boolean;
}

const TELEMETRY_OFF: TelemetryStatus = {
  posthog: { state: 'off', sent: 0, dropped: 0, reason: 'telemetry not wired' },
  otlp: { state: 'off', sent: 0, dropped: 0, reason: 'telemetry not wired' },
  record: { state: 'off', sent: 0, dropped: 0, reason: 'telemetry not wired' },
};

export class Supervisor implements SupervisorControl {
  readonly output = new OutputGate();
  readonly logDir: string;
  /** Whether this boot made `.land/logs` (none there before): a boot that fails to open goes with it (boot.ts). */
  readonly madeLogsFolder: boolean;
  private readonly tiers: TierSet;
  private readonly runtime: TierRuntime;
  private readonly changes: ChangeWatcher;
  private readonly schedules: Schedules;
  private readonly memory: MemoryWatchLoader;
  private configWatch?: ConfigWatch;
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly startedAt = Date.now();
  private readonly commands = new CommandQueue();
  private readonly restartAllTurn = new RestartAllTurn();
  /**
   * What the stops of replicas removed by `land scale` gave up on, and the strays their failed daemon starts named
   * (bounded as a tier's own: named-strays.ts); the tiers' own lists go with them.
   */
  private readonly removed: RemovedLeftovers = { left: [], strays: [] };
  private shutdownPromise?: Promise<void>;
  /** Nothing starts before start(): gated tiers publish `disabled` while the stack is still being built. */
  private booted = false;
  private readonly passes: StartPasses;
  /** A scheduling pass, once the boot has begun and while the stack is not stopping (commands that add work). */
  private readonly passIfBooted = (): void => void (this.booted && !this.shuttingDown && this.passes.pass());

  constructor(private readonly options: SupervisorOptions) {
    const { plan, bootId } = options;
    this.logDir = join(plan.config.rootDir, '.land', 'logs', bootId);
    // mkdir's answer (the first folder it made) says whether .land/logs was new, without a look before it.
    // Private, as .land/run: the children's logs can hold secrets (each folder it makes is 0700).
    const made = mkdirSync(this.logDir, { recursive: true, mode: 0o700 });
    this.madeLogsFolder = made !== undefined && made !== this.logDir;
    this.runtime = {
      plan,
      bootId,
      tracer: options.tracer,
      logDir: this.logDir,
      otlpEndpoint: options.otlpEndpoint,
      otlpProtocol: options.otlpProtocol,
      output: this.output,
      emit: (event: SupervisorEvent) => this.emit(event),
    };
    const gates = new Map(plan.tiers.map((tier) => [tier.name, tier]));
    this.tiers = new TierSet(plan.config.tiers.map((config) => config.name));
    for (const config of plan.config.tiers) {
      const gate = gates.get(config.name);
      const gatedBy = gate?.enabled === false ? gate.gatedBy : undefined;
      for (const instance of instancesOf(config)) this.tiers.add(new TierProcess(instance, this.runtime, gatedBy));
    }
    this.passes = new StartPasses(this.tiers, () => this.runtime.plan, () => this.shuttingDown);
    this.changes = new ChangeWatcher(plan.config.tiers, {
      members: (group) => this.tiers.members(group),
      dependentsOf: (group) => this.tiers.dependentsOf(group),
      subscribe: (listener) => this.subscribe(listener),
      emit: (event) => this.emit(event),
      stopping: () => this.shuttingDown,
    });
    this.memory = new MemoryWatchLoader(
      () => this.tiers.all(),
      (tier, error) => this.emit({ type: 'error', tier, tag: 'memory-limit', message: `the memory watch did not load: ${String(error)}`, at: Date.now() }),
    );
    this.schedules = new Schedules({ tiers: this.tiers, emit: (event) => this.emit(event), stopping: () => this.shuttingDown });
  }

  get bootId(): string {
    return this.options.bootId;
  }

  get shuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Begin the boot: every tier whose dependencies are met starts now, the rest as their dependencies get there. */
  start(): void {
    // Scheduled tiers wait for their times (schedule.ts): set so before a scheduling pass could start them.
    if (!this.shuttingDown) this.schedules.sync();
    this.booted = true;
    // A `land down` that reached the control socket before the start: nothing starts (stopAll marks them stopped).
    if (this.shuttingDown) return;
    this.passes.pass();
    void this.changes.start().catch((error: unknown) => {
      this.emit({ type: 'error', tier: 'mountain', tag: 'watch-failed', message: String(error), at: Date.now() });
    });
    if (this.options.watchConfig) {
      void this.watchConfig().catch((error: unknown) => this.emit({ type: 'error', tier: 'mountain', tag: 'watch-config', message: String(error), at: Date.now() }));
    }
  }

  /** Loaded only with the flag (its inotify watches come with it); its applies are `land apply`'s, in the same turn. */
  private async watchConfig(): Promise<void> {
    const { ConfigWatch } = await import('../watch/config-watch.js');
    if (this.shuttingDown) return;
    const stopping = () => this.shuttingDown;
    this.configWatch = new ConfigWatch({ plan: () => this.runtime.plan, apply: () => this.applyInTurn(false), emit: (event) => this.emit(event), stopping });
    this.configWatch.start();
  }

  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SupervisorEvent): void {
    // forEach, not for…of: no iterator step object per listener and event in V8's interpreter (start-passes.ts).
    this.listeners.forEach((listener) => {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(`land: an event listener threw: ${String(error)}`);
      }
    });
    if (event.type === 'state' && this.booted && !this.shuttingDown) this.passes.pass();
    if (event.type === 'state' && event.to === 'starting' && !this.shuttingDown) {
      const tier = this.tiers.get(event.tier);
      if (tier) this.memory.watch(tier);
    }
  }

  snapshot(): StackSnapshot {
    const { runtime: { plan }, options: { bootId, tracer } } = this; // the plan applied last (`land apply`)
    return {
      app: plan.config.app,
      profile: plan.profile,
      bootId,
      traceId: tracer.traceId,
      ...(tracer.bootSpanId ? { bootSpanId: tracer.bootSpanId } : {}),
      pid: process.pid,
      ...pidNamespaceField(),
      startedAt: this.startedAt,
      shuttingDown: this.shuttingDown,
      tiers: this.tiers.all().map((tier) => this.describe(tier)),
      ...this.counters(),
      ...(this.configWatch ? { configWatch: this.configWatch.status() } : {}),
    };
  }

  counters(): Pick<StackSnapshot, 'telemetry' | 'receiver'> {
    return {
      telemetry: this.options.telemetryStatus?.() ?? TELEMETRY_OFF,
      ...(this.options.receiverStatus ? { receiver: this.options.receiverStatus() } : {}),
    };
  }

  /** A tier's snapshot with what the supervisor adds: its replica number and group. */
  private describe(tier: TierProcess): TierSnapshot {
    const { group, replica } = tier.config;
    const watch = this.changes.statusOf(groupOf(tier.config), tier);
    const memory = tier.memoryStatus(this.memory.sampleOf(tier));
    const schedule = this.schedules.statusOf(tier);
    return { ...tier.snapshot(), ...(group === undefined ? {} : { group, replica }), ...(watch ? { watch } : {}), ...(memory ? { memory } : {}), ...(schedule ? { schedule } : {}) };
  }

  stopTimeouts(): number[] {
    return this.tiers.all().map((tier) => tier.config.stop.timeoutMs);
  }

  logs(name: string, limit?: number): LogEntry[] {
    return this.tiers.instance(name).logs(limit);
  }

  readLogs(name: string, limit?: number): RecentReader {
    return this.tiers.instance(name).readLogs(limit);
  }

  /** POST /tiers/<tier>/stdin: one instance's (a tier with replicas: name one); never waits (tier-stdin.ts). */
  writeStdin(name: string, bytes: Buffer, after: StdinAfter = {}): StdinWritten {
    return this.tiers.instance(name).writeStdin(bytes, after);
  }

  // Commands on one tier, or one group of replicas, are serialised (command-queue.ts): each check below sees the
  // state the previous one left. A group name (a tier with replicas) acts on every replica.
  startTier(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.queuedAfterApply(name, options.force ? 'spawn' : 'start', async () => {
      const tiers = this.tiers.resolve(name);
      this.refuseWhileShuttingDown();
      const idle = tiers.filter((tier) => !tier.running);
      if (idle.length === 0) throw new ControlError('already-running', `${name} is already running (${tiers.map((tier) => tier.describeLife()).join('; ')})`);
      // Left out by `land up <tiers>`: no gate to override; it and what it depends on start as at boot.
      if (startLeftOut(this.tiers, idle, this.passIfBooted)) return;
      const gated = idle.find((tier) => tier.state === 'disabled');
      if (gated && !options.force) throw new ControlError('gated', gatedOffMessage(name, gated.gatedBy));
      if (!options.force) refuseUnmet(this.tiers, name, idle, 'start');
      for (const tier of idle) tier.startFresh(tier.state === 'disabled' ? `spawned on request over ${tier.gatedBy}` : 'started on request');
    });
  }

  /** What this stop gave up on (each life it ended says its own); a pending tier is kept from starting (tier-process.ts). */
  stopTier(name: string): Promise<StillRunning[]> {
    return this.queued(name, 'stop', async () => {
      const tiers = this.tiers.resolve(name).filter((tier) => tier.stoppable);
      if (tiers.length === 0) throw new ControlError('not-running', `${name} is not running (${this.tiers.resolve(name)[0]!.state})`);
      return (await Promise.all(tiers.map(async (tier) => ofTier(tier.name, await tier.stopAsRequested())))).flat();
    });
  }

  /** Resolves with what this restart's stops gave up on. */
  restartTier(name: string): Promise<StillRunning[]> {
    return this.queuedAfterApply(name, 'restart', async () => {
      const tiers = this.tiers.resolve(name);
      this.refuseWhileShuttingDown();
      const gated = tiers.find((tier) => tier.state === 'disabled');
      if (gated && !isLeftOut(gated)) throw new ControlError('gated', gatedOffMessage(name, gated.gatedBy));
      if (startLeftOut(this.tiers, tiers, this.passIfBooted)) return [];
      // Running ones too: their new process would start against a dependency that has settled unmet (as `land start`).
      refuseUnmet(this.tiers, name, tiers, 'restart');
      const restart = async (tier: TierProcess) => (tier.running ? ofTier(tier.name, await tier.restart()) : (tier.startFresh('restarted on request'), []));
      return (await Promise.all(tiers.map(restart))).flat();
    });
  }

  /** `land restart --all` (restart-all.ts): the tiers restarted, and what their stops gave up on. */
  async restartAll(): Promise<{ restarted: string[]; left: StillRunning[] }> {
    this.refuseWhileShuttingDown();
    const result = await this.restartAllTurn.run((whileDown) => restartEvery(restartable(this.tiers.all()), (tier, stop) => this.queued(tier.name, 'restart', stop), { whileDown, recheck: this.passIfBooted }));
    if (result.restarted.length === 0) throw new ControlError('not-running', 'no tier is running');
    return result;
  }

  /** `land reload` (rolling-reload.ts): one replica at a time, each ready before the next; the roll takes the tier's turn. */
  readonly reloadTier = (name: string, onStep?: StepListener): Promise<ReloadResult> =>
    this.queuedAfterApply(name, 'reload', async (later) => reloadTiers(name, this.tiers.resolve(name), { host: this, later, onStep }, (tiers) => refuseUnmet(this.tiers, name, tiers, 'reload')));

  /** `land scale` (scale.ts): `count` replicas of a tier that declares `replicas`; what the removed ones' stops left. */
  scaleTier(name: string, count: number): Promise<StillRunning[]> {
    return this.commands.run(name, `scale ${count}`, async () => {
      this.refuseWhileShuttingDown();
      return scaleGroup(this.stackContext(), name, count);
    });
  }

  /**
   * `land apply` (apply.ts): the config read again, its differences acted on (`dryRun`: only said). One from the CLI
   * also tells `--watch-config`: the config on disk now runs (a save it refused is moot) and may read other files.
   */
  async apply(dryRun: boolean): Promise<ApplyResult> {
    const result = await this.applyInTurn(dryRun);
    if (!dryRun) this.configWatch?.appliedByHand();
    return result;
  }

  private applyInTurn(dryRun: boolean): Promise<ApplyResult> {
    return this.commands.run(APPLY_TURN, dryRun ? 'plan' : 'apply', async () => {
      this.refuseWhileShuttingDown();
      return applyConfig(this.stackContext(), await rereadPlan(this.options.reread), dryRun);
    });
  }

  /** What scale.ts and apply.ts act on: the tiers and the plan, and how to make, start and forget tiers. */
  private stackContext(): ApplyContext {
    return {
      tiers: this.tiers,
      create: (config, gatedBy) => new TierProcess(config, this.runtime, gatedBy),
      schedule: this.passIfBooted,
      emit: (event) => this.emit(event),
      keepLeft: (tier, left) => this.removed.left.push({ tier, left }),
      keepStrays: (tier, strays) => addStrays(this.removed.strays, strays.map((stray) => ({ ...stray, tier }))),
      runtime: this.runtime,
      schedules: this.schedules,
      queued: (name, kind, command) => this.queued(name, kind, command),
      snapshot: () => this.snapshot(),
      held: (change) => this.passes.held(change, this.passIfBooted),
    };
  }

  /**
   * A command on one tier, in its turn (command-queue.ts). A replica that a `land scale` removed before that turn is
   * gone: the command is dropped, and says so rather than "unknown tier".
   */
  private queued<T>(name: string, kind: string, command: (later: AbortSignal) => Promise<T>): Promise<T> {
    const named = this.tiers.get(name);
    return this.commands.run(name, kind, (later) => {
      if (named?.removed === undefined || this.tiers.get(name)) return command(later);
      const group = groupOf(named.config);
      const runs = this.tiers.members(group).map((tier) => tier.name);
      throw new ControlError('not-running', `${name} was ${named.removed} before this command's turn (${group} runs ${runs.join(', ')})`);
    });
  }

  /**
   * A start, restart or reload (what refuseUnmet checks) after the `land apply` under way, if any: apply may be
   * replacing a dependency (its old instance stopping, its new one not made yet), which refuseUnmet cannot read as
   * unmet, so the command waits and is judged against what apply left. Waited for outside the tier's turn: apply
   * queues its own commands on the tier (a turn held while waiting for apply would hold apply).
   */
  private async queuedAfterApply<T>(name: string, kind: string, command: (later: AbortSignal) => Promise<T>): Promise<T> {
    await this.commands.idle(APPLY_TURN);
    return this.queued(name, kind, command);
  }

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new ControlError('shutting-down', 'the stack is shutting down');
  }

  /** Graceful shutdown in reverse dependency order; resolves when nothing land started is left. Idempotent. */
  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.stopAll(reason);
    return this.shutdownPromise;
  }

  private stopAll(reason: string): Promise<void> {
    const { tiers, commands, removed, bootId } = this;
    const closeWatches = async () => {
      this.memory.close();
      this.schedules.close();
      this.configWatch?.close();
      await this.changes.close();
    };
    return stopStack({ tiers, commands, removed, bootId, emit: (event) => this.emit(event), closeWatches }, reason);
  }

  /**
   * The environment a process of `config` (a declared tier's or a replica's) starts with, `traceparent` standing for
   * its start's own: what the dashboard's tier detail shows, made by the function every spawn uses.
   */
  childEnv(config: ResolvedTier, traceparent: string): Record<string, string> {
    return childEnvOf(this.runtime, config, traceparent);
  }

  /** A second Ctrl-C, or land itself failing: SIGKILL everything now, synchronously. */
  killAll(): void {
    killStack(this.tiers, this.bootId);
  }
}
