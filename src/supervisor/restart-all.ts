/**
 * `land restart --all` (PM2's `restart all`, process-compose's Restart All): every running tier is stopped, its
 * dependents before it (as a shutdown stops them), then set pending again, so the scheduler starts them in dependency
 * order, each once what it depends on is met, as at boot. Tiers that were not running (stopped by a person, gated
 * off, completed) are left as they are, and so are scheduled tiers (restartable): a run under way finishes, and
 * restarting it would run the job twice.
 */
import { ofTier, type Leftovers, type StillRunning } from './left-behind.js';
import { groupOf } from './replicas.js';
import type { TierProcess } from './tier-process.js';

/** `land apply` (apply.ts) restarts the tiers it changed this way, with its own reasons and new definitions. */
export interface RestartHow {
  stopReason?: (tier: TierProcess) => string;
  startReason?: string;
  /** Called once every chosen tier is down, before any starts again (always: also when none was running). */
  whileDown?: () => void;
  /**
   * Runs whileDown and the requeues with the scheduler held, scanned once after (apply.ts): a tier whileDown adds
   * that depends on a chosen one must not be scanned before that one's requeue forgets its last life's readiness.
   */
  together?: (change: () => void) => void;
  /**
   * A scheduling pass, once the restart is over however it ended: a dependent waiting for a chosen tier that was
   * not started again (a stop failed, whileDown threw, a `land stop` came) sees it settled now.
   */
  recheck: () => void;
}

/** What `land restart --all` (and `land reload --all`, which reads the snapshot) restarts: no scheduled tier. */
export function restartable(tiers: TierProcess[]): TierProcess[] {
  return tiers.filter((tier) => tier.config.schedule === undefined);
}

/**
 * `ordered`: every tier in dependency order; `queued` runs a stop in that tier's turn (command-queue.ts). A
 * `land stop` sent meanwhile takes its own turn at once (TierProcess.stopAsRequested): the requeue leaves that tier
 * stopped, and a command after the stop (`land start`) still comes after it.
 */
export async function restartEvery(
  ordered: TierProcess[],
  queued: (tier: TierProcess, stop: () => Promise<Leftovers>) => Promise<Leftovers>,
  how: RestartHow,
): Promise<{ restarted: string[]; left: StillRunning[] }> {
  const chosen = ordered.filter((tier) => tier.running || tier.state === 'backoff');
  // Each is started again below (requeue): its `stopped` meanwhile fails no waiting dependent (comingBack).
  for (const tier of chosen) tier.beginRestart();
  try {
    const stopping = new Map<string, Promise<StillRunning[]>>();
    for (const tier of [...chosen].reverse()) {
      const dependents = chosen.filter((other) => groupOf(tier.config) in other.config.dependsOn);
      const after = Promise.all(dependents.map((dependent) => stopping.get(dependent.name)));
      stopping.set(tier.name, after.then(async () => ofTier(tier.name, await queued(tier, () => tier.stop(how.stopReason?.(tier) ?? 'restarting on request')))));
    }
    const left = (await Promise.all(stopping.values())).flat();
    (how.together ?? ((change) => change()))(() => {
      how.whileDown?.();
      // Only once all are down: a dependency started again before its dependents stopped would see them still running.
      for (const tier of chosen) tier.requeue(how.startReason ?? 'restarting on request');
    });
    return { restarted: chosen.map((tier) => tier.name), left };
  } finally {
    for (const tier of chosen) tier.endRestart();
    how.recheck();
  }
}

export type RestartAllResult = Awaited<ReturnType<typeof restartEvery>>;

/**
 * `land restart --all` sent while an earlier one's tiers are still going down joins it and gets its answer (the
 * README's rule for a command that finds the same one waiting): none of them has started again yet, so every life
 * the earlier one starts begins after this request too. Computed on its own, it saw only the tiers not yet stopped
 * (`restarting slow` beside `restarting a.1, a.2, a.3, b, slow`). Once they are started again, a new one is its own.
 */
export class RestartAllTurn {
  private goingDown?: Promise<RestartAllResult>;

  run(restart: (whileDown: () => void) => Promise<RestartAllResult>): Promise<RestartAllResult> {
    if (this.goingDown) return this.goingDown;
    let down = false;
    const result = restart(() => {
      down = true;
      if (this.goingDown === result) this.goingDown = undefined;
    });
    if (!down) this.goingDown = result;
    // A restart that failed before its tiers were down leaves no turn behind.
    const clear = () => {
      if (this.goingDown === result) this.goingDown = undefined;
    };
    result.then(clear, clear);
    return result;
  }
}
