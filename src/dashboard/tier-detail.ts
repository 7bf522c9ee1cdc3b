/** A tier's configuration as the dashboard's detail view shows it: command, cwd, probes, policies, limits, environment. */
import { redactArgs, redactText } from '../config/redact.js';
import { formatSize } from '../config/size.js';
import type { BootPlan, ProbeSpec, ResolvedTier } from '../config/types.js';
import { replicaConfig } from '../supervisor/replicas.js';
import { maskedPairs } from '../config/masked-values.js';
import type { TierDetail } from './wire.js';

/** A probe in words, with what its URL or command may hold masked as `land status` masks it. */
function describeProbe(probe: (ProbeSpec & { timeoutMs: number }) | undefined, fallback: string): string {
  return probe ? redactText(probeText(probe)) : fallback;
}

function probeText(probe: ProbeSpec & { timeoutMs: number }): string {
  const within = `within ${probe.timeoutMs} ms`;
  if ('log' in probe) return `log line matching ${String(probe.log)}, ${within}`;
  if ('tcp' in probe) return `TCP ${probe.host ?? '127.0.0.1'}:${probe.tcp} accepting, ${within}`;
  if ('http' in probe) return `HTTP GET ${probe.http} answering 2xx, ${within}`;
  return `command ${redactArgs(probe.exec).join(' ')} exiting 0, ${within}`;
}

/**
 * A command as the user wrote it, masked: a shell tier's line without the `/bin/sh -c` land runs it through
 * (config/resolve.ts), an argv as its arguments.
 */
function writtenCommand(argv: readonly string[], shell: boolean): string[] {
  const masked = redactArgs(argv);
  return shell && masked.length === 3 && masked[0] === '/bin/sh' && masked[1] === '-c' ? [masked[2]!] : masked;
}

/** The environment a process of a tier starts with: the supervisor's own (childEnv), TRACEPARENT a pattern. */
export type TierEnv = (tier: ResolvedTier) => Record<string, string>;

/** The environment the tier's process gets, as the supervisor makes it at spawn (the OTLP endpoint land gives it included), masked. */
function maskedEnv(env: Record<string, string>): { env: Array<[string, string]>; masked: number } {
  const { pairs, masked } = maskedPairs(Object.entries(env));
  return { env: pairs, masked };
}

/** How land follows a daemon tier's daemon, in words. */
function describeDaemon(daemon: { pidFile?: string }): string {
  const named = daemon.pidFile ? `, the pid in ${daemon.pidFile}` : '';
  return `started once its launcher exits 0; runs while a process of its daemon does (found by its marks LAND_BOOT_ID and TRACEPARENT, by parent links from its launcher${named})`;
}

/**
 * The config an instance runs with: a declared tier's own, or for a replica (`web.2`, named by the snapshot) its
 * tier's config as replicaConfig copies it at spawn (its PORT, LAND_REPLICA and probes shifted to its port).
 */
function instanceConfig(plan: BootPlan, name: string, replica?: { group: string; replica: number }): ResolvedTier | undefined {
  const declared = plan.config.tiers.find((candidate) => candidate.name === (replica?.group ?? name));
  if (!declared || !replica) return declared;
  return replicaConfig(declared, replica.replica);
}

/** `replica`: the instance's group and number when the snapshot says `name` is a replica. */
export function tierDetail(
  plan: BootPlan,
  name: string,
  envOf: TierEnv,
  replica?: { group: string; replica: number },
): TierDetail | undefined {
  const tier = instanceConfig(plan, name, replica);
  if (!tier) return undefined;
  const { policy, maxRestarts, backoff, resetAfterMs } = tier.restart;
  const liveness = tier.liveness
    ? `${describeProbe(tier.liveness, '')}, every ${tier.liveness.intervalMs} ms, restart after ${tier.liveness.failureThreshold} failures`
    : undefined;
  return {
    name: tier.name,
    tier: tier.tier,
    ...(replica ? { replicaOf: replica.group, replica: replica.replica } : {}),
    description: tier.description,
    // Arguments may carry a token or a URL with a password: masked as every message is (the env below: maskedEnv).
    command: writtenCommand(tier.command, tier.shell),
    shell: tier.shell,
    cwd: tier.cwd,
    ready: describeProbe(tier.ready, 'alive for 150 ms (no probe)'),
    liveness,
    restart: tier.schedule !== undefined
      ? `schedule ${tier.schedule}: run at each of its times, one run at a time (a time that comes while one runs is skipped); a failed run waits for the next`
      : `${policy}, at most ${maxRestarts} restarts, backoff ${backoff.initialMs} ms doubling to ${backoff.maxMs} ms, reset after ${resetAfterMs} ms healthy`,
    stop: `${tier.stop.command ? `stop command ${writtenCommand(tier.stop.command, tier.shell).join(' ')}` : tier.stop.signal}, then SIGKILL to the whole tree after ${tier.stop.timeoutMs} ms`,
    ...(tier.daemon ? { daemon: describeDaemon(tier.daemon) } : {}),
    ...(tier.limits ? { limits: `memory ${formatSize(tier.limits.memory)} for the whole tree, restarted when over it 2 s in a row` } : {}),
    dependsOn: tier.dependsOn,
    ...maskedEnv(envOf(tier)),
  };
}
