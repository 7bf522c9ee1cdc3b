/**
 * A log probe's pattern in `land export systemd`: the unit's readiness wait runs `grep -E` over its journal, so each
 * JavaScript pattern is checked here against real GNU grep on the same lines land would test it on, and what grep
 * cannot express is a warning (the wait left out), never a pattern that waits out TimeoutStartSec=.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { grepPattern } from '../../src/export/grep-pattern.js';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { execArgv, readUnit, verifyUnits } from './helpers.js';

afterAll(() => removeProjects());

/** The lines GNU grep selects with the pattern (and -i), in the locale the unit's wait sets. */
function grep(ere: string, ignoreCase: boolean, lines: readonly string[]): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = execFile('grep', [`-${ignoreCase ? 'i' : ''}E`, '-e', ere], { env: { ...process.env, LC_ALL: 'C.UTF-8' } }, (error, stdout, stderr) => {
      if (error && error.code !== 1) fail(new Error(`grep -E ${ere}: ${stderr}`));
      else done(stdout === '' ? [] : stdout.slice(0, -1).split('\n'));
    });
    child.stdin!.end(`${lines.join('\n')}\n`);
  });
}

const LINES = [
  'Server Ready on port 8080',
  'server ready',
  'listening on 0.0.0.0:3000',
  'listening on :::3000',
  'worker 12 started (pid 4711)',
  'ready.',
  'readyX',
  'a.b [c] {d} $e ^f \\g /h',
  'tab\there',
  'café prêt',
  'done in 1.5s',
  'abcabc',
  'price: $5 + 10% = "ok"',
  '',
];

const MAPPED: Array<string | RegExp> = [
  /server ready/i,
  /^server ready$/,
  /listening on \d+\.\d+\.\d+\.\d+:\d{2,5}/,
  /listening on (?::::|\d+(?:\.\d+){3}):(?<port>\d+)/,
  /worker \d+ started \(pid \d+\)/,
  /ready\./,
  /ready\b/,
  /\bready\B/,
  /\w+\s\d+\s\w+/,
  /\S+\s\S+$/,
  /[\d.]+s$/,
  /^[^\s]+$/,
  /\[c\] \{d\} \$e \^f \\g \/h/,
  /[\]\[{}]/,
  /[a-c-]{3}/,
  /[\w.]+@/,
  /tab\there/,
  /caf\u00e9/,
  /caf\xe9 pr.t/,
  /done in .*?s/,
  /(abc)\1/,
  /(?<word>abc)\k<word>/,
  /(?:x|abc)+$/,
  /a{2,}|c{1}b/,
  /price: \$5 \+ 10% = "ok"/,
  /^$/,
  /[^]/,
  /[\^a]/,
  'Ready on port',
  'worker \\d+ started',
  'a{foo}|ready',
];

describe('log probe patterns for grep -E', () => {
  it.each(MAPPED.map((pattern) => [String(pattern), pattern]))('%s selects the lines the JavaScript pattern matches', async (_name, pattern) => {
    const mapped = grepPattern(pattern);
    if ('problem' in mapped) throw new Error(mapped.problem);
    const regexp = typeof pattern === 'string' ? new RegExp(pattern) : pattern;
    expect(await grep(mapped.ere, mapped.ignoreCase, LINES)).toEqual(LINES.filter((line) => regexp.test(line)));
  });

  it.each([
    [/ready(?= now)/, 'a lookaround'],
    [/(?<!not )ready/, 'a lookaround'],
    [/[\D]/, '\\D inside brackets'],
    [/a\nb/, '\\n'],
    [/\p{L}+/u, '\\p'],
  ])('%s is not mapped: %s', (pattern, what) => {
    const mapped = grepPattern(pattern);
    expect('problem' in mapped && mapped.problem).toContain(`grep -E has no form for ${what}`);
  });

  it('systemd: the unit greps with -i for the i flag and the mapped pattern; a lookahead is a warning and no wait', async () => {
    const dir = makeProject({
      config: {
        app: 'logs',
        tiers: {
          web: { command: ['sleep', '60'], ready: { log: 'PLACEHOLDER_WEB' } },
          api: { command: ['sleep', '60'], ready: { log: 'PLACEHOLDER_API' } },
        },
      },
    });
    // RegExp literals do not survive JSON: write them into the config as JavaScript.
    const file = join(dir, 'land.config.mjs');
    const { readFileSync, writeFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"PLACEHOLDER_WEB"', String.raw`/server\s+ready on \d+/i`).replace('"PLACEHOLDER_API"', '/ready(?= now)/'));
    const out = join(dir, 'out');
    const result = await landDone(['export', 'systemd', '--out', out], dir);
    expect(result.code, result.stderr).toBe(0);
    expect((await verifyUnits(out)).stderr).toBe('');
    const web = readUnit(join(out, 'logs-web.service')).Service!;
    const [, , script, pattern] = execArgv(web.ExecStartPost![0]!, {});
    expect(script).toContain('LC_ALL=C.UTF-8 grep -qiE -e "$0"');
    expect(pattern).toBe('server[[:space:]]+ready on [0-9]+');
    expect(await grep(pattern!, true, ['Server  READY on 8080', 'server ready on x'])).toEqual(['Server  READY on 8080']);
    const api = readUnit(join(out, 'logs-api.service')).Service!;
    expect(api.ExecStartPost).toBeUndefined();
    expect(api.TimeoutStartSec).toBeUndefined();
    expect(result.stdout).toContain('warning: tier api: readiness probe (log /ready(?= now)/) not mapped: grep -E has no form for a lookaround');
    expect(readFileSync(join(out, 'logs-api.service'), 'utf8')).toContain('# warning: readiness probe (log /ready(?= now)/) not mapped');
  });
});
