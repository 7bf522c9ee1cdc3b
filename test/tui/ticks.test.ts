/** When the UI's time-dependent text changes next (src/tui/ticks.ts): the only moments it draws for the clock's sake. */
import { describe, expect, it } from 'vitest';
import { formatCountdown, formatUptime } from '../../src/tui/format.js';
import { nextChangeIn } from '../../src/tui/ticks.js';
import { stack, T0, tier } from './fake-control.js';

const MINUTE = 60_000;

describe('the next change of the clock-driven text', () => {
  it('is the next second of a young stack, whatever its tiers', () => {
    const snapshot = stack([tier('api', 'ready', { pid: 10, startedAt: T0 - 40 * MINUTE })], { startedAt: T0 - 2_300 });
    expect(nextChangeIn(snapshot, T0)).toBe(700);
  });

  it('is the next minute of every uptime once all are past 10 minutes, and the text changes exactly then', () => {
    const snapshot = stack(
      [tier('api', 'ready', { pid: 10, startedAt: T0 - 12 * MINUTE - 15_000 }), tier('db', 'ready', { pid: 11, startedAt: T0 - 30 * MINUTE - 50_000 })],
      { startedAt: T0 - 31 * MINUTE },
    );
    const wait = nextChangeIn(snapshot, T0);
    expect(wait).toBe(10_000); // db's 30m → 31m
    const db = (now: number) => formatUptime(now - (T0 - 30 * MINUTE - 50_000));
    expect(db(T0 + wait - 1)).toBe(db(T0));
    expect(db(T0 + wait)).not.toBe(db(T0));
    // Stopped tiers show no uptime: they set no timer.
    snapshot.tiers.push(tier('old', 'stopped', { since: T0 - 2_500 }));
    expect(nextChangeIn(snapshot, T0)).toBe(10_000);
  });

  it('follows a backoff countdown second by second, and a restart-on-change note until it expires', () => {
    const base = { startedAt: T0 - 20 * MINUTE };
    const backoff = stack([tier('api', 'backoff', { nextRestartAt: T0 + 2_250 })], base);
    const wait = nextChangeIn(backoff, T0);
    expect(wait).toBe(250);
    expect(formatCountdown(T0 + 2_250, T0 + wait - 1)).toBe(formatCountdown(T0 + 2_250, T0));
    expect(formatCountdown(T0 + 2_250, T0 + wait)).not.toBe(formatCountdown(T0 + 2_250, T0));
    const changed = stack(
      [tier('web', 'ready', { pid: 12, startedAt: T0 - 12 * MINUTE, watch: { paths: ['src'], watching: true, restarts: 1, lastChange: { file: 'src/app.ts', files: 1, at: T0 - 25_000 } } })],
      base,
    );
    expect(nextChangeIn(changed, T0)).toBe(5_001);
  });
});
