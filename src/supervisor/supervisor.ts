/**
 * The whole stack: one TierProcess per tier, started in dependency order (independent tiers in parallel), stopped in
 * reverse order. The single source of truth about tiers: printer, TUI, control server and telemetry read its
 * snapshot and subscribe to its events.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BootPlan, DependencyCondition } from '../config/types.js';
import { CommandQueue } from './command-queue.js';
import { ControlError } from './control-error.js';
import { OutputGate } from './output-gate.js';
import { SELF_START, processesMarked } from './process-tree.js';
import type { LogEntry } from './recent-lines.js';
import { TierProcess } from './tier-process.js';
import type {
  SpawnTracer,
  StackSnapshot,
  SupervisorControl,
  SupervisorEvent,
  TelemetryStatus,
} from './types.js';

export interface SupervisorOptions {
  plan: BootPlan;
  bootId: string;
  tracer: SpawnTracer;
  otlpEndpoint?: string;
  telemetryStatus?: () => TelemetryStatus;
}

const TELEMETRY_OFF: TelemetryStatus = {
  posthog: { state: 'off', sent: 0, dropped: 0, reason: 'telemetry not wired' },
  otlp: { state: 'off', sent: 0, dropped: 0, reason: 'telemetry not wired' },
  record: { state: 'off', sent: 0, dropped: 0, reason: 'telemetry not wired' },
};

/** `pid 123`, or what a life whose leader has exited is still doing. */
function describeLife(tier: TierProcess): string {
  const { pid, state, reason } = tier.snapshot();
  return pid !== undefined ? `pid ${pid}` : `${state}: ${reason}`;
}

export class Supervisor implements SupervisorControl {
  readonly output = new OutputGate();
  readonly logDir: string;
  private readonly tiers = new Map<string, TierProcess>();
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private readonly startedAt = Date.now();
  private readonly commands = new CommandQueue();
  private shutdownPromise?: Promise<void>;
  /** Nothing starts before start(): gated tiers publish `disabled` while the stack is still being built. */
  private booted = false;

  constructor(private readonly options: SupervisorOptions) {
    const { plan, bootId } = options;
    this.logDir = join(plan.config.rootDir, '.land', 'logs', bootId);
    mkdirSync(this.logDir, { recursive: true });
    const runtime = {
      plan,
      bootId,
      tracer: options.tracer,
      logDir: this.logDir,
      otlpEndpoint: options.otlpEndpoint,
      output: this.output,
      emit: (event: SupervisorEvent) => this.emit(event),
    };
    const gates = new Map(plan.tiers.map((tier) => [tier.name, tier]));
    for (const config of plan.config.tiers) {
      const gate = gates.get(config.name);
      this.tiers.set(config.name, new TierProcess(config, runtime, gate?.enabled === false ? gate.gatedBy : undefined));
    }
  }

  get bootId(): string {
    return this.options.bootId;
  }

