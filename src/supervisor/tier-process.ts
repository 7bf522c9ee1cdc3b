/**
 * One tier: spawns its child in a process group of its own, relays its output, runs its probes, applies its restart
 * policy and stops its whole tree. Every change of state is published through `emit`; the supervisor decides when
 * to start it (dependencies) and when to stop it (shutdown order).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { hydrateChildEnv } from '../config/hydrate.js';
import type { BootPlan, ResolvedTier } from '../config/types.js';
import type { OutputGate } from './output-gate.js';
import { relayOutput } from './output-relay.js';
import { whyNotExecutable } from './preflight.js';
import { checkProbe, describeProbe, waitForProbe, type ProbeContext } from './probes.js';
import { signalGroup, signalTree, treePids, type TreeTarget } from './process-tree.js';
import { RestartBudget } from './restart-policy.js';
import { RecentLines, type LogEntry } from './recent-lines.js';
import type {
  ExitInfo,
  LogStream,
  SpawnSpan,
  SpawnTracer,
  SupervisorEvent,
  TierSnapshot,
  TierState,
  Transition,
} from './types.js';

/** What a tier needs from the stack it belongs to. */
export interface TierRuntime {
  plan: BootPlan;
  bootId: string;
  tracer: SpawnTracer;
  logDir: string;
  otlpEndpoint?: string;
  output: OutputGate;
  emit(event: SupervisorEvent): void;
}

/** A tier without a readiness probe is ready once it has stayed up this long. */
const SETTLE_MS = 150;
const RECENT_LINES = 1_000;
const LOG_BUFFER = 1 << 20;
const HISTORY = 20;

interface Life {
  child: ChildProcessByStdio<null, Readable, Readable>;
  pid: number;
  span: SpawnSpan;
  abort: AbortController;
  startedAt: number;
  lines: string[];
  lineListeners: Set<(line: string) => void>;
  /** Resolves once the child exited and its pipes closed. */
  ended: Promise<void>;
  /** Resolves when the leader process exits. */
  exited: Promise<void>;
  stopRequested: boolean;
  stopReason: string;
  probeFailed: boolean;
}

/** `Spawn=false` and `when` are gates; `needs <dep>` and `not requested` say themselves. */
function describeGate(gatedBy: string): string {
  return gatedBy.includes('=') || gatedBy === 'when' ? `gated off by ${gatedBy}` : gatedBy;
}

export class TierProcess {
  state: TierState = 'pending';
  private reason = 'waiting to start';
  private since = Date.now();
  private readonly history: Transition[] = [];
  private restarts = 0;
  private readyAt?: number;
  private timeToReadyMs?: number;
  private lastExit?: ExitInfo;
  private lastLine?: string;
  private nextRestartAt?: number;
  private backoff?: AbortController;
  private life?: Life;
  private everStarted = false;
  private readyOnce = false;
  private readonly budget: RestartBudget;
  private readonly recent = new RecentLines(RECENT_LINES);
  private logFile?: WriteStream;

