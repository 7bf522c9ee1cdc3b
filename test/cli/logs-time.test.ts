/** `land logs -t` and `--since`: a running stack's lines with their arrival time, or only those since a time. */
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
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

  it('places, stamps, filters and counts an OTLP record by its arrival, not by the sender\'s clock', { timeout: 60_000 }, async () => {
    const child = join(import.meta.dirname, '..', 'fixtures', 'otlp-skewed-clock.mjs');
    const dir = makeProject({ config: { tiers: { api: { command: [process.execPath, child] } } } });
    const before = Date.now();
    const run = land(['up', '--no-tui', '--no-dashboard'], dir);
    await run.waitFor(/api +\| after the records/);
    type Record = Line & { stream: string; record?: { timeMs: number; receivedMs: number } };
    const json = (await landDone(['logs', 'api', '--json'], dir)).stdout.trim().split('\n').map((text) => JSON.parse(text) as Record);
    // In the order they came: both records before the line the child printed after posting them.
    expect(json.map((entry) => entry.line)).toEqual(['[otlp INFO] an hour ago', '[otlp INFO] an hour ahead', 'after the records']);
    const after = Date.now();
    for (const entry of json.slice(0, 2)) {
      expect(entry.at).toBeGreaterThanOrEqual(before);
      expect(entry.at).toBeLessThanOrEqual(after);
      expect(entry.record!.receivedMs).toBe(entry.at);
    }
    // The sender's own time is kept with the record.
    expect(json[0]!.record!.timeMs).toBeLessThan(before - 3_000_000);
    expect(json[1]!.record!.timeMs).toBeGreaterThan(after + 3_000_000);

    const stamped = (await landDone(['logs', 'api', '-t'], dir)).stdout.trim().split('\n');
    expect(stamped.map((line) => Date.parse(line.slice(0, 24)))).toEqual(json.map((entry) => entry.at));
    expect((await landDone(['logs', 'api', '--since', '1m'], dir)).stdout).toBe('[otlp INFO] an hour ago\n[otlp INFO] an hour ahead\nafter the records\n');
    expect((await landDone(['logs', 'api', '-n', '2'], dir)).stdout).toBe('[otlp INFO] an hour ahead\nafter the records\n');
    expect((await landDone(['logs', '-n', '1'], dir)).stdout).toMatch(/^api +\| after the records\n$/);
    expect((await run.stop()).code).toBe(0);
  });

  it('refuses a bad --since before it asks anything, exit 2', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['true'] } } } });
    expectCleanRejection(await landDone(['logs', '--since', '10 minutes'], dir), dir, /^land: --since: expected a duration .*got "10 minutes"$/);
  });
});
