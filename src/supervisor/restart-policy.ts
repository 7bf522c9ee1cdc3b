/** Whether and when a tier that ended starts again: policy, exponential backoff with a cap, and a restart budget. */
import type { ResolvedTier } from '../config/types.js';
import { counted } from '../count.js';

export type RestartDecision = { restart: true; delayMs: number } | { restart: false; reason: string; budgetSpent: boolean };

export class RestartBudget {
  /** Restarts since the last healthy run (what the budget and the backoff count). */
  private used = 0;

  constructor(private readonly spec: ResolvedTier['restart']) {}

  /**
   * A run that was ready for resetAfterMs was healthy: the budget and the backoff start over. `healthyMs` counts from
   * ready, not from the spawn: a life whose readiness probe never passed was never healthy, however long it waited.
   * `cause`: why the life that ended failed, kept in the reason once the budget is spent (the count alone hides it).
   */
  decide(outcome: { crashed: boolean; healthyMs: number; cause?: string }): RestartDecision {
    const { policy, maxRestarts, backoff, resetAfterMs } = this.spec;
    if (policy === 'never') return { restart: false, reason: 'restart policy is never', budgetSpent: false };
    if (policy === 'on-failure' && !outcome.crashed) return { restart: false, reason: 'completed', budgetSpent: false };
    if (outcome.healthyMs >= resetAfterMs) this.used = 0;
    if (this.used >= maxRestarts) {
      const last = outcome.crashed && outcome.cause ? `; last: ${outcome.cause}` : '';
      return { restart: false, reason: `restart budget spent (${counted(maxRestarts, 'restart')}${last})`, budgetSpent: true };
    }
    const delayMs = Math.min(backoff.initialMs * 2 ** this.used, backoff.maxMs);
    this.used += 1;
    return { restart: true, delayMs };
  }

  reset(): void {
    this.used = 0;
  }
}
