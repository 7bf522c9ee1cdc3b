import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePlan } from '../../src/config/plan.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { BootPlan, TierConfig } from '../../src/config/types.js';
import { checkExecLimits } from '../../src/supervisor/preflight-env.js';
import { makeTempProject, type TempProject } from '../config/temp-project.js';

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-preflight-env-');
});
afterEach(() => {
  project.remove();
});

function planFor(shellEnv: Record<string, string>, profile: string, tier: Partial<TierConfig>): BootPlan {
  project.write('profiles/debug.env', profile);
  const config = resolveConfig({ app: 'land', tiers: { a: { command: ['node', 'a.js'], ...tier } } }, path.join(project.dir, 'land.config.ts'), 'land.config.ts');
  return resolvePlan(config, { shellEnv });
}

/** The smallest room (bytes for argv + envp) in which the tier's exec is accepted. */
function smallestRoom(plan: BootPlan): number {
  const fits = (room: number) => {
    try {
      checkExecLimits(plan, plan.config.tiers[0]!, room);
      return true;
    } catch (error) {
      expect(String(error)).toMatch(/expected an environment and command line of at most/);
      return false;
    }
  };
  let low = 1;
  let high = 1 << 24;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

describe('checkExecLimits', () => {
  // The check sizes land's shared layers once and a tier's own keys over them, and trusts that quick total when it
  // fits (anything else is sized whole): a quick total below the real one would let an exec fail with E2BIG. What a
  // tier replaces counts once, at its new size, wherever it came from (shell, profile, a renamed key's twin).
  it('counts a variable the tier replaces at the size the spawn passes, not twice', () => {
    const big = 'x'.repeat(20_000);
    const replaced = planFor({ PATH: '/usr/bin', BIG: big, Emit: big }, `FROM_PROFILE=${big}\n`, {
      env: { BIG: 'small', FROM_PROFILE: 'p', OTLPEnabled: 'on', Emit: 'on' },
    });
    const never = planFor({ PATH: '/usr/bin' }, '', { env: { BIG: 'small', FROM_PROFILE: 'p', OTLPEnabled: 'on', Emit: 'on' } });
    expect(smallestRoom(replaced)).toBe(smallestRoom(never));
  });

  it('counts what the tier adds on top of the shared layers, and what they hold', () => {
    const base = smallestRoom(planFor({ PATH: '/usr/bin' }, '', {}));
    // `ADDED=` plus 1000 bytes, its NUL and its pointer (8 bytes on 64-bit).
    expect(smallestRoom(planFor({ PATH: '/usr/bin' }, '', { env: { ADDED: 'y'.repeat(1000) } }))).toBe(base + 6 + 1000 + 1 + 8);
    expect(smallestRoom(planFor({ PATH: '/usr/bin', SHELL_ONLY: 'y'.repeat(1000) }, '', {}))).toBe(base + 11 + 1000 + 1 + 8);
  });
});
