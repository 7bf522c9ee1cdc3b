import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { child, expectCleanRejection, landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

/** A tier that would leave a mark if it were ever started. */
const marker = { command: child('--touch', 'started.flag'), };

interface Case {
  name: string;
  args?: string[];
  config?: Record<string, unknown>;
  profiles?: Record<string, string>;
  files?: Record<string, string>;
  noConfig?: boolean;
  rawConfig?: string;
  expected: RegExp;
}

const cases: Case[] = [
  { name: 'no config file', noConfig: true, expected: /land\.config\.ts/ },
  { name: 'a config that does not parse', rawConfig: 'export default {', expected: /land\.config\.mjs: failed to load/ },
  { name: 'a config with an unknown key', config: { tiers: { a: { ...marker, comand: ['x'] } } }, expected: /tiers\.a.*comand/ },
  { name: 'an unknown profile', args: ['--profile', 'nope'], expected: /unknown profile "nope" \(known profiles: debug\)/ },
  {
    name: 'an unknown tier in dependsOn',
    config: { tiers: { a: { ...marker, dependsOn: { ghost: 'ready' } } } },
    expected: /tiers\.a\.dependsOn.*ghost/,
  },
  {
    name: 'a dependency cycle',
    config: { tiers: { a: { ...marker, dependsOn: { b: 'ready' } }, b: { ...marker, dependsOn: { a: 'started' } } } },
    expected: /cycle.*a -> b -> a|cycle.*b -> a -> b/,
  },
  {
    name: 'a command that cannot be found',
    config: { tiers: { a: marker, b: { command: ['no-such-command-anywhere'] } } },
    expected: /tiers\.b\.command: .*"no-such-command-anywhere" was not found on PATH/,
  },
  {
    name: 'a cwd that does not exist',
    config: { tiers: { a: marker, b: { ...marker, cwd: 'missing-folder' } } },
    expected: /tiers\.b\.cwd: expected an existing folder/,
  },
  { name: 'a malformed profile file', profiles: { debug: 'GOOD=1\noops\n' }, expected: /profiles\/debug\.env:2: / },
  { name: 'a malformed env file', files: { '.env.Land': 'A=1\n"unterminated\n' }, expected: /\.env\.Land:2: / },
  {
    name: 'a bad probe spec',
    config: { tiers: { a: { ...marker, ready: { tcp: 'abc' } } } },
    expected: /tiers\.a\.ready\.tcp/,
  },
  {
    name: 'a probe with two kinds',
    config: { tiers: { a: { ...marker, ready: { tcp: 80, http: 'http://x/' } } } },
    expected: /tiers\.a\.ready/,
  },
  { name: 'a string command without shell', config: { tiers: { a: { command: 'node -e 0' } } }, expected: /tiers\.a\.command/ },
  { name: 'an unknown flag', args: ['--bogus'], expected: /unknown option '--bogus'/ },
  { name: 'a misspelt flag', args: ['--profil', 'debug'], expected: /unknown option '--profil' \(did you mean --profile\?\)/ },
  { name: 'a flag without its value', args: ['--profile'], expected: /--profile <name>' argument missing/ },
];

describe('bad input: one line naming the file or flag, exit 2, nothing started', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const dir = makeProject({
        config: testCase.config ?? { tiers: { a: marker } },
        profiles: testCase.profiles ?? { debug: '' },
        files: testCase.files ?? {},
      });
      if (testCase.noConfig) rmSync(join(dir, 'land.config.mjs'));
      if (testCase.rawConfig) {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(join(dir, 'land.config.mjs'), testCase.rawConfig);
      }
      const result = await landDone(['up', '--no-tui', ...(testCase.args ?? [])], dir);
      expectCleanRejection(result, dir, testCase.expected);
    });
  }
});
