/**
 * `land apply`: the running land reads its config again, as it read it at `land up` (the same file, profile, tiers
 * asked for and shell environment: the supervisor keeps how), and acts on the difference (apply-plan.ts), as
 * `docker compose up -d` on a running project recreates only what changed:
 *
 * 1. removed tiers (and tiers whose instances are made again) stop and are forgotten, dependents first;
 * 2. tiers gated off now stop;
 * 3. changed tiers that run are stopped, dependents first, then take their new definition and start again in
 *    dependency order, each once what it depends on is met by its new life (`land restart --all`'s way,
 *    restart-all.ts). Their unchanged dependents are left running, as `land restart <tier>` leaves them;
 * 4. added tiers start as at boot (profile gates, dependencies); a count of replicas changes through `land scale`.
 *
 * A scheduled tier's crons follow (schedule.ts `sync`): an added one waits for its first time, a changed expression
 * takes effect without touching a run under way, a removed one's cron stops; a tier that gains or loses its
 * `schedule` is replaced (apply-plan.ts), as one that gains or drops `replicas`.
 *
 * Bad input (syntax, schema, a cycle, an unknown profile, a command not found) is refused before anything changes.
 */
import { displayPath } from '../config/display-path.js';
import type { BootPlan, ResolvedTier } from '../config/types.js';
import { InputError, oneLine } from '../errors.js';
import { diffStack, publicStep, type ApplyResult, type TierChange } from './apply-plan.js';
import { ControlError } from './control-error.js';
import { waitingReason } from './dependency-gates.js';
import { ofTier, type Leftovers, type StillRunning } from './left-behind.js';
import { groupOf, instancesOf, replicaConfig } from './replicas.js';
import { restartEvery } from './restart-all.js';
import { removeInstance, scaleGroup, type ScaleContext } from './scale.js';
import type { TierProcess, TierRuntime } from './tier-process.js';
import { childEnvOf } from './tier-spawn.js';
import type { StackSnapshot } from './types.js';

export type { ApplyResult } from './apply-plan.js';

/** `land apply`'s turn in the supervisor's command queue: one apply at a time (no tier has this name: schema.ts). */
export const APPLY_TURN = '(apply)';

/** What apply acts on: the supervisor's tiers and plan, through the same doors as its commands. */
export interface ApplyContext extends ScaleContext {
  /** What every tier spawns under: its `plan` is the one applied last (the boot's until then). */
  runtime: TierRuntime;
  /** The crons of the scheduled tiers, brought in line with the tiers after they change (schedule.ts). */
  schedules: { sync(why?: string): void };
  /** A command on one tier, in its turn (command-queue.ts). */
  queued<T>(name: string, kind: string, command: () => Promise<T>): Promise<T>;
  snapshot(): StackSnapshot;
  /** Runs `change` with the scheduler held; its state events are scanned once, after it (supervisor.ts). */
  held(change: () => void): void;
}

/** The config read again; bad input is the request's fault (400, exit 2 for the CLI), with its one line. */
export async function rereadPlan(reread: (() => Promise<BootPlan>) | undefined): Promise<BootPlan> {
  if (!reread) throw new ControlError('bad-request', 'this stack cannot read its config again');
  try {
    return await reread();
  } catch (error) {
    if (error instanceof InputError) throw new ControlError('bad-request', [oneLine(error), ...error.details.map((detail) => oneLine(detail))].join('; '), { cause: error });
    throw error;
  }
}

/** The plan against the running stack; unless `dryRun`, acted on. */
export async function applyConfig(ctx: ApplyContext, next: BootPlan, dryRun: boolean): Promise<ApplyResult> {
  const running = (group: string) => ctx.tiers.members(group).some((tier) => tier.running || tier.state === 'backoff');
  // The environment as spawn builds it, for the same start (one TRACEPARENT): what differs comes from the config.
  const envOf = (plan: BootPlan, config: ResolvedTier) => childEnvOf({ ...ctx.runtime, plan }, config, 'the same start');
  const { steps, notes } = diffStack({ before: ctx.runtime.plan, after: next, envOf, running });
  const left = dryRun ? [] : await act(ctx, next, steps);
  return {
    ok: true,
    dryRun,
    config: displayPath(next.config.configFile),
    profile: next.profile,
    steps: steps.map(publicStep),
    notes,
    tiers: ctx.snapshot().tiers,
    ...(left.length > 0 ? { left } : {}),
  };
}

const APPLIED = 'land apply';

