/** Spawning a tier's child: its environment, its process group, its output relay and log file. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hydrateChildEnv } from '../config/hydrate.js';
import { DEFAULTS } from '../config/resolve.js';
import { logEvent, LineBlock } from './line-block.js';
import { DaemonLife } from './daemon-life.js';
import { CUT_MARK } from './fragments.js';
import { relayOutput } from './output-relay.js';
import { whyNotExecutable } from './preflight.js';
import { outputLinks } from './process-tree.js';
import { RECENT_BYTES } from './recent-lines.js';
import { describeSpawnFailure, spawnTierChild, TRANSIENT_SPAWN_ERRORS, type SpawnOutcome } from './spawn-child.js';
import { RECENT_LINES, TierBase, type Life, type TierRuntime } from './tier-base.js';
import { TierLog } from './tier-log.js';
import { TierInput } from './tier-stdin.js';
import type { ResolvedTier } from '../config/types.js';
import type { LogStream, SpawnSpan } from './types.js';
import { steadyNow } from '../runtime/steady-clock.js';

/**
 * A start split at its fork: `fork()` does nothing else, `adopt()` everything after it (the life, its pipes and log,
 * the events, the readiness wait). A wave of starts forks back to back between the two (spawn-wave.ts says why).
 */
export interface TierStart {
  fork(): void;
  adopt(): void;
}

/**
 * The environment a process of `config` starts with: its start's TRACEPARENT (and the trace context land was started
 * with), the OTLP endpoint land gives its children. The one place it is made: spawns, stop commands, and the
 * dashboard's tier detail (through the supervisor) all call it.
 */
export function childEnvOf(runtime: TierRuntime, config: ResolvedTier, traceparent: string, traceContext?: Record<string, string>): Record<string, string> {
  return hydrateChildEnv(runtime.plan, config, {
    bootId: runtime.bootId,
    traceId: runtime.tracer.traceId,
    traceparent,
    traceContext,
    otlpEndpoint: runtime.otlpEndpoint,
    otlpProtocol: runtime.otlpProtocol,
  });
}

export abstract class TierSpawn extends TierBase {
  /** Between prepareSpawn and adopt: a second start of the same tier must not slip in. */
  protected forking = false;
  /** Set as `land scale` removes this replica: nothing starts it again (a restart waiting on the stop, a backoff). */
  protected removedBy?: string;
  /** Starts refused in a row for the moment (retrySpawn): the backoff's step; a start that forks resets it. */
  protected spawnRetries = 0;

  protected abstract awaitReady(life: Life): Promise<void>;
  protected abstract onExit(life: Life, code: number | null, signal: NodeJS.Signals | null): Promise<void>;
  /** A start the system refused for the moment: tried again after a backoff (tier-stop.ts). */
  protected abstract retrySpawn(why: string): void;

  protected spawn(reason: string): void {
    if (this.removedBy !== undefined) return;
    const start = this.prepareSpawn(reason);
    start.fork();
    start.adopt();
  }

  /** What is made before the fork: the spawn span (its id goes into TRACEPARENT) and the child's environment. */
  protected prepareSpawn(reason: string): TierStart {
    const restart = this.everStarted ? this.restarts : 0;
    const span = this.runtime.tracer.startSpawn(this.name, this.config.tier, restart);
    const env = this.childEnv(span.traceparent, span.contextEnv);
    const [file, ...args] = this.config.command;
    this.forking = true;
    let spawned: SpawnOutcome | undefined;
    // When the fork returned: on the wall clock (shown, recorded) and on the steady one (the life's deadlines).
    let forked = { at: 0, steady: 0 };
    return {
      // node's spawn, not execa: a supervisor spawns each tier once or a few times, and execa's first calls ran ~20 ms
      // of cold code per child on top of the fork (the profile of a boot: 158 ms for 8 children). Probes use node's too (side-command.ts).
      fork: () => {
        spawned = spawnTierChild(file!, args, { cwd: this.config.cwd, env, stdin: this.config.stdin });
        forked = { at: Date.now(), steady: steadyNow() };
      },
      adopt: () => {
        try {
          this.adoptChild(reason, restart, span, spawned!, forked);
        } catch (error) {
          this.abandonChild(spawned!, span, error);
        }
      },
    };
  }

