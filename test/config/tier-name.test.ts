/** One rule for a tier's name, as a config, a Procfile and `land init`'s renames apply it (src/config/tier-name.ts). */
import { describe, expect, it } from 'vitest';
import { configIssues } from '../../src/config/config-issues.js';
import { tierNameProblem } from '../../src/config/tier-name.js';
import { renameReason } from '../../src/migrate/draft.js';
import { readProcfileText } from '../../src/procfile/parse.js';

const long = `a${'b'.repeat(63)}`;

describe('tierNameProblem', () => {
  it("names the first problem: land's own name, the length, the characters (a first - or _ included)", () => {
    expect(['web', 'api-2', 'W_1', 'x'.repeat(63)].map(tierNameProblem)).toEqual([undefined, undefined, undefined, undefined]);
    expect(['mountain', 'echo', 'mist', long, `${long} x`, 'my tier', '_web', '-web', ''].map(tierNameProblem)).toEqual([
      'reserved',
      'reserved',
      'reserved',
      'long',
      'long',
      'characters',
      'characters',
      'characters',
      'characters',
    ]);
  });

  it('is what the config, a Procfile and land init go by', () => {
    const configProblem = (name: string) => configIssues({ tiers: { [name]: { command: ['x'] } } })[0]?.message;
    expect(configProblem('mountain')).toMatch(/^expected a tier name other than mountain/);
    expect(configProblem(long)).toMatch(/^expected a tier name of letters/);
    expect(configProblem('_web')).toMatch(/^expected a tier name of letters/);
    expect(configProblem('web')).toBeUndefined();
    const procfileProblem = (name: string) => readProcfileText(`${name}: run\n`).problems[0]?.message;
    expect(procfileProblem('mountain')).toMatch(/^expected a process type other than mountain/);
    expect(procfileProblem(long)).toMatch(/^expected a process type of at most 63 characters/);
    // foreman runs a type that starts with _ or -: so does land.
    expect(procfileProblem('_web')).toBeUndefined();
    expect(renameReason('mountain', 'x')).toMatch(/are land's own names/);
    expect(renameReason(long, 'x')).toMatch(/letters, digits, - and _, at most 63 characters/);
    expect(renameReason('my tier', 'x')).toMatch(/letters, digits, - and _\)$/);
  });
});
