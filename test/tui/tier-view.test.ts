/** The last column of a tier's row (the UI's and the dashboard's) for a tier restarted over its memory limit. */
import { describe, expect, it } from 'vitest';
import type { TierSnapshot } from '../../src/supervisor/types.js';
import { tierCells } from '../../src/tui/tier-view.js';

const T0 = 1_000_000;
const REASON = 'over its memory limit: 130 MiB > 100 MiB (2 samples in a row)';

function inBackoff(memory: TierSnapshot['memory']): TierSnapshot {
  return {
    name: 'leaky',
    tier: 'leaky',
    state: 'backoff',
    reason: 'restarting in 1.0 s',
    since: T0,
    restarts: 0,
    lastExit: { code: 0, signal: null, at: T0 },
    nextRestartAt: T0 + 1000,
    dependsOn: {},
    history: [
      { state: 'ready', at: T0 - 5000, reason: 'running' },
      { state: 'crashed', at: T0 - 10, reason: REASON },
      { state: 'backoff', at: T0, reason: 'restarting in 1.0 s' },
    ],
    ...(memory ? { memory } : {}),
  };
}

describe('a tier in backoff after its memory limit', () => {
  it('says the limit, not the exit its stop signal made (code 0)', () => {
    const info = tierCells(inBackoff({ limit: 100 * 1024 ** 2, restarts: 1, last: { used: 130 * 1024 ** 2, at: T0 - 10 } }), T0, undefined).info;
    expect(info).toBe(`restart in 1s · ${REASON}`);
  });

  it('says the exit for a tier without a memory restart', () => {
    expect(tierCells(inBackoff(undefined), T0, undefined).info).toBe('restart in 1s · exit code 0');
  });

  it('says the exit when a later life ended otherwise after an older restart over the limit', () => {
    const memory = { limit: 100 * 1024 ** 2, restarts: 1, last: { used: 130 * 1024 ** 2, at: T0 - 9000 } };
    const tier = inBackoff(memory);
    tier.history = [
      { state: 'ready', at: T0 - 10_000, reason: 'running' },
      { state: 'crashed', at: T0 - 9000, reason: REASON },
      { state: 'backoff', at: T0 - 9000, reason: 'restarting in 100 ms' },
      { state: 'starting', at: T0 - 8900, reason: 'restart 1' },
      { state: 'ready', at: T0 - 8700, reason: 'running' },
      { state: 'exited', at: T0 - 10, reason: 'completed with code 0' },
      { state: 'backoff', at: T0, reason: 'restarting in 1.0 s' },
    ];
    expect(tierCells(tier, T0, undefined).info).toBe('restart in 1s · exit code 0');
  });
});

describe('a scheduled tier', () => {
  const at = (hours: number, minutes: number) => new Date(2026, 11, 7, hours, minutes, 0).getTime();
  const now = at(10, 2);
  const job = (extra: Partial<TierSnapshot>): TierSnapshot => ({
    name: 'job',
    tier: 'job',
    state: 'scheduled',
    reason: 'waiting for its next time (*/5 * * * *)',
    since: now,
    restarts: 0,
    dependsOn: {},
    history: [],
    schedule: { expression: '*/5 * * * *', nextRunAt: at(10, 5), runs: 3, skipped: 0 },
    ...extra,
  });

  it('between runs: when the next comes, and how the last ended', () => {
    expect(tierCells(job({ lastExit: { code: 3, signal: null, at: now } }), now, undefined).info).toBe('next run 10:05:00 · last run: exit code 3');
    expect(tierCells(job({}), now, undefined).info).toBe('next run 10:05:00 · not run yet');
  });

  it('a next run on another day says its date; a run going says the next one too', () => {
    const tomorrow = job({ schedule: { expression: '0 3 * * *', nextRunAt: new Date(2026, 11, 8, 3, 0, 0).getTime(), runs: 0, skipped: 0 } });
    expect(tierCells(tomorrow, now, undefined).info).toBe('next run 2026-12-08 03:00:00 · not run yet');
    expect(tierCells(job({ state: 'ready', lastLine: 'backing up' }), now, undefined).info).toBe('next run 10:05:00 · backing up');
  });
});
