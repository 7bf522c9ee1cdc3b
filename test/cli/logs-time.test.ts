/** `land logs -t` and `--since`: a running stack's lines with their arrival time, or only those since a time. */
import { afterAll, describe, expect, it } from 'vitest';
import { expectCleanRejection, land, landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

type Line = { tier: string; line: string; at: number };
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/;

describe('land logs -t / --since', () => {
  it('stamps each line with its arrival time and leaves out lines before --since, for one tier and several', { timeout: 60_000 }, async () => {
    const dir = makeProject({
      config: {
        tiers: {
          web: { command: ['sh', '-c', 'echo first; sleep 0.3; echo second; exec sleep 60'] },
          db: { command: ['sh', '-c', 'echo db-line; exec sleep 60'] },
        },
      },
    });
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    await run.waitFor(/web +\| second/);
    await run.waitFor(/db +\| db-line/);
    const json = (await landDone(['logs', '--json'], dir)).stdout.trim().split('\n').map((text) => JSON.parse(text) as Line);
    const at = (line: string) => json.find((entry) => entry.line === line)!.at;

    const one = await landDone(['logs', 'web', '-t'], dir);
    expect(one.stdout).toBe(`${new Date(at('first')).toISOString()} first\n${new Date(at('second')).toISOString()} second\n`);
    const stamped = await landDone(['logs', '--timestamps'], dir);
    expect(stamped.stdout).toMatch(new RegExp(`^db +\\| ${ISO.source} db-line$`, 'm'));

    // Since the second line's time: the first is left out (db's line too, unless it came that late).
    const since = new Date(at('second')).toISOString();
    expect((await landDone(['logs', 'web', '--since', since], dir)).stdout).toBe('second\n');
    const stack = await landDone(['logs', '--since', since, '--json'], dir);
    const expected = json.filter((entry) => entry.at >= at('second')).map((entry) => entry.line);
    expect(expected).not.toContain('first');
    expect(stack.stdout.trim().split('\n').map((text) => (JSON.parse(text) as Line).line)).toEqual(expected);
    expect((await landDone(['logs', '--since', '1h'], dir)).stdout.split('\n').filter(Boolean)).toHaveLength(json.length);

    const bad = await landDone(['logs', '--since', 'yesterday'], dir);
    expect([bad.code, bad.stderr]).toEqual([2, 'land: --since: expected a duration (90s, 10m, 1h30m, 2d) or a time (2026-12-07T07:00:00Z), got "yesterday"\n']);
    expect((await run.stop()).code).toBe(0);
    // The log files hold no times: refused rather than shown without them.
    const stopped = await landDone(['logs', '-t'], dir);
    expect([stopped.code, stopped.stderr]).toEqual([2, 'land: -t/--timestamps: log files hold no times, and no stack is running here: only a running stack\'s lines have theirs\n']);
  });

  it('refuses a bad --since before it asks anything, exit 2', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['true'] } } } });
    expectCleanRejection(await landDone(['logs', '--since', '10 minutes'], dir), dir, /^land: --since: expected a duration .*got "10 minutes"$/);
  });
});
