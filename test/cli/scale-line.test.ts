/** `land scale`'s answer line: it never says "runs 6" beside replicas that are stopped. */
import { describe, expect, it } from 'vitest';
import { scaleLine } from '../../src/cli/scale-line.js';

describe('scaleLine', () => {
  it('every replica running: how many and their pids', () => {
    expect(scaleLine('web', [{ name: 'web.1', pid: 11, state: 'ready' }, { name: 'web.2', pid: 12, state: 'starting' }])).toBe('web runs 2 replicas: web.1 (pid 11), web.2 (pid 12)');
    expect(scaleLine('web', [{ name: 'web.1', pid: 11, state: 'ready' }])).toBe('web runs 1 replica: web.1 (pid 11)');
  });

  it('some not running (a stop in the same burst): how many run, and the others by state', () => {
    const tiers = [
      { name: 'web.1', state: 'stopped' as const },
      { name: 'web.2', state: 'stopped' as const },
      { name: 'web.3', pid: 13, state: 'ready' as const },
      { name: 'web.4', state: 'backoff' as const },
      { name: 'web.5', pid: 15, state: 'starting' as const },
      { name: 'web.6', state: 'pending' as const },
    ];
    expect(scaleLine('web', tiers)).toBe('web has 6 replicas, 2 running: web.3 (pid 13), web.5 (pid 15); stopped: web.1, web.2; backoff: web.4; pending: web.6');
    expect(scaleLine('web', tiers.filter((tier) => tier.pid === undefined))).toBe('web has 4 replicas, none running; stopped: web.1, web.2; backoff: web.4; pending: web.6');
  });
});