  /** The environment of a process of the tier: the child's (its start's TRACEPARENT), or its stop command's. */
  protected childEnv(traceparent: string, traceContext?: Record<string, string>): Record<string, string> {
    return childEnvOf(this.runtime, this.config, traceparent, traceContext);
  }

  private adoptChild(reason: string, restart: number, span: SpawnSpan, spawned: SpawnOutcome, forked: { at: number; steady: number }): void {
    // A spawn that fails here (E2BIG, say) fails this tier only; neighbours never see it.
    if ('failure' in spawned) {
      this.forking = false;
      return this.failSpawn(span, spawned.failure, spawned.code);
    }
    const child = spawned.child;
    if (child.pid === undefined) {
      // Still being started until node says why (next tick): another pass of the scheduler must not start it again.
      const file = this.config.command[0]!;
      child.once('error', (error: NodeJS.ErrnoException) => {
        this.forking = false;
        this.failSpawn(span, describeSpawnError(error, file, this.config.cwd), error.code);
      });
      return;
    }
    this.forking = false;
    this.spawnRetries = 0;
    // Once spawned, the exit event tells the story; a later error (a failed kill) must not throw unhandled.
    child.on('error', () => undefined);
    this.everStarted = true;
    let markExited!: () => void;
    let markSettled!: () => void;
    const life: Life = {
      child,
      pid: child.pid,
      span,
      abort: new AbortController(),
      startedAt: forked.at,
      startedSteady: forked.steady,
      lines: [],
      linesChars: 0,
      lineListeners: new Set(),
      probes: new Set(),
      ended: Promise.resolve(),
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      markExited: () => markExited(),
      leaderGone: false,
      ...(this.config.daemon ? { daemon: this.daemonLife(child.pid, span, forked.steady) } : {}),
      settled: new Promise<void>((resolve) => (markSettled = resolve)),
      markSettled: () => markSettled(),
      outputLinks: outputLinks(child.pid),
      ...(child.stdin ? { input: new TierInput(child.stdin, () => this.runtime.emit({ type: 'stdin-drained', tier: this.name, at: Date.now() })) } : {}),
      stopRequested: false,
      stopReason: '',
      probeFailed: false,
    };
    this.life = life;
    this.readyAt = undefined;
    this.timeToReadyMs = undefined;
    this.nextRestartAt = undefined;
    this.openLogFile().create();
    life.ended = relayOutput({
      stdout: child.stdout,
      stderr: child.stderr,
      file: this.openLogFile(),
      gate: this.runtime.output,
      onLines: (stream, block) => this.onLines(life, stream, block),
    });
    child.once('exit', (code, signal) => {
      // A daemon tier's launcher that exited 0 hands the life on to its daemon (daemon-life.ts).
      if (life.daemon?.launcherExited(life, code, () => this.processesGone(life, null, null))) return;
      this.processesGone(life, code, signal);
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

  /** A daemon tier's life: its launcher followed from now until the readiness deadline at most (daemon-life.ts). */
  private daemonLife(launcher: number, span: SpawnSpan, startedSteady: number): DaemonLife {
    return new DaemonLife({
      marks: { LAND_BOOT_ID: this.runtime.bootId, TRACEPARENT: span.traceparent },
      pidFile: this.config.daemon?.pidFile,
      launcher,
      until: startedSteady + (this.config.ready?.timeoutMs ?? DEFAULTS.tier.ready.timeoutMs),
    });
  }

  /** The life's processes are gone (its leader exited; a daemon tier's daemon ended): onExit tells the story. */
  protected processesGone(life: Life, code: number | null, signal: NodeJS.Signals | null): void {
    life.leaderGone = true;
    life.input?.close();
    life.markExited();
    void this.onExit(life, code, signal);
  }

  /** Lines land writes into the tier's output itself (its stop command's): the log file, the recent lines, an event. */
  protected writeBlock(stream: LogStream, block: LineBlock): void {
    const at = Date.now();
    this.openLogFile().write(block.pieces);
    this.recent.add(stream, block, at);
    this.lastBlock = block;
    this.runtime.emit(logEvent(this.name, stream, block, at));
  }

  /**
   * adoptChild threw (a bug, or a log folder that vanished): the child forked for this start is killed with its group
   * (detached: its pid is the group's) and the tier fails, so that it is neither left unread nor stuck as started.
   */
  private abandonChild(spawned: SpawnOutcome, span: SpawnSpan, error: unknown): void {
    this.forking = false;
    const child = 'child' in spawned ? spawned.child : undefined;
    if (child?.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (child && this.life?.child === child) this.life = undefined;
    if (!this.life) this.failSpawn(span, error instanceof Error ? error.message : String(error));
  }

  /** `code`: node's, when it gave one: a transient failure (spawn-child.ts) is no failed program, and is tried again. */
  protected failSpawn(span: SpawnSpan, message: string, code?: string): void {
    const line = message.split('\n')[0] ?? message;
    span.end({ ok: false, reason: line });
    this.runtime.emit({ type: 'error', tier: this.name, tag: 'spawn-failed', message: line, at: Date.now() });
    if (code !== undefined && TRANSIENT_SPAWN_ERRORS.has(code) && this.removedBy === undefined) return this.retrySpawn(line);
    this.setState('failed', `spawn failed: ${line}`);
  }

  /** Rotated at a size, and never fatal: a write that fails is said as a `log-file` error (src/supervisor/tier-log.ts). */
  protected openLogFile(): TierLog {
    this.logFile ??= new TierLog({
      ...{ ...DEFAULTS.logs, ...this.runtime.plan.config.logs },
      path: join(this.runtime.logDir, `${this.name}.log`),
      onProblem: (message) => this.runtime.emit({ type: 'error', tier: this.name, tag: 'log-file', message, at: Date.now() }),
    });
    return this.logFile;
  }

  /** Lines are decoded here only until the tier is ready (a log probe looks back at them) or while a log probe waits. */
  protected onLines(life: Life, stream: LogStream, block: LineBlock): void {
    const at = Date.now();
    if (!this.wasReady || life.lineListeners.size > 0) this.probeLines(life, probeLines(block));
    if (block.count === 0) {
      // A line shown in quiet fragments ended with nothing more to show: status shows it whole, without a mark.
      const whole = block.wholeLine();
      if (whole !== undefined) this.lastBlock = new LineBlock([], 1, undefined, whole);
      return;
    }
    const kept = block.kept();
    this.recent.add(stream, kept, at);
    // A line shown in quiet fragments is shown so far (status, the UI's and the dashboard's last-line cell): the rest
    // joins it in place, with the mark while it goes on; whole once it ends.
    const whole = block.cut ? block.wholeLine() : undefined;
    this.lastBlock = whole === undefined ? kept : new LineBlock([], 1, undefined, block.cut === 'last' ? whole : `${whole}${CUT_MARK}`);
    this.runtime.emit(logEvent(this.name, stream, block, at));
  }

  /** What a log probe sees: whole lines, or a line so far while it is shown in quiet fragments; never the marks. */
  private probeLines(life: Life, lines: readonly string[]): void {
    if (!this.wasReady) {
      for (const line of lines) {
        if (life.lines.length >= RECENT_LINES || life.linesChars >= RECENT_BYTES) break;
        life.lines.push(line);
        life.linesChars += line.length;
      }
    }
    if (life.lineListeners.size > 0) for (const line of lines) for (const listener of life.lineListeners) listener(line);
  }
}

/** A block's lines for a log probe: the whole line of quiet fragments, an over-long line's fragment without marks. */
function probeLines(block: LineBlock): readonly string[] {
  const whole = block.wholeLine();
  if (whole !== undefined) return [whole];
  if (block.count === 0) return [];
  if (!block.cut) return block.lines;
  const text = block.lines[0]!;
  return [text.slice(block.cut === 'first' ? 0 : CUT_MARK.length, block.cut === 'last' ? text.length : -CUT_MARK.length)];
}

/**
 * node says `spawn node ENOENT` both for a missing command and for a missing working folder: say which, in the
 * words the preflight check uses before a boot.
 */
function describeSpawnError(error: NodeJS.ErrnoException, file: string, cwd: string): string {
  if (error.code === 'ENOENT' && !existsSync(cwd)) return `working folder ${cwd} does not exist (ENOENT)`;
  if (error.code === 'ENOENT' || error.code === 'EACCES') return `${whyNotExecutable(file, cwd)} (${error.code})`;
  return describeSpawnFailure(error);
}
