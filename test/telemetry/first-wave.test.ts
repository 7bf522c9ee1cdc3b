/** When mountain loads its telemetry libraries: once no tier waits to start or is starting. */
import { describe, expect, it } from 'vitest';
import { FirstWave } from '../../src/telemetry/first-wave.js';

describe('FirstWave', () => {
  it('settles only when every tier has left pending and starting, whatever it went to', () => {
    const wave = new FirstWave();
    for (const tier of ['air', 'sky', 'rest']) wave.update(tier, 'pending');
    wave.update('gated', 'disabled');
    expect(wave.settled).toBe(false);
    expect(wave.update('air', 'starting')).toBe(false);
    expect(wave.update('air', 'ready')).toBe(false);
    expect(wave.update('sky', 'failed')).toBe(false);
    expect(wave.update('rest', 'starting')).toBe(false);
    expect(wave.update('rest', 'exited')).toBe(true);
  });

  it('is settled with nothing to wait for, and unsettled again by a tier that starts later', () => {
    const wave = new FirstWave();
    expect(wave.settled).toBe(true);
    expect(wave.update('air', 'starting')).toBe(false);
    expect(wave.update('air', 'backoff')).toBe(true);
  });
});
