/** What the supervisor publishes: the only source of truth about tiers for the printer, TUI, control and telemetry. */

import type { ApplyResult } from './apply-types.js';
import type { LeftBehind, NamedStray, StillRunning } from './left-behind.js';
import type { OutputGate } from './output-gate.js';
import type { RecentReader } from './recent-lines.js';

export type TierState =
  | 'disabled'
  | 'pending'
  | 'starting'
  | 'ready'
  | 'exited'
  | 'crashed'
  | 'backoff'
  | 'failed'
  | 'stopping'
  | 'stopped'
  /** A scheduled tier between its runs (src/supervisor/schedule.ts). */
  | 'scheduled';

export interface Transition {
  state: TierState;
  at: number;
  reason: string;
}

export interface ExitInfo {
  code: number | null;
  signal: string | null;
  at: number;
  /** No exit: the leader refused land's signals or outlived SIGKILL, and its stop gave up on it. */
  givenUp?: true;
  /** A daemon tier's daemon ended (or its launcher left none): no exit code land could read. */
  daemonEnded?: true;
}

export interface TierSnapshot {
  name: string;
  tier: string;
  state: TierState;
  /** Why the tier is in its state (the last transition's reason; for disabled: the gate, e.g. `Spawn=false`). */
  reason: string;
  since: number;
  pid?: number;
  /** Restarts so far in this boot (0 for the first start). */
  restarts: number;
  startedAt?: number;
  readyAt?: number;
  timeToReadyMs?: number;
  lastExit?: ExitInfo;
  gatedBy?: string;
  /** When in backoff: when the next start is due. */
  nextRestartAt?: number;
  dependsOn: Record<string, string>;
  lastLine?: string;
  /** The most recent transitions, oldest first. */
  history: Transition[];
  /** A replica: the configured tier it belongs to and its number (src/supervisor/replicas.ts). */
  group?: string;
  replica?: number;
  /** The tier restarts on change (src/watch/): what it watches and the last change that restarted it. */
  watch?: WatchStatus;
  /** A scheduled tier (`schedule`): its expression, next time, runs and skipped runs (src/supervisor/schedule.ts). */
  schedule?: ScheduleStatus;
  /** The tier declares `limits.memory` (src/supervisor/memory-watch.ts): its limit, last sample and restarts. */
  memory?: MemoryStatus;
  /** The last stop that gave up on processes (they refused land's signals, or outlived SIGKILL): which, and when. */
  leftBehind?: LeftBehind;
  /**
   * A daemon tier's life (`daemon: true`): its launcher's pid, and whether that launcher has exited 0 so that the
   * life is its daemon's (`pid` is then the daemon's: its oldest live process). `pids`: while it runs, the tops of
   * the daemon's trees (its processes whose parent is not one of them: a daemon that re-executed itself, or a
   * launcher that started two), whose trees the usage columns and the memory limit sum.
   */
  daemon?: { launcher: number; running: boolean; pids?: number[] };
  /** `stdin: true`: the tier takes input (`land attach`, `land send`). */
  stdin?: true;
}

export interface ScheduleStatus {
  expression: string;
  /** When it runs next (absent once the stack is shutting down, or while `land stop` paused it). */
  nextRunAt?: number;
  /** Runs its schedule started (not `land start`'s). */
  runs: number;
  /** Times it matched but did not run: the last run still going, or a dependency not met. */
  skipped: number;
  /** The last of them: when, and why. */
  lastSkip?: { at: number; reason: string };
}

export interface MemoryStatus {
  /** Bytes: the resident memory the tier's whole process tree may use. */
  limit: number;
  /** The tree's resident bytes at the last sample (while it runs), and when. */
  used?: number;
  sampledAt?: number;
  /** Restarts the limit caused so far in this boot. */
  restarts: number;
  /** The last of them: the tree's resident bytes then, when, and the pid of the life it led to (once started). */
  last?: { used: number; at: number; pid?: number };
}

