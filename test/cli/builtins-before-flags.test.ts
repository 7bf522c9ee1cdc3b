/**
 * `land up` loads node's own modules before bin/land.js sets its V8 flags: node compiles them from a code cache in its
 * binary that V8 rejects once the flags differ, so a module loaded after the change costs about twice the CPU
 * (docs/decisions.md, "Start-up, third pass"). Observed in the real process, at its first spawn.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { child, land, makeProject, removeProjects, ROOT, type LandRun } from '../helpers/land.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((run) => run.stop()));
});
afterAll(() => removeProjects());

const HOOK = join(ROOT, 'test', 'fixtures', 'builtins-after-flags.cjs');

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
});
