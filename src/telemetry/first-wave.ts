/**
 * When the first wave of a boot has settled: no tier is waiting to start or starting. Mountain loads its telemetry
 * libraries then, so their parsing never competes with the children's start. Followed through state events (a
 * snapshot per event cost more than the rest of mountain's work during a boot).
 */
import type { TierState } from '../supervisor/types.js';

const UNSETTLED: ReadonlySet<string> = new Set<TierState>(['pending', 'starting']);

export class FirstWave {
  private readonly unsettled = new Set<string>();

  /** A tier is in `state` now. Returns whether every tier has settled. */
  update(tier: string, state: string): boolean {
    if (UNSETTLED.has(state)) this.unsettled.add(tier);
    else this.unsettled.delete(tier);
    return this.settled;
  }

  get settled(): boolean {
    return this.unsettled.size === 0;
  }
}
