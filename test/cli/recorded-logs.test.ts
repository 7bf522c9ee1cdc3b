/** `land logs <tier>` with no stack running: the last boot's log file (or --boot <id>'s), found from any subfolder. */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { child, land, landDone, makeProject, removeProjects } from '../helpers/land.js';

afterAll(removeProjects);

/** One boot of the project: tier a prints three marked lines and b says hi; then it stops. */
async function bootOnce(dir: string, marker: string): Promise<string> {
  const run = land(['up', '--no-tui'], dir, { MARK: marker });
  await run.waitFor(new RegExp(`a +\\| ${marker} 3`));
  await run.waitFor(/b +\| b says hi/);
  expect((await run.stop()).code).toBe(0);
  return run.bootId;
}

describe('land logs from the files of a boot', () => {
  it('reads the last boot with no stack running, says which boot, and takes -n, --json and --boot', { timeout: 90_000 }, async () => {
    const script = 'for i in 1 2 3; do echo "$MARK $i"; done; echo "to stderr" >&2; sleep 30';
    const dir = makeProject({
      config: { tiers: { a: { command: script, shell: true }, b: { command: child('--say', 'b says hi') } } },
      files: { 'src/deep/.keep': '' },
    });
    const first = await bootOnce(dir, 'first');
    const second = await bootOnce(dir, 'second');
    expect(second > first).toBe(true);

    const sub = join(dir, 'src', 'deep');
    const last = await landDone(['logs', 'a'], sub);
    expect(last.code).toBe(0);
    expect(last.stdout).toBe('second 1\nsecond 2\nsecond 3\nto stderr\n');
    expect(last.stderr).toMatch(new RegExp(`^land: a · boot ${second} \\(the last boot: no stack is running; last written \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\) · \\.\\./\\.\\./\\.land/logs/${second}/a\\.log\\n$`));

    const tail = await landDone(['logs', 'a', '-n', '2'], sub);
    expect(tail.stdout).toBe('second 3\nto stderr\n');
    const json = await landDone(['logs', 'a', '-n', '1', '--json'], dir);
    expect(JSON.parse(json.stdout)).toEqual({ tier: 'a', boot: second, line: 'to stderr' });

    const older = await landDone(['logs', 'a', '--boot', first], dir);
    expect(older.code).toBe(0);
    expect(older.stdout).toBe('first 1\nfirst 2\nfirst 3\nto stderr\n');
    expect(older.stderr).toMatch(new RegExp(`^land: a · boot ${first} \\(the boot asked for;`));

    const follow = await landDone(['logs', 'b', '-f'], dir);
    expect(follow.code).toBe(0);
    expect(follow.stdout).toBe('b says hi\ngot SIGTERM, exiting\n');
    expect(follow.stderr).toMatch(/land: not following: no stack is running\n$/);

    // While a stack runs, --boot still reads an old boot's file; without it, the live stack answers.
    const running = land(['up', '--no-tui'], dir, { MARK: 'third' });
    await running.waitFor(/a +\| third 3/);
    const live = await landDone(['logs', 'a'], dir);
    expect(live.stdout).toMatch(/third 3/);
    expect(live.stderr).toBe('');
    const old = await landDone(['logs', 'a', '--boot', first], dir);
    expect(old.stdout).toMatch(/^first 1\n/);
    expect((await running.stop()).code).toBe(0);
  });

  it('reads rotated files oldest first (higher numbers older, .gz too), and the last lines across them', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['true'] } } } });
    const boot = join(dir, '.land', 'logs', '20261205T120000000Z-abcdef');
    mkdirSync(boot, { recursive: true });
    writeFileSync(join(boot, 'a.log.3.gz'), gzipSync('line 1\nline 2\n'));
    writeFileSync(join(boot, 'a.log.2'), 'line 3\n');
    writeFileSync(join(boot, 'a.log.1'), 'line 4\nline 5\n');
    writeFileSync(join(boot, 'a.log'), 'line 6\n');
    writeFileSync(join(boot, 'ab.log'), 'not a\n');
    const all = await landDone(['logs', 'a'], dir);
    expect(all.stdout).toBe('line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n');
    expect(all.stderr).toMatch(/· 4 files, oldest first, ending with \.land\/logs\/20261205T120000000Z-abcdef\/a\.log\n$/);
    expect((await landDone(['logs', 'a', '-n', '4'], dir)).stdout).toBe('line 3\nline 4\nline 5\nline 6\n');
    expect((await landDone(['logs', 'a', '-n', '6'], dir)).stdout).toBe('line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n');
    expect(readdirSync(boot)).toHaveLength(5);
  });

  it('a large log: -n reads its end only, and the whole file is copied byte for byte', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['true'] } } } });
    const boot = join(dir, '.land', 'logs', '20261205T120000000Z-000001');
    mkdirSync(boot, { recursive: true });
    const lines = Array.from({ length: 200_000 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`);
    writeFileSync(join(boot, 'a.log'), `${lines.join('\n')}\n`);
    const tail = await landDone(['logs', 'a', '-n', '3'], dir);
    expect(tail.stdout).toBe(`${lines.slice(-3).join('\n')}\n`);
    const whole = await landDone(['logs', 'a'], dir);
    expect(whole.stdout.length).toBe(`${lines.join('\n')}\n`.length);
    // --json reads every line (no -n): 200 000 of them once overflowed the call stack (a spread into unshift).
    const json = await landDone(['logs', 'a', '--json'], dir);
    expect(json.code, json.stderr).toBe(0);
    const objects = json.stdout.trimEnd().split('\n');
    expect(objects).toHaveLength(lines.length);
    expect(JSON.parse(objects.at(-1)!)).toEqual({ tier: 'a', boot: '20261205T120000000Z-000001', line: lines.at(-1) });
  });

  it('says what is wrong: no boot yet (exit 3), an unknown boot or tier (exit 2)', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['true'] } } } });
    const none = await landDone(['logs', 'a'], dir);
    expect(none.code).toBe(3);
    expect(none.stderr).toMatch(/^land: no stack is running in .* and no boot has logged there yet: start one with `land up`\n$/);
    mkdirSync(join(dir, '.land', 'logs', '20261205T120000000Z-aaaaaa'), { recursive: true });
    writeFileSync(join(dir, '.land', 'logs', '20261205T120000000Z-aaaaaa', 'a.log'), 'x\n');
    const ghost = await landDone(['logs', 'ghost'], dir);
    expect(ghost.code).toBe(2);
    expect(ghost.stderr).toBe('land: unknown tier "ghost" in boot 20261205T120000000Z-aaaaaa (tiers with logs: a)\n');
    const badBoot = await landDone(['logs', 'a', '--boot', 'nope'], dir);
    expect(badBoot.code).toBe(2);
    expect(badBoot.stderr).toBe('land: --boot: no logs for boot "nope" under .land/logs (latest boots: 20261205T120000000Z-aaaaaa)\n');
  });
});