export interface WatchStatus {
  paths: string[];
  /** The initial scan is done: changes from now on restart the tier. */
  watching: boolean;
  /** Restarts changes caused this instance so far (a replica added later counts from its own start). */
  restarts: number;
  /** The last burst of changes that restarted this instance: its first file (relative to the tier's cwd), how many files, when. */
  lastChange?: { file: string; files: number; at: number };
}

export type PipeState = 'off' | 'on' | 'unavailable';

export interface PipeStatus {
  state: PipeState;
  sent: number;
  dropped: number;
  /** Why it is off or unavailable (never contains a secret). */
  reason?: string;
}

export interface TelemetryStatus {
  posthog: PipeStatus;
  otlp: PipeStatus;
  record: PipeStatus;
}

export interface StackSnapshot {
  app: string;
  profile: string;
  bootId: string;
  traceId: string;
  /** The boot's root span (`land.boot`); absent from an older land. */
  bootSpanId?: string;
  pid: number;
  /** The pid namespace of `pid` and the tiers' pids (src/control/pid-namespace.ts); absent where /proc has none. */
  pidNs?: string;
  startedAt: number;
  shuttingDown: boolean;
  /** In dependency order. */
  tiers: TierSnapshot[];
  telemetry: TelemetryStatus;
  /** The OTLP receiver (absent when land runs without one). */
  receiver?: ReceiverStatus;
  /** `land up --watch-config` (src/watch/config-watch.ts): what it watches, and a save it could not apply. */
  configWatch?: ConfigWatchStatus;
}

export interface ConfigWatchStatus {
  /** The files `land apply` reads again (config or Procfile, env files, profile), relative to the stack's folder. */
  files: string[];
  /** The first scan is done: saves from now on are applied. */
  watching: boolean;
  /** Saves applied so far. */
  applied: number;
  /** The last save that was applied: its one-line summary, and when. */
  last?: { summary: string; at: number };
  /** The last save that could not be applied (cleared by one that applies): `land apply`'s one line, and when. */
  error?: { message: string; at: number };
}

export type LogStream = 'stdout' | 'stderr';

/** Where a fragment of an over-long line sits in it (src/supervisor/fragments.ts); a block of whole lines has none. */
export type LineCut = 'first' | 'middle' | 'last';

export type SupervisorEvent =
  | { type: 'state'; tier: string; from: TierState; to: TierState; reason: string; at: number }
  /** The whole lines one read of a child's pipe carried, in order (one event per read, not per line: the hot path). */
  | {
      type: 'log';
      tier: string;
      stream: LogStream;
      lines: string[];
      /** lines.length, known without decoding them (land's own events decode `lines` only when it is read). */
      count?: number;
      /**
       * The same lines as read from the pipe, each ending in a newline but (at the pipe's end) the last; for a
       * fragment, its bytes as printed (src/supervisor/fragments.ts). `bytes` and a `lines` not yet decoded are views of
       * a read's slab, which is filled again once no holder is left: read them during the dispatch, or hold them
       * (src/supervisor/slab-pool.ts: the printer does), or copy them.
       */
      bytes?: readonly Buffer[];
      /** Where each line's newline lies in `bytes` taken as one run (when known): the printer's, never on the wire. */
      ends?: ArrayLike<number>;
      /** A fragment of an over-long line: `lines` holds its start and end only, `bytes` all of it. */
      cut?: LineCut;
      at: number;
    }
  | { type: 'spawn'; tier: string; pid: number; restart: number; at: number; spanId: string; traceparent: string }
  | {
      type: 'exit';
      tier: string;
      pid: number;
      code: number | null;
      signal: string | null;
      at: number;
      uptimeMs: number;
      timeToReadyMs?: number;
      restarts: number;
      /** requested | crashed | completed | probe-failed | memory-limit | spawn-failed */
      why: string;
    }
  /**
   * `logged`: the same words are a `[land] ` line of the tier's log (TierProcess.noteInLog: a skipped scheduled run),
   * which every view of its lines shows: a view that prints both (the printer) says it there, once.
   */
  | { type: 'error'; tier: string; tag: string; message: string; at: number; logged?: true }
  /** `left` (at the end): what land started and could not stop, still running (left-behind.ts). */
  | { type: 'shutdown'; phase: 'begin' | 'end'; reason: string; at: number; left?: StillRunning[]; strays?: NamedStray[] }
  /**
   * An instance left the stack (`land apply` removed its tier, `land scale` the replica), after its stop: a follower
   * of its lines alone (`land logs <tier> -f`, `land attach`) ends, saying so (log-stream.ts). `replacedBy`: the
   * instances `land apply` makes of its tier instead (it gained or dropped `replicas`), not made yet: a follower that
   * shows one of them goes on.
   */
  | { type: 'removed'; tier: string; reason: string; at: number; replacedBy?: string[] }
  /**
   * A tier's stdin took all that waited for it, after a write that filled its pipe: a writer refused with
   * `stdin-full` has room again (tier-stdin.ts; `land spawn`'s relay waits for it, spawn-stdin.ts).
   */
  | { type: 'stdin-drained'; tier: string; at: number }
  /** `land scale`: a tier's replica count changed. */
  | { type: 'scale'; tier: string; from: number; to: number; at: number }
  /** Watched files of a tier changed (one event per burst); a restart follows. */
  | { type: 'change'; tier: string; files: string[]; at: number }
  /**
   * `land up --watch-config`: a saved config (`file`, the one that changed first) was applied (`ok`: `message` says what
   * it did in one line) or refused (`message`: `land apply`'s one line; nothing changed).
   */
  | { type: 'config'; ok: boolean; file: string; message: string; at: number };

