/**
 * The supervisor's start passes: what is pending and whose dependencies are met starts, in one wave
 * (spawn-wave.ts); what waits on a dependency that cannot come fails. A pass is not re-entered: the state events of
 * a wave ask for one more pass after it.
 */
import type { BootPlan } from '../config/types.js';
import { blockedBy, dependenciesMet, startReason } from './dependency-gates.js';
import { startWave } from './spawn-wave.js';
import type { TierStart } from './tier-spawn.js';
import type { TierSet } from './tier-set.js';

export class StartPasses {
  private running = false;
  private again = false;

  constructor(
    private readonly tiers: TierSet,
    /** The plan applied last (`land apply` changes it): a start's reason names its gates. */
    private readonly plan: () => BootPlan,
    private readonly stopping: () => boolean,
  ) {}

  pass(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        const wave: TierStart[] = [];
        // Indexed: land boots in V8's interpreter (src/runtime/optimizer.ts), where for…of makes an object per step.
        const tiers = this.tiers.inOrder();
        for (let i = 0; i < tiers.length; i++) {
          const tier = tiers[i]!;
          if (tier.state !== 'pending') continue;
          const blocked = blockedBy(this.tiers, tier);
          if (blocked) tier.setState('failed', blocked);
          else if (dependenciesMet(this.tiers, tier, 'once')) {
            const start = tier.prepareStart(startReason(this.plan(), tier));
            if (start) wave.push(start);
          }
        }
        startWave(wave);
      } while (this.again && !this.stopping());
    } finally {
      this.running = false;
    }
  }

  /**
   * `change` with the passes held (its state events only ask for one), then `after` (a pass over the result), unless
   * a pass is under way already: it makes the one asked for.
   */
  held(change: () => void, after: () => void): void {
    if (this.running) return change();
    this.running = true;
    try {
      change();
    } finally {
      this.running = false;
    }
    after();
  }
}