  constructor(
    readonly config: ResolvedTier,
    private readonly runtime: TierRuntime,
    readonly gatedBy?: string,
  ) {
    this.budget = new RestartBudget(config.restart);
    if (gatedBy) this.setState('disabled', describeGate(gatedBy));
    else this.history.push({ state: 'pending', at: this.since, reason: this.reason });
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

  snapshot(): TierSnapshot {
    return {
      name: this.name,
      tier: this.config.tier,
      state: this.state,
      reason: this.reason,
      since: this.since,
      pid: this.life?.pid,
      restarts: this.restarts,
      startedAt: this.life?.startedAt,
      readyAt: this.readyAt,
      timeToReadyMs: this.timeToReadyMs,
      lastExit: this.lastExit,
      gatedBy: this.gatedBy,
      nextRestartAt: this.nextRestartAt,
      dependsOn: { ...this.config.dependsOn },
      lastLine: this.lastLine,
      history: [...this.history],
    };
  }

  logs(limit?: number): LogEntry[] {
    return this.recent.entries(limit);
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

  /** Spawn the child (first start, restart, or a start on request). */
  start(reason: string): void {
    if (this.life) return;
    this.cancelBackoff();
    if (this.everStarted) this.restarts += 1;
    this.spawn(reason);
  }

  private spawn(reason: string): void {
    const restart = this.everStarted ? this.restarts : 0;
    const span = this.runtime.tracer.startSpawn(this.name, this.config.tier, restart);
    const env = hydrateChildEnv(this.runtime.plan, this.config, {
      bootId: this.runtime.bootId,
      traceId: this.runtime.tracer.traceId,
      traceparent: span.traceparent,
      traceContext: span.contextEnv,
      otlpEndpoint: this.runtime.otlpEndpoint,
    });
    const [file, ...args] = this.config.command;
    // node's spawn, not execa: a supervisor spawns each tier once or a few times, and execa's first calls ran ~20 ms
    // of cold code per child on top of the fork (the profile of a boot: 158 ms for 8 children). execa stays for probes.
    const child = spawn(file!, args, { cwd: this.config.cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) {
      child.once('error', (error) => this.failSpawn(span, describeSpawnError(error, file!, this.config.cwd)));
      return;
    }
    // Once spawned, the exit event tells the story; a later error (a failed kill) must not throw unhandled.
    child.on('error', () => undefined);
    this.everStarted = true;
    let markExited!: () => void;
    const life: Life = {
      child,
      pid: child.pid,
      span,
      abort: new AbortController(),
      startedAt: Date.now(),
      lines: [],
      lineListeners: new Set(),
      ended: Promise.resolve(),
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      stopRequested: false,
      stopReason: '',
      probeFailed: false,
    };
    this.life = life;
    this.readyAt = undefined;
    this.timeToReadyMs = undefined;
    this.nextRestartAt = undefined;
    life.ended = relayOutput({
      stdout: child.stdout,
      stderr: child.stderr,
      file: this.openLogFile(),
      gate: this.runtime.output,
      onLines: (stream, lines, bytes) => this.onLines(life, stream, lines, bytes),
    });
    child.once('exit', (code, signal) => {
      markExited();
      void this.onExit(life, code, signal);
    });
    this.setState('starting', reason);
    this.runtime.emit({
      type: 'spawn',
      tier: this.name,
      pid: life.pid,
      restart,
      at: life.startedAt,
      spanId: span.spanId,
      traceparent: span.traceparent,
    });
    void this.awaitReady(life);
  }

  private failSpawn(span: SpawnSpan, message: string): void {
    const line = message.split('\n')[0] ?? message;
    span.end({ ok: false, reason: line });
    this.runtime.emit({ type: 'error', tier: this.name, tag: 'spawn-failed', message: line, at: Date.now() });
    this.setState('failed', `spawn failed: ${line}`);
  }

  private openLogFile(): WriteStream {
    // A large buffer: with the default 16 KiB, every 64 KiB read from a busy child paused its pipe for a disk write.
    this.logFile ??= createWriteStream(join(this.runtime.logDir, `${this.name}.log`), { flags: 'a', highWaterMark: LOG_BUFFER });
    return this.logFile;
  }

  private onLines(life: Life, stream: LogStream, lines: string[], bytes: readonly Buffer[]): void {
    const at = Date.now();
    if (lines.length === 0) return;
    this.recent.add(stream, lines, at);
    if (!this.wasReady) for (const line of lines) if (life.lines.length < RECENT_LINES) life.lines.push(line);
    if (life.lineListeners.size > 0) for (const line of lines) for (const listener of life.lineListeners) listener(line);
    this.lastLine = lines[lines.length - 1];
    this.runtime.emit({ type: 'log', tier: this.name, stream, lines, bytes, at });
  }

  private probeContext(life: Life): ProbeContext {
    return {
      cwd: this.config.cwd,
      env: { ...process.env, ...this.config.env } as Record<string, string>,
      seenLines: () => life.lines,
      onLine: (listener) => {
        life.lineListeners.add(listener);
        return () => life.lineListeners.delete(listener);
      },
    };
  }

  private async awaitReady(life: Life): Promise<void> {
    const spec = this.config.ready;
    try {
      if (spec) await waitForProbe(spec, this.probeContext(life), life.abort.signal);
      else await sleep(SETTLE_MS, undefined, { signal: life.abort.signal });
    } catch (error) {
      if (life.abort.signal.aborted) return; // the child exited or is being stopped: onExit tells the story
      const message = error instanceof Error ? error.message : String(error);
      life.probeFailed = true;
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'probe-failed', message, at: Date.now() });
      this.setState('crashed', message);
      this.killLife(life);
      return;
    }
    if (this.life !== life) return;
    this.readyAt = Date.now();
    this.readyOnce = true;
    this.timeToReadyMs = this.readyAt - life.startedAt;
    life.span.end({ ok: true, pid: life.pid });
    this.setState('ready', spec ? `${describeProbe(spec)} passed` : 'running');
    void this.watchLiveness(life);
  }

  private async watchLiveness(life: Life): Promise<void> {
    const spec = this.config.liveness;
    if (!spec) return;
    let failures = 0;
    const signal = life.abort.signal;
    while (!signal.aborted) {
      await sleep(spec.intervalMs, undefined, { signal, ref: false }).catch(() => undefined);
      if (signal.aborted) return;
      const ok = await checkProbe(spec, this.probeContext(life));
      failures = ok ? 0 : failures + 1;
      if (failures < spec.failureThreshold || signal.aborted) continue;
      const message = `liveness probe (${describeProbe(spec)}) failed ${failures} time(s)`;
      life.probeFailed = true;
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'probe-failed', message, at: Date.now() });
      this.setState('crashed', message);
      this.killLife(life);
      return;
    }
  }

  private treeTarget(life: Life): TreeTarget {
    // TRACEPARENT is unique to one start, so the marks never match a newer life or another tier.
    return { pid: life.pid, marks: { LAND_BOOT_ID: this.runtime.bootId, TRACEPARENT: life.span.traceparent } };
  }

  /** Stop signal to the tree, SIGKILL after the tier's timeout. */
  private killLife(life: Life): void {
    void this.terminateTree(this.treeTarget(life), life);
  }

  /**
   * The tier's stop signal to the tree, then SIGKILL after its timeout. With a live leader, its exit is awaited (an
   * event, no polling): what it leaves behind is then onExit's to clear.
   */
  private async terminateTree(target: TreeTarget, life?: Life): Promise<void> {
    const { signal, timeoutMs } = this.config.stop;
    if (life) {
      signalGroup(life.pid, signal);
      const timeout = sleep(timeoutMs, 'timeout' as const, { signal: life.abort.signal }).catch(() => 'exited' as const);
      if ((await Promise.race([life.exited.then(() => 'exited' as const), timeout])) === 'timeout') signalTree(target, 'SIGKILL');
      return;
    }
    signalTree(target, signal);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (treePids(target).length === 0) return;
      await sleep(20);
    }
    signalTree(target, 'SIGKILL');
  }

  private async onExit(life: Life, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    const at = Date.now();
    life.abort.abort(new Error('exited'));
    // What the leader left behind dies with it: a restart must not meet its own stale grandchildren.
    if (treePids(this.treeTarget(life)).length > 0) await this.terminateTree(this.treeTarget(life));
    await life.ended;
    this.life = undefined;
    this.lastExit = { code, signal, at };
    const uptimeMs = at - life.startedAt;
    const crashed = !life.stopRequested && (code !== 0 || signal !== null || life.probeFailed);
    const why = life.stopRequested ? 'requested' : life.probeFailed ? 'probe-failed' : crashed ? 'crashed' : 'completed';
    const status = signal ? `signal ${signal}` : `code ${code}`;
    if (!this.wasReady) life.span.end({ ok: !crashed && !life.stopRequested, reason: `exited with ${status}` });
    this.runtime.emit({
      type: 'exit',
      tier: this.name,
      pid: life.pid,
      code,
      signal,
      at,
      uptimeMs,
      timeToReadyMs: this.wasReady ? this.timeToReadyMs : undefined,
      restarts: this.restarts,
      why,
    });
    if (life.stopRequested) return this.setState('stopped', life.stopReason);
    if (crashed && why === 'crashed') {
      this.runtime.emit({ type: 'error', tier: this.name, tag: 'crash', message: `exited with ${status}`, at });
    }
    if (this.state !== 'crashed' || why === 'crashed') {
      this.setState(crashed ? 'crashed' : 'exited', crashed ? `exited with ${status}` : 'completed with code 0');
    }
    this.afterExit(crashed, uptimeMs);
  }

  private afterExit(crashed: boolean, uptimeMs: number): void {
    const decision = this.budget.decide({ crashed, uptimeMs });
    if (!decision.restart) {
      if (decision.budgetSpent) {
        this.runtime.emit({ type: 'error', tier: this.name, tag: 'restart-budget', message: decision.reason, at: Date.now() });
      }
      if (crashed) this.setState('failed', decision.reason);
      return;
    }
    this.scheduleRestart(decision.delayMs);
  }

  private scheduleRestart(delayMs: number): void {
    const backoff = new AbortController();
    this.backoff = backoff;
    this.nextRestartAt = Date.now() + delayMs;
    this.setState('backoff', `restarting in ${delayMs < 1000 ? `${delayMs} ms` : `${(delayMs / 1000).toFixed(1)} s`}`);
    sleep(delayMs, undefined, { signal: backoff.signal })
      .then(() => {
        this.backoff = undefined;
        this.restarts += 1;
        this.spawn(`restart ${this.restarts}`);
      })
      .catch(() => undefined);
  }

  private cancelBackoff(): void {
    this.backoff?.abort();
    this.backoff = undefined;
    this.nextRestartAt = undefined;
  }

  /** Graceful stop: the tier's signal to its tree, SIGKILL after its timeout. Resolves once everything is gone. */
  async stop(reason = 'stopped on request'): Promise<void> {
    if (this.backoff) {
      this.cancelBackoff();
      this.setState('stopped', reason);
      return;
    }
    const life = this.life;
    if (!life) return;
    if (!life.stopRequested) {
      life.stopRequested = true;
      life.stopReason = reason;
      this.setState('stopping', reason);
      this.killLife(life);
    }
    await life.ended;
    while (this.life === life) await sleep(5);
  }

  /** Restart on request: a new life, counted as a restart, with a fresh spawn span. */
  async restart(): Promise<void> {
    await this.stop('restarting on request');
    this.budget.reset();
    this.restarts += 1;
    this.spawn('restarted on request');
  }

  /** Second Ctrl-C, or land dying: SIGKILL the whole tree now, synchronously. */
  killNow(): void {
    this.cancelBackoff();
    if (this.life) signalTree(this.treeTarget(this.life), 'SIGKILL');
  }

  /** Marked processes of this tier in this boot (for the last sweep at shutdown). */
  sweepTarget(): TreeTarget | undefined {
    return this.life ? this.treeTarget(this.life) : undefined;
  }

  async closeLog(): Promise<void> {
    const file = this.logFile;
    this.logFile = undefined;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }
}

/**
 * node says `spawn node ENOENT` both for a missing command and for a missing working folder: say which, in the
 * words the preflight check uses before a boot.
 */
function describeSpawnError(error: NodeJS.ErrnoException, file: string, cwd: string): string {
  if (error.code === 'ENOENT' && !existsSync(cwd)) return `working folder ${cwd} does not exist (ENOENT)`;
  if (error.code === 'ENOENT' || error.code === 'EACCES') return `${whyNotExecutable(file, cwd)} (${error.code})`;
  return error.message;
}