/** One instance's step in `land reload` (src/supervisor/rolling-reload.ts), as it ended. */
export interface ReloadStep {
  name: string;
  /**
   * `ready`: restarted, and its new life is ready; `failed`: it was not (the roll stopped there); `started`: restarted,
   * not waited for (the roll was cut short meanwhile); `untouched`: not reached, left as it was.
   */
  outcome: 'ready' | 'failed' | 'started' | 'untouched';
  /** Its pid before the step (none: it was not running) and now. */
  before?: number;
  pid?: number;
  /** Its state now, and why (failed: why its new life is not ready). */
  state: TierState;
  reason: string;
}

/** The commands the TUI and the control server send back. */
export interface SupervisorControl {
  snapshot(): StackSnapshot;
  /** The snapshot's counters alone (what moves without an event), where reading them costs less than a snapshot. */
  counters?(): Pick<StackSnapshot, 'telemetry' | 'receiver'>;
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
  /** Each tier's `stop.timeoutMs`: what bounds how long a command that waits for stops says it works (working.ts). */
  stopTimeouts?(): number[];
  /** Start a tier that is stopped, exited, failed, or (with force) gated off by the profile. */
  startTier(name: string, options?: { force?: boolean }): Promise<void>;
  /** Resolves with what this command's stops gave up on (a remote or read-only view may not say). */
  stopTier(name: string): Promise<StillRunning[] | void>;
  restartTier(name: string): Promise<StillRunning[] | void>;
  /** Every running tier, dependents stopped first, started again in dependency order (absent on a read-only view). */
  restartAll?(): Promise<{ restarted: string[]; left: StillRunning[] } | void>;
  /** `land apply`: the config read again and its differences acted on (`dryRun`: only the plan); absent on a view. */
  apply?(dryRun: boolean): Promise<ApplyResult>;
  /** Run `count` replicas of a tier that declares `replicas` (optional: a read-only view may not scale). */
  scaleTier?(name: string, count: number): Promise<StillRunning[] | void>;
  /**
   * `land reload`: a tier's replicas restarted one at a time, each ready before the next (a tier without replicas: a
   * restart, waited for until ready); `onStep` hears each as it ends; `cut`: what cut the roll short (a later command
   * on the tier, the shutdown). Absent on a view that cannot.
   */
  reloadTier?(name: string, onStep?: (step: ReloadStep) => void): Promise<{ replicas: boolean; steps: ReloadStep[]; left: StillRunning[]; cut?: string }>;
  /** Bytes for one instance's stdin (a tier with `stdin: true`); absent on a view that cannot write (tier-stdin.ts). */
  writeStdin?(name: string, bytes: Buffer, after?: StdinAfter): StdinWritten;
  /** Recent lines of a tier's output, oldest first; `cut`: a fragment of a line (which part), its text marked `…`. */
  logs(name: string, limit?: number): Array<{ stream: LogStream; line: string; at: number; cut?: LineCut }>;
  /** The same lines for one reader taking them a line at a time, without a copy (a view kept elsewhere has no such). */
  readLogs?(name: string, limit?: number): RecentReader;
  shutdown(reason: string): Promise<void>;
  /** Held by a reader that is behind (a control stream) to pause the children's pipes; absent for a remote stack. */
  readonly output?: OutputGate;
}

