/**
 * The control API's wire shapes, shared by the server and its clients. HTTP with JSON bodies over a Unix socket
 * (and, optionally, 127.0.0.1 behind a bearer token):
 *
 *   GET  /health                      {ok, pid, bootId, pidNs}; touches nothing that emits telemetry
 *   GET  /status                      StackSnapshot
 *   GET  /metrics                     Prometheus text
 *   GET  /events                      NDJSON stream of EventStreamMessage, ends when the stack has shut down
 *   GET  /logs                        ?tier=<name>&tier=…&limit=<n>&follow=1: NDJSON of LogLine, every tier's (or
 *                                     those named: an instance, or a tier's replicas) merged; limit is per tier
 *   GET  /tiers/<name>/logs           ?limit=<n>&follow=1&format=text|ndjson
 *   POST /tiers/<name>/<command>      start | stop | restart | spawn → CommandResult (a tier with replicas: all)
 *   POST /tiers/<name>/scale          ?replicas=<n> → ScaleResult (a tier that declares replicas)
 *   POST /tiers/<name>/reload         NDJSON of ReloadMessage: a `step` as each replica's restart ends, then `done`
 *   POST /tiers/<name>/stdin          body: bytes for the tier's stdin (at most 64 KiB; one instance) → StdinResult
 *                                     ?eof=1: then close its stdin; ?interrupt=1: then SIGINT to its process group;
 *                                     ?wait=1: a full queue is waited out (up to FULL_WAIT_MS) before `stdin-full`
 *   POST /restart                     → RestartAllResult: every running tier, dependents stopped first, started again in dependency order
 *   POST /apply                       ?dryRun=1 → ApplyResult (src/supervisor/apply-plan.ts): the config read again, the plan, what was done
 *   POST /shutdown                    202 {pid, bootId}: the stack begins shutting down
 *                                     ?wait=1: NDJSON of ShutdownMessage, `stopped` (with `left`) at the shutdown's end
 *   GET  /dashboard                   {url}: the dashboard's login URL (Unix socket only)
 *
 * Errors: {error: {code, message}} with the status from ERROR_STATUS.
 */
import type { StoredLogRecord } from '../receiver/model/types.js';
import type { ControlErrorCode } from '../supervisor/control-error.js';
import type { NamedStray, StillRunning } from '../supervisor/left-behind.js';
import type { LineCut, LogStream, ReloadStep, StackSnapshot, SupervisorEvent, TierSnapshot } from '../supervisor/types.js';

/**
 * The trailer a follow stream of named tiers (one instance, or a tier's replicas) ends with when every instance they
 * name left the stack (`land apply`, `land scale`): `<tier> was removed …`. A stream that ends without it ended with
 * the stack.
 */
export const END_TRAILER = 'x-land-end';

export const TIER_COMMANDS = ['start', 'stop', 'restart', 'spawn'] as const;
export type TierCommand = (typeof TIER_COMMANDS)[number];

export type ApiErrorCode = ControlErrorCode | 'bad-request' | 'not-found' | 'unauthorized' | 'internal';

export const ERROR_STATUS: Record<ApiErrorCode, number> = {
  'unknown-tier': 404,
  'already-running': 409,
  'not-running': 409,
  gated: 409,
  'dependency-unmet': 409,
  'shutting-down': 409,
  'stdin-full': 409,
  'stdin-closed': 409,
  scheduled: 409,
  'bad-request': 400,
  'not-found': 404,
  unauthorized: 401,
  internal: 500,
};

export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

export interface HealthBody {
  ok: true;
  pid: number;
  bootId: string;
  /** The pid namespace `pid` is of (pid-namespace.ts); absent where it cannot be read. */
  pidNs?: string;
}

export interface CommandResult {
  ok: true;
  /** The instance named (the first replica when a tier with replicas was named). */
  tier: TierSnapshot;
  /** Every instance the command addressed. */
  tiers: TierSnapshot[];
  /** What this command's own stops gave up on (stop, restart), by tier; absent when nothing was left. */
  left?: StillRunning[];
  /** `start` of a tier with replicas: the instances that were running already, left as they were (absent: none). */
  alreadyRunning?: string[];
}

export interface ScaleResult {
  ok: true;
  /** The tier's replicas after scaling. */
  tiers: TierSnapshot[];
  /** What the stops of the replicas removed gave up on; absent when nothing was left. */
  left?: StillRunning[];
}

/** `land restart --all`: the tiers restarted (now waiting for their dependencies or starting), and what their stops left. */
export interface RestartAllResult {
  ok: true;
  tiers: TierSnapshot[];
  left?: StillRunning[];
}

/**
 * The lines of `POST /tiers/<tier>/reload` (`land reload`, rolling-reload.ts): one `step` as each replica's restart
 * ends, then `done` (`ok`: every replica ready; `replicas` false: the tier has none, and the reload was a restart;
 * `cut`: what cut the roll short, a later command on the tier or the shutdown), or `error` (a refusal that came with
 * the command's turn: gated off, the stack shutting down).
 */
export type ReloadMessage =
  | { kind: 'step'; step: ReloadStep }
  | { kind: 'done'; ok: boolean; replicas: boolean; steps: ReloadStep[]; tiers: TierSnapshot[]; left?: StillRunning[]; cut?: string }
  | { kind: 'error'; error: ApiErrorBody['error'] };

/** How long POST /tiers/<name>/stdin?wait=1 waits for room in a full queue before it refuses `stdin-full` after all. */
export const FULL_WAIT_MS = 10_000;

/** POST /tiers/<name>/stdin: the bytes were queued for the child; `queued` bytes wait for it to read them. */
export interface StdinResult {
  ok: true;
  tier: string;
  bytes: number;
  queued: number;
}

export interface DashboardBody {
  url: string;
}

export interface ShutdownAccepted {
  pid: number;
  bootId: string;
  /** The pid namespace `pid` is of (pid-namespace.ts; absent from an older land): a client of another one ignores pid. */
  pidNs?: string;
}

/** The lines of `POST /shutdown?wait=1`: accepted at once, stopped when the shutdown has ended. */
export type ShutdownMessage = ({ kind: 'accepted' } & ShutdownAccepted) | { kind: 'stopped'; left: StillRunning[]; strays?: NamedStray[] };

export interface LogLine {
  tier: string;
  /** `otlp`: a log record the child sent to land's receiver (then `record` holds all its fields). */
  stream: LogStream | 'otlp';
  line: string;
  at: number;
  /** A fragment of a line (shown while quiet, or of an over-long one): which part; `line` carries its `…` marks. */
  cut?: LineCut;
  record?: StoredLogRecord;
}

/** A line of the tier's own output (stdout or stderr). */
export type OutputLine = LogLine & { stream: LogStream };

/**
 * One line of /events. The first message is a `hello` (snapshot and each tier's recent lines, so a client starts
 * complete); then every supervisor event, and a fresh snapshot after state changes and every few seconds.
 */
export type EventStreamMessage =
  | { kind: 'hello'; snapshot: StackSnapshot; logs: Record<string, OutputLine[]> }
  | { kind: 'event'; event: SupervisorEvent }
  | { kind: 'snapshot'; snapshot: StackSnapshot };

/** How many recent lines per tier the hello message carries. */
export const HELLO_LOG_LINES = 200;