  get shuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Begin the boot: every tier whose dependencies are met starts now, the rest as their dependencies get there. */
  start(): void {
    this.booted = true;
    this.schedule();
  }

  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SupervisorEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        process.emitWarning(`land: an event listener threw: ${String(error)}`);
      }
    }
    if (event.type === 'state' && this.booted && !this.shuttingDown) this.schedule();
  }

  /** Start what is pending and whose dependencies are met; fail what waits on a dependency that cannot come. */
  private schedule(): void {
    for (const tier of this.tiers.values()) {
      if (tier.state !== 'pending') continue;
      const blocked = this.blockedBy(tier);
      if (blocked) {
        tier.setState('failed', blocked);
        continue;
      }
      if (this.dependenciesMet(tier)) tier.start(this.startReason(tier));
    }
  }

  private conditionMet(dep: TierProcess, condition: DependencyCondition): boolean {
    if (condition === 'started') return dep.started;
    if (condition === 'ready') return dep.everReady;
    return dep.completed;
  }

  /** Why a pending tier starts now; a tier started alone (`land spawn`) says which dependencies were not started. */
  private startReason(tier: TierProcess): string {
    const notStarted = this.options.plan.tiers.find((plan) => plan.name === tier.name)?.notStarted;
    if (notStarted?.length) return `started alone; not started: ${notStarted.join(', ')}`;
    const met = Object.entries(tier.config.dependsOn).map(([name, condition]) => `${name} ${condition}`);
    return met.length > 0 ? `dependencies met: ${met.join(', ')}` : 'no dependencies';
  }

  private dependenciesMet(tier: TierProcess): boolean {
    return Object.entries(tier.config.dependsOn).every(([name, condition]) =>
      this.conditionMet(this.tiers.get(name)!, condition),
    );
  }

  private blockedBy(tier: TierProcess): string | undefined {
    for (const [name, condition] of Object.entries(tier.config.dependsOn)) {
      const dep = this.tiers.get(name)!;
      if (this.conditionMet(dep, condition)) continue;
      const settled = ['failed', 'disabled', 'stopped', 'exited'].includes(dep.state);
      if (settled) return `dependency ${name} ${dep.state} before it was ${condition}`;
    }
    return undefined;
  }

  private tier(name: string): TierProcess {
    const tier = this.tiers.get(name);
    if (!tier) throw new ControlError('unknown-tier', `unknown tier ${name} (known: ${[...this.tiers.keys()].join(', ')})`);
    return tier;
  }

  snapshot(): StackSnapshot {
    const { plan, bootId, tracer } = this.options;
    return {
      app: plan.config.app,
      profile: plan.profile,
      bootId,
      traceId: tracer.traceId,
      pid: process.pid,
      startedAt: this.startedAt,
      shuttingDown: this.shuttingDown,
      tiers: [...this.tiers.values()].map((tier) => tier.snapshot()),
      telemetry: this.options.telemetryStatus?.() ?? TELEMETRY_OFF,
    };
  }

  logs(name: string, limit?: number): LogEntry[] {
    return this.tier(name).logs(limit);
  }

  // Commands on one tier are serialised (command-queue.ts): each check below sees the state the previous left.
  startTier(name: string, options: { force?: boolean } = {}): Promise<void> {
    const tier = this.tier(name);
    return this.commands.run(name, options.force ? 'spawn' : 'start', async () => {
      this.refuseWhileShuttingDown();
      if (tier.running) throw new ControlError('already-running', `${name} is already running (${describeLife(tier)})`);
      if (tier.state === 'disabled' && !options.force) {
        throw new ControlError('gated', `${name} is gated off by ${tier.gatedBy}; spawn it to override the gate`);
      }
      tier.startFresh(tier.state === 'disabled' ? `spawned on request over ${tier.gatedBy}` : 'started on request');
    });
  }

  stopTier(name: string): Promise<void> {
    const tier = this.tier(name);
    return this.commands.run(name, 'stop', async () => {
      if (!tier.running && tier.state !== 'backoff') throw new ControlError('not-running', `${name} is not running (${tier.state})`);
      await tier.stop();
    });
  }

  restartTier(name: string): Promise<void> {
    const tier = this.tier(name);
    return this.commands.run(name, 'restart', async () => {
      this.refuseWhileShuttingDown();
      if (tier.state === 'disabled') throw new ControlError('gated', `${name} is gated off by ${tier.gatedBy}; spawn it to override the gate`);
      if (tier.running) await tier.restart();
      else tier.startFresh('restarted on request');
    });
  }

  private refuseWhileShuttingDown(): void {
    if (this.shuttingDown) throw new ControlError('shutting-down', 'the stack is shutting down');
  }

  /** Graceful shutdown in reverse dependency order; resolves when nothing land started is left. Idempotent. */
  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.stopAll(reason);
    return this.shutdownPromise;
  }

  private async stopAll(reason: string): Promise<void> {
    this.emit({ type: 'shutdown', phase: 'begin', reason, at: Date.now() });
    const ordered = [...this.tiers.values()];
    const stopping = new Map<string, Promise<void>>();
    for (const tier of ordered.reverse()) {
      const dependents = ordered.filter((other) => tier.name in other.config.dependsOn);
      const after = Promise.all(dependents.map((dep) => stopping.get(dep.name)));
      stopping.set(tier.name, after.then(() => this.commands.run(tier.name, 'shutdown', () => this.stopForShutdown(tier))));
    }
    await Promise.all(stopping.values());
    this.sweep();
    await Promise.all(ordered.map((tier) => tier.closeLog()));
    this.emit({ type: 'shutdown', phase: 'end', reason, at: Date.now() });
  }

  private async stopForShutdown(tier: TierProcess): Promise<void> {
    if (tier.state === 'pending') return tier.setState('stopped', 'shutdown before it started');
    await tier.stop('shutting down');
  }

  /** The last sweep: anything still carrying this boot's mark dies (daemons that escaped every tree). */
  private sweep(): void {
    for (const pid of processesMarked({ LAND_BOOT_ID: this.bootId }, { since: SELF_START, fresh: true })) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }

  /** A second Ctrl-C, or land itself failing: SIGKILL everything now, synchronously. */
  killAll(): void {
    for (const tier of this.tiers.values()) tier.killNow();
    this.sweep();
  }
}
