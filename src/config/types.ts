/** The user-facing configuration of a stack (what `land.config.ts` exports through `defineConfig`). */
import type { ReceiverConfig, ResolvedReceiver } from './receiver.js';

export type { ReceiverConfig, ResolvedReceiver } from './receiver.js';

export type DependencyCondition = 'started' | 'ready' | 'completed';
export type RestartPolicy = 'never' | 'on-failure' | 'always';

/** How land decides a tier is ready (and, with `liveness`, still healthy). Exactly one kind per spec. */
export type ProbeSpec =
  | { log: string | RegExp; timeoutMs?: number }
  | { tcp: number; host?: string; timeoutMs?: number }
  | { http: string; timeoutMs?: number }
  | { exec: string[]; timeoutMs?: number };

export type LivenessSpec = ProbeSpec & { intervalMs?: number; failureThreshold?: number };

export interface RestartSpec {
  policy?: RestartPolicy;
  maxRestarts?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  /** A run that stayed up this long resets the restart budget and the backoff. */
  resetAfterMs?: number;
}

export interface StopSpec {
  signal?: NodeJS.Signals;
  timeoutMs?: number;
  /**
   * Run instead of sending the stop signal (`['pg_ctl', 'stop']`), with the tier's environment; a string only with
   * the tier's `shell: true`. SIGKILL at timeoutMs as ever (src/supervisor/stop-command.ts).
   */
  command?: string[] | string;
}

/** Limits on a tier's running process tree. */
export interface LimitsSpec {
  /**
   * Resident memory of the whole tree (the tier's process and its descendants): bytes, or `'512M'` (K, M, G: powers
   * of 1024). Over it for two samples in a row (1 s apart), the tier is restarted gracefully, as on a failed liveness probe.
   */
  memory?: number | string;
}

export interface TierConfig {
  /** argv array; a string runs through a shell only with `shell: true`. */
  command: string[] | string;
  shell?: boolean;
  /** Relative to the config file's folder. */
  cwd?: string;
  env?: Record<string, string>;
  /** The tier's own env files (relative to the config file's folder), read after the stack's, before `env`. */
  envFiles?: string[];
  /** Default true. false: only PATH, HOME, USER, LANG, TZ, NODE_*, TERM and `allowEnv` from land's environment. */
  inheritEnv?: boolean;
  allowEnv?: string[];
  /** Default true. false: none of the telemetry keys (`Authorize`, `Capture`, …) from land's env, env files or profile. */
  telemetryEnv?: boolean;
  /** The telemetry tier name; defaults to the key. */
  tier?: string;
  /** Flag name(s): the tier starts unless one of them is false. */
  gate?: string | string[];
  /** A predicate on the resolved profile env, for what a gate cannot say. */
  when?: (env: Readonly<Record<string, string>>) => boolean;
  dependsOn?: Record<string, DependencyCondition>;
  ready?: ProbeSpec;
  liveness?: LivenessSpec;
  restart?: RestartSpec;
  stop?: StopSpec;
  limits?: LimitsSpec;
  description?: string;
  /** Run this many instances, `<tier>.1` … `<tier>.N`, each with LAND_REPLICA=<n> (src/supervisor/replicas.ts). */
  replicas?: number;
  /** The child's PORT; replica n gets `port + n - 1` (foreman's convention). */
  port?: number;
  /** Restart the tier when files change: globs (relative to `cwd`), or the full spec. */
  watch?: string | string[] | WatchSpec;
  /** When this tier has ended for good, `land up` stops the stack and exits with its code (src/cli/exit-with.ts). */
  exitWith?: boolean;
  /**
   * The command starts a daemon and exits: its exit with code 0 means started, and the tier runs as long as a
   * process of it does (src/supervisor/daemon-life.ts). `{ pidFile }`: the file the daemon writes its pid into
   * (systemd's PIDFile=), relative to `cwd`: how land names a daemon it could not follow otherwise.
   */
  daemon?: boolean | { pidFile: string };
  /**
   * A cron expression (`'0 3 * * *'`: 03:00 every day; six fields: seconds first): the tier is a job land runs at
   * each time it matches while the stack runs, never two runs at once (src/supervisor/schedule.ts).
   */
  schedule?: string;
  /**
   * Give the tier a stdin pipe land keeps open for as long as it runs: `land attach` and `land send` write to it
   * (src/supervisor/tier-stdin.ts). Without it the tier's stdin is /dev/null.
   */
  stdin?: boolean;
}

/** Restart on change (src/watch/). */
export interface WatchSpec {
  /** Globs relative to the tier's cwd, e.g. `src/**` or `lib/*.js`. */
  paths: string | string[];
  /** Globs never watched (node_modules, .git and .land never are). */
  ignore?: string[];
  /** A burst of changes (a `git checkout`) restarts once, this long after the last change. Default 300 ms. */
  debounceMs?: number;
  /** Also restart the tiers that depend on this one (after it is ready again). Default false. */
  restartDependents?: boolean;
}

