/**
 * Restart on change through the real CLI, with real files: a change restarts the tier and says which file; a burst
 * (a checkout writing many files) restarts once; ignored and unmatched files do nothing; restartDependents brings
 * the dependents back after the tier is ready again; a tier that failed starts again on a change.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { E2E_TIMEOUT } from './helpers.js';
import { cleanUp, status, tierOf, waitForTier } from '../control/helpers.js';

const runs: LandRun[] = [];
// The tests run side by side (each its own project and stack): one clean-up after all of them, which an afterEach
// would do to the others' stacks. After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

const node = (...args: string[]) => ['node', CHILD, ...args];

function watchProject() {
  return makeProject({
    config: {
      tiers: {
        app: {
          command: node('--say', 'app up'),
          cwd: 'app',
          ready: { log: 'app up' },
          watch: { paths: ['src/**/*.js', 'config.json'], ignore: ['src/generated/**'], debounceMs: 1000, restartDependents: true },
        },
        web: { command: node('--say', 'web up'), dependsOn: { app: 'ready' }, ready: { log: 'web up' } },
        task: { command: node('--exit', '3'), restart: { policy: 'never' }, watch: 'task.txt' },
      },
    },
    files: { 'app/src/main.js': '1\n', 'app/config.json': '{}\n', 'app/README.md': 'x\n', 'task.txt': 'a\n' },
  });
}

async function watching(dir: string): Promise<void> {
  await waitForTier(dir, 'app', (tier) => tier.watch?.watching === true, 'watching');
  await waitForTier(dir, 'task', (tier) => tier.watch?.watching === true && tier.state === 'failed', 'watching and failed');
}

describe.concurrent('restart on change', () => {
  it('restarts on a change, once for a burst, says which file, and ignores what it should', async () => {
    const dir = watchProject();
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/web: starting → ready/);
    await watching(dir);
    const first = await status(dir);
    expect(tierOf(first, 'app').watch).toEqual({ paths: ['src/**/*.js', 'config.json'], watching: true, restarts: 0 });
    expect(tierOf(first, 'web').watch).toBeUndefined();
    const appPid = tierOf(first, 'app').pid;

    writeFileSync(join(dir, 'app', 'src', 'main.js'), '2\n');
    const app = await waitForTier(dir, 'app', (tier) => tier.restarts === 1 && tier.state === 'ready', 'restarted');
    expect(app.pid).not.toBe(appPid);
    expect(app.watch).toMatchObject({ restarts: 1, lastChange: { file: 'src/main.js', files: 1 } });
    expect(app.history.map((step) => step.reason)).toContain('restarted: src/main.js changed');
    await run.waitFor(/app: src\/main\.js changed, restarting/);
    // The dependent came back after app was ready again.
    const web = await waitForTier(dir, 'web', (tier) => tier.restarts === 1 && tier.state === 'ready', 'restarted after app');
    expect(web.startedAt!).toBeGreaterThanOrEqual(app.readyAt!);
    expect(web.history.map((step) => step.reason)).toContain('restarted after app: src/main.js changed');

    // A checkout: many files at once, one restart.
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, 'app', 'src', `m${i}.js`), `${i}\n`);
    mkdirSync(join(dir, 'app', 'src', 'lib'), { recursive: true });
    for (let i = 0; i < 10; i++) writeFileSync(join(dir, 'app', 'src', 'lib', `n${i}.js`), `${i}\n`);
    await waitForTier(dir, 'app', (tier) => tier.restarts === 2 && tier.state === 'ready', 'restarted for the burst');
    // Ignored, unmatched and land's own files: nothing. One wait (twice the debounce) for both: no second restart of
    // the burst, none for these.
    mkdirSync(join(dir, 'app', 'src', 'generated'), { recursive: true });
    writeFileSync(join(dir, 'app', 'src', 'generated', 'out.js'), 'x\n');
    writeFileSync(join(dir, 'app', 'README.md'), 'y\n');
    writeFileSync(join(dir, 'app', 'src', 'main.ts'), 'not a .js file\n');
    await sleep(2000);
    const burst = tierOf(await status(dir), 'app');
    // The first file seen: the watcher's stat of each new file may finish in another order than the writes.
    expect(burst).toMatchObject({ restarts: 2, watch: { restarts: 2, lastChange: { file: expect.stringMatching(/^src\/(m\d+|lib\/n\d+)\.js$/) } } });
    // Files in a folder created during the burst can be missed by name (inotify watches the folder once it is seen);
    // the restart happens all the same.
    expect(burst.watch!.lastChange!.files).toBeGreaterThanOrEqual(40);
    expect(burst.watch!.lastChange!.files).toBeLessThanOrEqual(50);

    // A plain file path is watched too.
    writeFileSync(join(dir, 'app', 'config.json'), '{"a":1}\n');
    const byConfig = await waitForTier(dir, 'app', (tier) => tier.restarts === 3 && tier.state === 'ready', 'restarted for config.json');
    expect(byConfig.watch?.lastChange?.file).toBe('config.json');

    // The status table says it too.
    const table = await landDone(['status'], dir);
    expect(table.stdout).toMatch(/^app\s+ready\s.*after config\.json changed/m);

    expect(await run.stop()).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('starts a failed tier again when its files change', async () => {
    const dir = watchProject();
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/task: crashed → failed/);
    await watching(dir);
    writeFileSync(join(dir, 'task.txt'), 'b\n');
    await run.waitFor(/task: failed → starting \(started again: task\.txt changed\)/);
    const task = await waitForTier(dir, 'task', (tier) => tier.restarts === 1 && tier.state === 'failed', 'failed again');
    expect(task.watch).toMatchObject({ restarts: 1, lastChange: { file: 'task.txt', files: 1 } });
    // Stopped on request: a change leaves it alone.
    expect((await landDone(['stop', 'app'], dir)).code).toBe(0);
    const webPid = tierOf(await status(dir), 'web').pid;
    writeFileSync(join(dir, 'app', 'src', 'main.js'), '3\n');
    await sleep(1500);
    const after = await status(dir);
    expect(tierOf(after, 'app')).toMatchObject({ state: 'stopped', watch: { restarts: 0 } });
    expect(tierOf(after, 'web')).toMatchObject({ state: 'ready', pid: webPid });
    expect(run.stdout).not.toMatch(/app: src\/main\.js changed/);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);

  it('a replica land scale adds after a change has no watch restart of its own, and is said to be added', async () => {
    const dir = makeProject({
      config: { tiers: { web: { command: node('--say', 'web up'), ready: { log: 'web up' }, replicas: 2, watch: 'src' } } },
      files: { 'src/a.js': '1\n' },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    // The stack must be there before land status is asked (asked earlier, it says no stack is running: exit 3).
    await run.waitFor(/web\.2: starting → ready/);
    await waitForTier(dir, 'web.2', (tier) => tier.watch?.watching === true && tier.state === 'ready', 'watching');
    writeFileSync(join(dir, 'src', 'b.js'), '1\n');
    for (const name of ['web.1', 'web.2']) await waitForTier(dir, name, (tier) => tier.restarts === 1 && tier.state === 'ready', 'restarted');
    expect((await landDone(['scale', 'web', '3'], dir)).code).toBe(0);
    const third = await waitForTier(dir, 'web.3', (tier) => tier.state === 'ready', 'ready');
    expect(third).toMatchObject({ restarts: 0, watch: { paths: ['src'], watching: true, restarts: 0 } });
    expect(third.watch!.lastChange).toBeUndefined();
    expect(tierOf(await status(dir), 'web.1').watch).toMatchObject({ restarts: 1, lastChange: { file: 'src/b.js' } });
    const table = (await landDone(['status'], dir)).stdout.split('\n');
    expect(table.find((line) => line.startsWith('web.1'))).toMatch(/after src\/b\.js changed/);
    expect(table.find((line) => line.startsWith('web.3'))).not.toMatch(/changed/);
    // Created pending, it is set pending with the reason: no transition to print, only what happened.
    await run.waitFor(/web\.3: pending → starting/);
    expect(run.stdout).toMatch(/^mountain +\| web\.3: added by land scale web 3$/m);
    expect(run.stdout).not.toMatch(/pending → pending/);
    expect(await run.stop()).toEqual({ code: 0, signal: null });
  }, E2E_TIMEOUT);
});
