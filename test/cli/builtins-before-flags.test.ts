/**
 * `land up` loads node's own modules before bin/land.js sets its V8 flags: node compiles them from a code cache in its
 * binary that V8 rejects once the flags differ, so a module loaded after the change costs about twice the CPU
 * (docs/decisions.md, "Start-up, third pass"). Observed in the real process, at its first spawn.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { child, land, makeProject, removeProjects, ROOT, waitUntil, type LandRun } from '../helpers/land.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
});
afterAll(() => removeProjects());

const HOOK = join(ROOT, 'test', 'fixtures', 'builtins-after-flags.cjs');
const MODULES_HOOK = join(ROOT, 'test', 'fixtures', 'first-spawn-modules.cjs');

describe('land up and node’s own modules', () => {
  it('loads none of them between setting its V8 flags and its first spawn', async () => {
    const dir = makeProject({ config: { tiers: { web: { command: child('--say', 'up') } } } });
    const log = join(dir, 'builtins.log');
    const run = land(['up', '--no-tui'], dir, { NODE_OPTIONS: `--require ${HOOK}`, LAND_TEST_BUILTINS_LOG: log });
    runs.push(run);
    await run.waitFor(/web: starting → ready/);
    // Written at the first spawn, and only by a process that changed a flag first: land, not its child.
    expect(existsSync(log)).toBe(true);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual([]);
  });

  it('sets up the ES module loader for its .mjs config without the `process` module’s facade (every getter of process run)', async () => {
    // bin/land.js preloaded the loader with import('node:process'), whose facade read every property of `process`:
    // stdin's stream made, the diagnostic report's module loaded (docs/decisions.md, "Start-up, eleventh pass").
    const dir = makeProject({ config: { tiers: { web: { command: child('--say', 'up') } } } });
    const log = join(dir, 'modules.log');
    const run = land(['up', '--no-tui'], dir, { NODE_OPTIONS: `--require ${MODULES_HOOK}`, LAND_TEST_MODULES_LOG: log });
    runs.push(run);
    await run.waitFor(/web: starting → ready/);
    const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    expect(modules).toContain('internal/modules/esm/loader');
    expect(modules).not.toContain('internal/process/report');
    expect(modules).not.toContain('internal/fs/streams');
  });

  it('nor for removing old boots, which waits for the first spawn (docs/decisions.md, "Start-up, fifth pass")', async () => {
    // Three earlier boots with logs and telemetry, and keepBoots 2: two of them go (node's recursive rm, which
    // loads a module of its own: before the first spawn, it was loaded after the flags and delayed the children).
    const old = ['20261201T000000000Z-aaaaaa', '20261202T000000000Z-bbbbbb', '20261203T000000000Z-cccccc'];
    const files = Object.fromEntries(old.flatMap((boot) => [[`.land/logs/${boot}/web.log`, 'old\n'], [`.land/telemetry/${boot}/r/x`, 'old']]));
    const dir = makeProject({ config: { keepBoots: 2, tiers: { web: { command: child('--say', 'up') } } }, files });
    const log = join(dir, 'builtins.log');
    const run = land(['up', '--no-tui'], dir, { NODE_OPTIONS: `--require ${HOOK}`, LAND_TEST_BUILTINS_LOG: log });
    runs.push(run);
    await run.waitFor(/web: starting → ready/);
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean)).toEqual([]);
    // Still pruned, once the child is on its way: the newest old boot and this one are kept.
    const boots = (folder: string) => readdirSync(join(dir, '.land', folder)).sort();
    await waitUntil(() => boots('logs').length === 2 && boots('telemetry').length === 2, 10_000, 'old boots removed');
    expect(boots('logs')[0]).toBe(old[2]);
    expect(boots('telemetry')[0]).toBe(old[2]);
  });
});