export interface LandConfig {
  /** Application name: OTEL_SERVICE_NAME is `<app>-<tier>`. */
  app?: string;
  version?: string;
  envFiles?: string[];
  defaultProfile?: string;
  profilesDir?: string;
  tiers: Record<string, TierConfig>;
  telemetry?: {
    /** Interval of land:mountain:rollup (default 60 s). */
    rollupIntervalMs?: number;
  };
  /** The browser dashboard `land up` serves on 127.0.0.1 (default: on, a free port). */
  dashboard?: { enabled?: boolean; port?: number };
  /** Tier log files (README "Logs and disk"). */
  logs?: LogsConfig;
  /** The last N boots' folders kept under .land/logs and .land/telemetry (default 10). */
  keepBoots?: number;
  /** The stack's OTLP receiver (see receiver.ts beside this file). */
  receiver?: ReceiverConfig;
}

export interface LogsConfig {
  /** A tier's log file rotates once it holds this many bytes (default 32 MiB). */
  rotateBytes?: number;
  /** Rotated files kept per tier: `<tier>.log.1` (newest) … `.N` (default 3). */
  keepFiles?: number;
}

/** A tier with every default filled in and paths made absolute. */
export interface ResolvedTier {
  name: string;
  tier: string;
  command: string[];
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  /** Absolute paths of the tier's own env files (`[]`: none). */
  envFiles: string[];
  /** What those files set (`${VAR}` expanded, land's exported values winning): filled in by the plan (plan.ts). */
  fileEnv?: Record<string, string>;
  inheritEnv: boolean;
  allowEnv: string[];
  telemetryEnv: boolean;
  gate: string[];
  when?: (env: Readonly<Record<string, string>>) => boolean;
  dependsOn: Record<string, DependencyCondition>;
  ready?: ProbeSpec & { timeoutMs: number };
  liveness?: ProbeSpec & { timeoutMs: number; intervalMs: number; failureThreshold: number };
  restart: { policy: RestartPolicy; maxRestarts: number; backoff: { initialMs: number; maxMs: number }; resetAfterMs: number };
  /** `command`: the final argv (a shell line is `/bin/sh -c …`, as `command`). */
  stop: { signal: NodeJS.Signals; timeoutMs: number; command?: string[] };
  /** `daemon: true` in the config (`{}`), or its pid file made absolute. */
  daemon?: { pidFile?: string };
  /** `memory`: bytes (absent: no limit, and nothing of the tier is sampled). */
  limits?: { memory: number };
  description?: string;
  /** As configured (absent: one instance named after the tier, which `land scale` cannot change). */
  replicas?: number;
  port?: number;
  watch?: ResolvedWatch;
  /** `exitWith: true` in the config. */
  exitWith?: true;
  /** The cron expression of a scheduled tier (its restart policy is then never). */
  schedule?: string;
  /** `stdin: true` in the config: the child's stdin is a pipe land keeps open. */
  stdin?: true;
  /** Set on a replica's own copy: the tier it belongs to and its number (1-based). */
  group?: string;
  replica?: number;
}

export interface ResolvedWatch {
  paths: string[];
  ignore: string[];
  debounceMs: number;
  restartDependents: boolean;
}

export interface ResolvedConfig {
  app: string;
  /** True when the config file named `app`; else `app` is the folder's name (the export refusal says which). */
  appSet?: boolean;
  version: string;
  /** Absolute path of the config file and its folder (the project root: .land/ lives here). */
  configFile: string;
  rootDir: string;
  envFiles: string[];
  profilesDir: string;
  defaultProfile: string;
  /** True when the config file itself named defaultProfile (even 'debug', the default): the unknown-profile note says which. */
  defaultProfileSet?: boolean;
  /** In dependency order (a tier comes after everything it depends on). */
  tiers: ResolvedTier[];
  rollupIntervalMs: number;
  dashboard: { enabled: boolean; port: number };
  /** Filled in by resolveConfig; optional for configs built by hand (tests), which get the defaults. */
  logs?: Required<LogsConfig>;
  keepBoots?: number;
  receiver: ResolvedReceiver;
  /** What reading it again changed in how the stack was asked for (a Procfile's formation that named a gone type): said by land apply. */
  rereadNotes?: string[];
}

/** Whether a tier runs under a profile, and if not, why. */
export interface TierPlan {
  name: string;
  enabled: boolean;
  /** e.g. `Spawn=false`, or `when` for a predicate. */
  gatedBy?: string;
  /** Started alone (`land spawn` without --with-deps): its dependencies left out of this boot, `name (condition)`. */
  notStarted?: string[];
}

/** One boot's resolved inputs: the profile and the env it layers. */
export interface BootPlan {
  config: ResolvedConfig;
  profile: string;
  profileFile: string;
  /** Env files + profile, with the shell's exported values winning (the dotenv convention). */
  profileEnv: Record<string, string>;
  /** land's own environment (layer 1). */
  shellEnv: Record<string, string>;
  tiers: TierPlan[];
}
