/**
 * Bad input to the dev-loop keys and commands (replicas, port, watch, scale, start): one line naming the file or
 * argument, the key and what was expected; exit 2 (3 with no stack running); nothing started.
 */
import { describe, it } from 'vitest';
import { child, expectCleanRejection, landDone, makeProject } from '../helpers/land.js';

const marker = { command: child('--touch', 'started.flag') };
const tiers = (extra: Record<string, unknown>) => ({ tiers: { a: { ...marker, ...extra } } });
const UP = ['up', '--no-tui'];

const cases: Array<{ name: string; args?: string[]; config?: Record<string, unknown>; code?: number; expected: RegExp }> = [
  { name: 'config: replicas: 0', config: tiers({ replicas: 0 }), expected: /land\.config\.mjs: tiers\.a\.replicas: expected a whole number 1\.\.64, got 0/ },
  { name: 'config: replicas that is not a whole number', config: tiers({ replicas: '3' }), expected: /tiers\.a\.replicas: expected a whole number 1\.\.64, got "3"/ },
  { name: 'config: a base port with no room for its replicas', config: tiers({ replicas: 3, port: 65534 }), expected: /tiers\.a\.port: expected a base port that leaves room for 3 replicas \(the last would be 65536\), got 65534/ },
  { name: 'config: a port above 65535', config: tiers({ port: 70000 }), expected: /tiers\.a\.port: expected a port 1\.\.65535, got 70000/ },
  { name: 'config: watch that is a number', config: tiers({ watch: 5 }), expected: /tiers\.a\.watch: expected a glob, an array of globs, or \{ paths, ignore, debounceMs, restartDependents \}, got 5/ },
  { name: 'config: watch with a misspelt key', config: tiers({ watch: { paths: 'src', debounce: 100 } }), expected: /tiers\.a\.watch: unknown key "debounce": did you mean "debounceMs"\?/ },
  { name: 'config: a negative debounce', config: tiers({ watch: { paths: 'src', debounceMs: -1 } }), expected: /tiers\.a\.watch\.debounceMs: expected a whole number of milliseconds >= 0, got -1/ },
  { name: 'command line: scale with a count that is not a number', args: ['scale', 'a', 'many'], expected: /<replicas>: expected a whole number 1..64, got "many"/ },
  { name: 'command line: scale without a count', args: ['scale', 'a'], expected: /missing required argument 'replicas'/ },
  { name: 'command line: start without a tier', args: ['start'], expected: /missing required argument 'tiers'/ },
  { name: 'control client: start with no stack running', args: ['start', 'a'], code: 3, expected: /no stack is running in .*: start one with `land up`/ },
  { name: 'control client: scale with no stack running', args: ['scale', 'a', '2'], code: 3, expected: /no stack is running in .*: start one with `land up`/ },
];

describe.concurrent('bad input: replicas, ports, watch, scale and start', () => {
  for (const testCase of cases) {
    it(testCase.name, async () => {
      const dir = makeProject({ config: testCase.config ?? tiers({}) });
      const result = await landDone(testCase.args ?? UP, dir);
      expectCleanRejection(result, dir, testCase.expected, testCase.code ?? 2);
    });
  }
});
