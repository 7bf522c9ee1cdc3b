/**
 * `land scale <tier> <N>`: more replicas are created pending and started once their dependencies are met (as at
 * boot), under the lowest free numbers; fewer remove the stopped and failed replicas first (the highest number among
 * them first), then the highest others, which leave the stack. Only a tier that declares `replicas` scales: its
 * instances are named `<tier>.<n>` from the start, so no running instance is renamed.
 */
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { MAX_REPLICAS } from '../config/limits.js';
import { ControlError } from './control-error.js';
import { ofTier, type StillRunning } from './left-behind.js';
import type { LeftProcesses } from './left-processes.js';
import type { KnownStray } from './named-strays.js';
import { noReplicasMessage } from './replica-hint.js';
import { replicaConfig } from './replicas.js';
import type { TierProcess } from './tier-process.js';
import type { TierSet } from './tier-set.js';
import type { SupervisorEvent } from './types.js';

export interface ScaleContext {
  tiers: TierSet;
  /** The plan the tiers run: a new replica is made from its tier's declared config. */
  runtime: { plan: BootPlan };
  /** `gatedBy`: created disabled (`land apply` adds a tier its profile gates off). */
  create(config: ResolvedTier, gatedBy?: string): TierProcess;
  /** Start what is pending and whose dependencies are met (a no-op before the boot or during shutdown). */
  schedule(): void;
  emit(event: SupervisorEvent): void;
  /** A removed replica's stops gave up on processes: kept, so that the shutdown still names those still running. */
  keepLeft(tier: string, left: LeftProcesses): void;
  /** What a removed replica's failed daemon starts named: kept, so that the shutdown's end still names those running. */
  keepStrays(tier: string, strays: readonly KnownStray[]): void;
}

function checkRequest(tiers: TierSet, group: string, count: number): TierProcess[] {
  const members = tiers.members(group);
  if (members.length === 0) {
    const instance = tiers.get(group);
    if (instance?.config.group) throw new ControlError('bad-request', `${group} is a replica: scale its tier, ${instance.config.group}`);
    tiers.resolve(group); // throws unknown-tier with the known names
  }
  if (members[0]!.config.group === undefined) {
    throw new ControlError('bad-request', noReplicasMessage(group));
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_REPLICAS) {
    throw new ControlError('bad-request', `replicas: expected a whole number 1..${MAX_REPLICAS}, got ${String(count)}`);
  }
  const gated = members.find((tier) => tier.state === 'disabled');
  if (gated) throw new ControlError('gated', `${group} is gated off by ${gated.gatedBy}: it runs no replica to scale`);
  return members;
}

/**
 * An instance leaves the stack (`land scale` removes a replica, `land apply` a tier): stopped, never started again,
 * forgotten; what its stops gave up on is kept for the shutdown to name. Resolves with what this stop left.
 */
export async function removeInstance(
  ctx: Pick<ScaleContext, 'tiers' | 'keepLeft' | 'keepStrays' | 'emit'>,
  tier: TierProcess,
  reason: string,
  /**
   * The instances `land apply` makes of its tier instead. One of its name is it made again: who follows its lines
   * goes on with the new one (no `removed`); otherwise its name leaves the stack (`web.1` when `web` drops replicas).
   */
  replacedBy?: readonly string[],
): Promise<StillRunning[]> {
  // Replaced (`land apply`): its `stopped` does not fail a dependent still waiting; new instances follow, and the
  // group, empty meanwhile, is not met either (dependency-gates.ts).
  if (replacedBy) tier.markReplaced();
  const stopLeft = await tier.remove(reason);
  ctx.tiers.remove(tier);
  if (!replacedBy?.includes(tier.name)) ctx.emit({ type: 'removed', tier: tier.name, reason, at: Date.now(), ...(replacedBy ? { replacedBy: [...replacedBy] } : {}) });
  if (tier.left.running().pids.length > 0) ctx.keepLeft(tier.name, tier.left);
  if (tier.knownStrays.length > 0) ctx.keepStrays(tier.name, tier.knownStrays);
  await tier.closeLog();
  return ofTier(tier.name, stopLeft);
}

/**
 * A replica stopped or failed, which a scale down removes before one that runs or will start again (backoff,
 * pending). One that exited (completed) is not: its exit may be what `exitWith` waits on (scaling down to it ends
 * the stack).
 */
const ENDED = new Set(['stopped', 'failed']);

/** Which replicas a scale down to `count` removes: the ended ones first, each kind highest number first. */
function removedByScaleDown(members: readonly TierProcess[], count: number): TierProcess[] {
  const highestFirst = [...members].reverse();
  const ended = highestFirst.filter((tier) => ENDED.has(tier.state));
  const others = highestFirst.filter((tier) => !ENDED.has(tier.state));
  return [...ended, ...others].slice(0, Math.max(0, members.length - count));
}

/** The lowest numbers no replica has (a scale down may have removed replica 1 or a middle one). */
function freeNumbers(members: readonly TierProcess[], wanted: number): number[] {
  const taken = new Set(members.map((tier) => tier.config.replica));
  const free: number[] = [];
  for (let index = 1; free.length < wanted; index++) if (!taken.has(index)) free.push(index);
  return free;
}

/** Resolves with what the stops of the removed replicas gave up on (still running: the shutdown names them again). */
export async function scaleGroup(ctx: ScaleContext, group: string, count: number): Promise<StillRunning[]> {
  const members = checkRequest(ctx.tiers, group, count);
  const from = members.length;
  if (count === from) return [];
  // The declared config (base port and probes), which replica 1, shifted by nothing, also holds while it is there.
  const template: ResolvedTier = ctx.runtime.plan.config.tiers.find((tier) => tier.name === group) ?? { ...members[0]!.config, name: group };
  for (const index of freeNumbers(members, Math.max(0, count - from))) {
    const tier = ctx.create(replicaConfig(template, index));
    ctx.tiers.add(tier);
    tier.setState('pending', `added by land scale ${group} ${count}`);
  }
  const removed = removedByScaleDown(members, count);
  const left = await Promise.all(removed.map((tier) => removeInstance(ctx, tier, `removed by land scale ${group} ${count}`)));
  ctx.emit({ type: 'scale', tier: group, from, to: count, at: Date.now() });
  ctx.schedule();
  return left.flat();
}
