import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

const LINES = 25_000;
const TIERS = ['f1', 'f2', 'f3', 'f4'];

/** Every line `<tier> line <i> xxx…` for i in 0..n-1, in order, none cut. */
function expectWhole(lines: string[], tier: string): void {
  const mine = lines.filter((line) => line.startsWith(`${tier} line `));
  expect(mine).toHaveLength(LINES);
  mine.forEach((line, i) => {
    if (line !== `${tier} line ${i} ${'x'.repeat(80)}`) throw new Error(`line ${i} of ${tier} is cut or out of order: ${line}`);
  });
}

describe('log relay', () => {
  it(`carries ${TIERS.length} × ${LINES} lines whole to the log files and to stdout`, async () => {
    const tiers = Object.fromEntries(
      TIERS.map((name) => [name, { command: child('--flood', LINES), restart: { policy: 'never' } }]),
    );
    const dir = makeProject({
      config: {
        tiers: {
          ...tiers,
          // A last line without a newline, written as the child exits.
          tail: { command: ['sh', '-c', 'printf "no newline at the end"'], restart: { policy: 'never' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    for (const name of TIERS) await run.waitFor(new RegExp(`${name} +\\| flood done`), 60_000);
    await run.waitFor(/tail: \w+ → exited/);
    await run.stop();
    const logDir = join(dir, '.land', 'logs', run.bootId);
    for (const name of TIERS) {
      const fileLines = readFileSync(join(logDir, `${name}.log`), 'utf8').split('\n');
      expectWhole(fileLines, name);
      const printed = run.stdout
        .split('\n')
        .filter((line) => line.startsWith(`${name} `.padEnd(9) + '|'))
        .map((line) => line.slice(line.indexOf('| ') + 2));
      expectWhole(printed, name);
    }
    expect(readFileSync(join(logDir, 'tail.log'), 'utf8')).toBe('no newline at the end');
    expect(run.stdout).toMatch(/tail +\| no newline at the end\n/);
  });
});
