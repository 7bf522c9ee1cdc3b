import path from 'node:path';
import { resolveReceiver } from './receiver.js';
import { orderTiers } from './order.js';
import { parseSize } from './size.js';
import type { LandConfig, LivenessSpec, ProbeSpec, ResolvedConfig, ResolvedTier, ResolvedWatch, TierConfig } from './types.js';

/** Every default of the config in one place (the docs and `land config` can show them from here). */
export const DEFAULTS = {
  version: '0.0.0',
  envFiles: ['.env.Land', '.env.Land.PostHog'],
  profilesDir: 'profiles',
  defaultProfile: 'debug',
  rollupIntervalMs: 60_000,
  logs: { rotateBytes: 32 * 1024 * 1024, keepFiles: 3 },
  keepBoots: 10,
  tier: {
    shell: false,
    inheritEnv: true,
    telemetryEnv: true,
    restart: { policy: 'on-failure', maxRestarts: 5, backoff: { initialMs: 1000, maxMs: 16_000 }, resetAfterMs: 30_000 },
    stop: { signal: 'SIGTERM', timeoutMs: 5000 },
    ready: { timeoutMs: 30_000 },
    liveness: { intervalMs: 5000, failureThreshold: 1, timeoutMs: 5000 },
    watch: { debounceMs: 300, restartDependents: false },
  },
} as const;

/**
 * The final argv: the supervisor spawns it as is, never through another shell. With `shell: true` the command runs
 * through `/bin/sh -c` (an argv array is joined with spaces first, as child_process does with `shell: true`).
 */
function resolveCommand(tier: TierConfig, command: string[] | string = tier.command): string[] {
  if (tier.shell !== true) return [...(command as string[])]; // the schema allows a string only with shell
  const script = typeof command === 'string' ? command : command.join(' ');
  return ['/bin/sh', '-c', script];
}

/** The stop signal and timeout with their defaults; the stop command (if any) as an argv, as `command` is. */
function resolveStop(tier: TierConfig): ResolvedTier['stop'] {
  const stop: ResolvedTier['stop'] = { signal: tier.stop?.signal ?? DEFAULTS.tier.stop.signal, timeoutMs: tier.stop?.timeoutMs ?? DEFAULTS.tier.stop.timeoutMs };
  if (tier.stop?.command !== undefined) stop.command = resolveCommand(tier, tier.stop.command);
  return stop;
}

function resolveReady(ready: ProbeSpec | undefined): ResolvedTier['ready'] {
  if (ready === undefined) return undefined;
  return { ...ready, timeoutMs: ready.timeoutMs ?? DEFAULTS.tier.ready.timeoutMs };
}

function resolveLiveness(liveness: LivenessSpec | undefined): ResolvedTier['liveness'] {
  if (liveness === undefined) return undefined;
  const defaults = DEFAULTS.tier.liveness;
  return {
    ...liveness,
    timeoutMs: liveness.timeoutMs ?? defaults.timeoutMs,
    intervalMs: liveness.intervalMs ?? defaults.intervalMs,
    failureThreshold: liveness.failureThreshold ?? defaults.failureThreshold,
  };
}

function resolveWatch(watch: TierConfig['watch']): ResolvedWatch | undefined {
  if (watch === undefined) return undefined;
  const spec = typeof watch === 'string' || Array.isArray(watch) ? { paths: watch } : watch;
  return {
    paths: typeof spec.paths === 'string' ? [spec.paths] : [...spec.paths],
    ignore: [...(spec.ignore ?? [])],
    debounceMs: spec.debounceMs ?? DEFAULTS.tier.watch.debounceMs,
    restartDependents: spec.restartDependents ?? DEFAULTS.tier.watch.restartDependents,
  };
}

