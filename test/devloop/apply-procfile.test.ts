/**
 * `land apply` on a Procfile stack started with a formation (`land up -m a=2,b=1`), through the real CLI: a type the
 * Procfile lost is removed and stopped, as Compose does for a deleted service, the formation's counts stay for the
 * types still there, and apply says what it dropped; a formation none of whose types is left is refused (exit 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, isAlive, land, landDone, markedProcesses, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status } from '../control/helpers.js';
import { E2E_TIMEOUT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'land-apply-procfile-'));
const watched = mkdtempSync(join(tmpdir(), 'land-apply-procfile-watch-'));
const runs: LandRun[] = [];
afterAll(() => {
  for (const folder of [dir, watched]) rmSync(folder, { recursive: true, force: true });
});
afterAll(async () => {
  await cleanUp(runs);
});

const procfile = (types: string[], folder = dir) => writeFileSync(join(folder, 'Procfile'), types.map((type) => `${type}: node ${CHILD} --say "${type} up"\n`).join(''));
const running = async () => Object.fromEntries((await status(dir)).tiers.map((tier) => [tier.name, tier.pid]));

describe('land apply: a Procfile type the formation names is gone', () => {
  it('removes and stops it, keeps the other counts, says what it dropped; refuses a formation with nothing left', async () => {
    procfile(['a', 'b', 'c']);
    const run = land(['up', '--no-tui', '-m', 'a=2,b=1'], dir, { PORT: undefined });
    runs.push(run);
    for (const name of ['a\\.1', 'a\\.2', 'b\\.1']) await run.waitFor(new RegExp(`\\| ${name}: \\w+ → ready`));
    const before = await running();
    expect(Object.keys(before).sort()).toEqual(['a.1', 'a.2', 'b.1']);

    procfile(['a', 'c']);
    const applied = await landDone(['apply'], dir);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^ {2}- b +removed/m);
    expect(applied.stdout).toContain('land: note: -m/--formation: b=1 dropped (the Procfile has a, c now); the rest of the formation stays: a=2\n');
    // a's two replicas are left alone; b is stopped and gone; c is not in the formation, so not run (as foreman).
    expect(await running()).toEqual({ 'a.1': before['a.1'], 'a.2': before['a.2'] });
    await waitUntil(() => !isAlive(before['b.1']!), 10_000);

    // Again: nothing more to do, the note said again (the formation given to land up is kept as it was asked).
    const again = await landDone(['apply'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^ {2}= a +unchanged/m);

    // Nothing the formation names is left: refused in one line, exit 2, nothing changed.
    procfile(['c']);
    const refused = await landDone(['apply'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('land: -m/--formation: a=2,b=1: no process type it names is left (the Procfile has c now): land down, then land up -m <type>=<count>\n');
    expect(await running()).toEqual({ 'a.1': before['a.1'], 'a.2': before['a.2'] });

    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('--watch-config: the saved Procfile is applied the same way, the dropped type said on the stack\'s output', async () => {
    procfile(['a', 'b'], watched);
    const run = land(['up', '--no-tui', '--watch-config', '-m', 'a=1,b=2'], watched, { PORT: undefined });
    runs.push(run);
    for (const name of ['a\\.1', 'b\\.1', 'b\\.2']) await run.waitFor(new RegExp(`\\| ${name}: \\w+ → ready`));
    procfile(['a'], watched);
    await run.waitFor(/b\.1: stopping → stopped \(removed from the config/);
    await run.waitFor(/config: Procfile saved; applied: removed b \(note: -m\/--formation: b=2 dropped \(the Procfile has a now\); the rest of the formation stays: a=1\)/);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);
});