async function act(ctx: ApplyContext, next: BootPlan, steps: TierChange[]): Promise<StillRunning[]> {
  const byGroup = new Map(steps.map((step) => [step.tier, step]));
  const stepOf = (tier: TierProcess) => byGroup.get(groupOf(tier.config))!;
  const left: StillRunning[] = [];
  // 1. What goes, dependents first (the running order, reversed).
  for (const tier of ctx.tiers.all().reverse()) {
    const step = stepOf(tier);
    if (step.change !== 'removed' && !step.replace) continue;
    const replacedBy = step.change === 'removed' || !step.next ? undefined : instancesOf(step.next).map((instance) => instance.name);
    const reason = !replacedBy
      ? `removed from the config (${APPLIED})`
      : `replaced${replacedBy.includes(tier.name) ? '' : ` by ${replacedBy.join(', ')}`}: ${step.what.join(', ')} (${APPLIED})`;
    left.push(...(await ctx.queued(tier.name, 'apply', () => removeInstance(ctx, tier, reason, replacedBy))));
  }
  // 2. What the profile gates off now.
  const gatedOff = ctx.tiers.all().filter((tier) => stepOf(tier).gateOff && (tier.running || tier.state === 'backoff'));
  const stopped = await Promise.all(
    gatedOff.map((tier) => ctx.queued(tier.name, 'apply', async () => ofTier(tier.name, await tier.stop(`gated off (${stepOf(tier).gatedBy}; ${APPLIED})`)))),
  );
  left.push(...stopped.flat());
  // 3. What changed: down, dependents first; redefined while down; started again in dependency order.
  const restarted = await restartEvery(
    ctx.tiers.all().filter((tier) => stepOf(tier).restart),
    (tier, stop) => ctx.queued<Leftovers>(tier.name, 'apply', stop),
    {
      stopReason: (tier) => `restarting with its new definition: ${stepOf(tier).what.join(', ')} (${APPLIED})`,
      startReason: `its new definition (${APPLIED})`,
      whileDown: () => redefine(ctx, next, steps),
      // An added tier's `dependsOn: {changed: 'ready'}` would read the changed tier's last life until its requeue.
      together: (change) => ctx.held(change),
      recheck: ctx.schedule,
    },
  );
  left.push(...restarted.left);
  // 4. Counts, as `land scale` changes them.
  for (const step of steps) {
    if (step.scaleTo !== undefined) left.push(...(await ctx.queued(step.tier, `scale ${step.scaleTo}`, () => scaleGroup(ctx, step.tier, step.scaleTo!))));
  }
  ctx.schedule();
  return left;
}

/**
 * Every tier takes its new definition (nothing that differs for its process is running now), then gates change and
 * new tiers are made: each of those is a state event the scheduler acts on, with every definition new by then.
 */
function redefine(ctx: ApplyContext, next: BootPlan, steps: readonly TierChange[]): void {
  ctx.runtime.plan = next;
  ctx.tiers.regroup(next.config.tiers.map((tier) => tier.name));
  const made = (step: TierChange) => step.change === 'added' || step.replace;
  for (const step of steps) {
    if (!step.next || made(step)) continue;
    for (const tier of ctx.tiers.members(step.tier)) tier.redefine(tier.config.replica === undefined ? step.next : replicaConfig(step.next, tier.config.replica));
  }
  for (const step of steps) {
    if (!step.next) continue;
    if (made(step)) {
      const why = `${step.change === 'added' ? 'added to the config' : 'made again'} (${APPLIED})`;
      for (const instance of instancesOf(step.next)) {
        const tier = ctx.create(instance, step.gatedBy);
        ctx.tiers.add(tier);
        // A scheduled tier waits for its first time: made `scheduled` before a state event could start it as pending.
        if (instance.schedule !== undefined) ctx.schedules.sync(why);
        else if (step.gatedBy === undefined) tier.setState('pending', waitingReason(instance.dependsOn, why));
      }
      continue;
    }
    for (const tier of ctx.tiers.members(step.tier)) {
      if (step.gateOff || (step.gatedBy !== undefined && tier.state === 'disabled' && tier.gatedBy !== step.gatedBy)) tier.regate(step.gatedBy, APPLIED);
      else if (step.gateOn) tier.regate(undefined, `no longer gated off (${APPLIED})`);
    }
  }
  // A changed expression gets its new cron; a removed or replaced tier's cron stops.
  ctx.schedules.sync();
}