function resolveTier(name: string, tier: TierConfig, rootDir: string): ResolvedTier {
  const restart = DEFAULTS.tier.restart;
  const resolved: ResolvedTier = {
    name,
    tier: tier.tier ?? name,
    command: resolveCommand(tier),
    shell: tier.shell ?? DEFAULTS.tier.shell,
    cwd: path.resolve(rootDir, tier.cwd ?? '.'),
    env: { ...tier.env },
    envFiles: (tier.envFiles ?? []).map((file) => path.resolve(rootDir, file)),
    inheritEnv: tier.inheritEnv ?? DEFAULTS.tier.inheritEnv,
    allowEnv: [...(tier.allowEnv ?? [])],
    telemetryEnv: tier.telemetryEnv ?? DEFAULTS.tier.telemetryEnv,
    gate: tier.gate === undefined ? [] : typeof tier.gate === 'string' ? [tier.gate] : [...tier.gate],
    dependsOn: { ...tier.dependsOn },
    ready: resolveReady(tier.ready),
    liveness: resolveLiveness(tier.liveness),
    restart: {
      // A scheduled tier's failed run waits for its next time (the schema refuses another policy with schedule).
      policy: tier.schedule !== undefined ? 'never' : (tier.restart?.policy ?? restart.policy),
      maxRestarts: tier.restart?.maxRestarts ?? restart.maxRestarts,
      backoff: {
        initialMs: tier.restart?.backoff?.initialMs ?? restart.backoff.initialMs,
        maxMs: tier.restart?.backoff?.maxMs ?? restart.backoff.maxMs,
      },
      resetAfterMs: tier.restart?.resetAfterMs ?? restart.resetAfterMs,
    },
    stop: resolveStop(tier),
  };
  if (tier.when !== undefined) resolved.when = tier.when;
  if (tier.description !== undefined) resolved.description = tier.description;
  if (tier.replicas !== undefined) resolved.replicas = tier.replicas;
  if (tier.port !== undefined) resolved.port = tier.port;
  if (tier.watch !== undefined) resolved.watch = resolveWatch(tier.watch);
  if (tier.exitWith === true) resolved.exitWith = true;
  if (tier.schedule !== undefined) resolved.schedule = tier.schedule;
  if (tier.stdin === true) resolved.stdin = true;
  if (tier.daemon === true) resolved.daemon = {};
  else if (typeof tier.daemon === 'object') resolved.daemon = { pidFile: path.resolve(resolved.cwd, tier.daemon.pidFile) };
  const memory = tier.limits?.memory === undefined ? undefined : parseSize(tier.limits.memory);
  if (memory !== undefined) resolved.limits = { memory };
  if (resolved.ready === undefined) delete resolved.ready;
  if (resolved.liveness === undefined) delete resolved.liveness;
  return resolved;
}

/**
 * Fills in every default of a validated config and makes its paths absolute (relative paths are relative to the
 * config file's folder). Tiers come back in dependency order; an unknown dependency or a cycle is an InputError.
 * `ordered: false` (`land check`, which lists those itself) keeps the declared order and throws nothing for them.
 */
export function resolveConfig(config: LandConfig, configFile: string, fileLabel: string, ordered = true): ResolvedConfig {
  const absoluteFile = path.resolve(configFile);
  const rootDir = path.dirname(absoluteFile);
  const tiers = Object.entries(config.tiers).map(([name, tier]) => resolveTier(name, tier, rootDir));
  return {
    app: config.app ?? path.basename(rootDir),
    appSet: config.app !== undefined,
    version: config.version ?? DEFAULTS.version,
    configFile: absoluteFile,
    rootDir,
    envFiles: (config.envFiles ?? DEFAULTS.envFiles).map((file) => path.resolve(rootDir, file)),
    profilesDir: path.resolve(rootDir, config.profilesDir ?? DEFAULTS.profilesDir),
    defaultProfile: config.defaultProfile ?? DEFAULTS.defaultProfile,
    defaultProfileSet: config.defaultProfile !== undefined,
    tiers: ordered ? orderTiers(tiers, fileLabel) : tiers,
    rollupIntervalMs: config.telemetry?.rollupIntervalMs ?? DEFAULTS.rollupIntervalMs,
    dashboard: { enabled: config.dashboard?.enabled ?? true, port: config.dashboard?.port ?? 0 },
    logs: { ...DEFAULTS.logs, ...config.logs },
    keepBoots: config.keepBoots ?? DEFAULTS.keepBoots,
    receiver: resolveReceiver(config.receiver),
  };
}
