/** When the machine has a core to spare for mountain's telemetry libraries (src/telemetry/spare-core.ts). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseProcStat, SpareCore } from '../../src/telemetry/spare-core.js';

/** A reader handing out the given readings in turn (idle and total ticks of a machine with `cores`). */
function readings(cores: number, ...ticks: Array<[idle: number, total: number] | undefined>) {
  let next = 0;
  return () => {
    const reading = ticks[next++];
    return reading && { idle: reading[0], total: reading[1], cores };
  };
}

describe('SpareCore', () => {
  it('reads /proc/stat: idle and iowait as idle, every core counted', () => {
    const text = 'cpu  100 5 50 800 20 1 2 3 7 0\ncpu0 50 2 25 400 10 0 1 1 3 0\ncpu1 50 3 25 400 10 1 1 2 4 0\nintr 1 2\n';
    expect(parseProcStat(text)).toEqual({ idle: 820, total: 981, cores: 2 });
    expect(parseProcStat('intr 1 2\n')).toBeUndefined();
    expect(parseProcStat('cpu  1 2 x 4 5 6 7 8\n')).toBeUndefined();
    const real = parseProcStat(readFileSync('/proc/stat', 'latin1'));
    expect(real?.cores).toBe(cpus().length);
    expect(real!.total).toBeGreaterThan(real!.idle);
  });

  it('spares a core when one was idle since the last ask (half of a single core); the first ask only reads', () => {
    const two = new SpareCore(readings(2, [0, 0], [50, 100], [90, 200], [90, 200]));
    expect(two.spare()).toBeUndefined();
    expect(two.spare()).toBe(true); // half of two cores idle: one core
    expect(two.spare()).toBe(false); // 40 of 100 ticks idle: 0.8 of a core
    expect(two.spare()).toBeUndefined(); // no tick in between: nothing to go by
    const one = new SpareCore(readings(1, [0, 0], [50, 100], [90, 200]));
    one.spare();
    expect(one.spare()).toBe(true);
    expect(one.spare()).toBe(false);
  });

  it('where /proc/stat cannot be read, there is always one to spare', () => {
    expect(new SpareCore(readings(2, undefined)).spare()).toBe(true);
  });

  it('a machine whose every core is busy spares none', async () => {
    const burners: ChildProcess[] = [];
    try {
      for (let core = 0; core < cpus().length; core += 1) {
        burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const machine = new SpareCore();
      expect(machine.spare()).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(machine.spare()).toBe(false);
    } finally {
      for (const burner of burners) burner.kill('SIGKILL');
    }
  });
});