/** What a write to a tier's stdin did: its bytes are queued for the child, `queued` still wait for it to read them. */
/**
 * What follows the bytes, as a terminal would give it: `eof` closes the tier's stdin (its reader sees the end of
 * input, Ctrl-D's meaning), `interrupt` sends SIGINT to its process group (Ctrl-C's).
 */
export interface StdinAfter {
  eof?: boolean;
  interrupt?: boolean;
}

export interface StdinWritten {
  tier: string;
  bytes: number;
  queued: number;
}

/**
 * How the supervisor asks telemetry for a spawn span: it must know the span id before the child starts, to put it
 * in the child's TRACEPARENT. The default (telemetry off) only makes ids.
 */
export interface SpawnTracer {
  readonly traceId: string;
  /** The boot's root span (`land.boot`): the parent a command run beside the stack (`land run`) is given. */
  readonly bootSpanId?: string;
  /**
   * A child of `land.boot`'s trace context variables (TRACEPARENT, TRACESTATE, BAGGAGE) when land was started with
   * TRACESTATE or BAGGAGE, which `land run` beside the stack carries on as the tiers do (control: GET /status?context).
   */
  readonly bootContextEnv?: Record<string, string>;
  startSpawn(name: string, tier: string, restart: number): SpawnSpan;
}

export interface SpawnSpan {
  spanId: string;
  /** `00-<traceId>-<spanId>-01` */
  traceparent: string;
  /** The child's trace context variables: TRACEPARENT, and TRACESTATE / BAGGAGE when land was started with them. */
  contextEnv?: Record<string, string>;
  /** `exit`: the start ended with the child's exit (a failed start): its code or signal. */
  end(outcome: { ok: boolean; reason?: string; pid?: number; exit?: { code: number | null; signal: string | null } }): void;
}

/** What the stack's OTLP receiver has taken in (src/receiver), per tier: shown by status, /metrics and the UI. */
export interface ReceiverTierCounts {
  spans: number;
  logRecords: number;
  metricPoints: number;
  /** Items not kept: over a limit, rejected as malformed. */
  dropped: number;
  /**
   * Kept items let go from memory to make room (on disk still, in the boot's record file; present when some were):
   * what `land trace` and the dashboard no longer show while the boot runs.
   */
  evicted?: number;
}

export interface ReceiverStatus {
  state: PipeState;
  /** `http://127.0.0.1:<port>`: what children get as OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint?: string;
  reason?: string;
  /** Answered 200, answered 4xx/5xx (bad input), refused with 429 (too much waiting). */
  requests: { accepted: number; rejected: number; refused: number };
  tiers: Record<string, ReceiverTierCounts>;
  /**
   * Items of accepted (200) requests that could not be decoded when the store read them (a message inside an item
   * that the wire survey skipped was malformed); counted as they are found, when something reads the store.
   */
  unreadable?: number;
  /** Forwarding to the collector (off when the OTLP pipe is off). */
  forward: PipeStatus;
}

// `land apply`'s answer (src/supervisor/apply-plan.ts): in apply-types.ts, public through here.
export type { ApplyAct, ApplyChange, ApplyResult, ApplyStep } from './apply-types.js';
