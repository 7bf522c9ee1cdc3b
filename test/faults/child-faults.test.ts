/**
 * Faults of a child's own making: a last line without a newline, stdout closed early, an exit before land has
 * finished spawning it, and a command or cwd that disappears after the first start (so a restart hits it).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, child, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from '../control/helpers.js';
import { faultChild, sleeper, snapshot, tierWhen } from './support.js';

const runs: LandRun[] = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(() => cleanUp(runs));

async function up(dir: string, readyPattern: RegExp): Promise<LandRun> {
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(readyPattern);
  return run;
}

const neighbour = sleeper('neighbour');

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project and stack.
describe.concurrent('fault: output that ends badly', () => {
  it('a 1 MB line with no newline, then exit: logged byte for byte and printed whole', async () => {
    const bytes = 1024 * 1024;
    const dir = makeProject({
      config: { tiers: { partial: { command: faultChild('--partial', bytes), restart: { policy: 'never' } }, neighbour } },
    });
    const run = await up(dir, /partial: \w+ → exited \(completed with code 0\)/);
    const expected = `P${'y'.repeat(bytes - 2)}Z`;
    // Compared as booleans: a failure must not print a megabyte.
    const logged = readFileSync(join(dir, '.land', 'logs', run.bootId, 'partial.log'), 'utf8');
    expect(logged.length).toBe(bytes);
    expect(logged === expected).toBe(true);
    await run.waitFor(/neighbour: starting → ready/);
    expect((await run.stop()).code).toBe(0);
    const printed = run.stdout.split('\n').filter((line) => /^partial +\| /.test(line));
    expect(printed).toHaveLength(1);
    expect(printed[0]!.replace(/^partial +\| /, '') === expected).toBe(true);
  });

  it('a child that closes its stdout early stays up and ready, its stderr still relayed, and stops cleanly', async () => {
    const dir = makeProject({
      config: { tiers: { closer: { command: faultChild('--close-stdout'), ready: { log: 'closing stdout now' } }, neighbour } },
    });
    const run = await up(dir, /closer: starting → ready/);
    await run.waitFor(/closer +\| stderr still here 3/);
    const closer = tierOf(await snapshot(dir), 'closer');
    expect(closer.state).toBe('ready');
    expect(isAlive(closer.pid!)).toBe(true);
    const stopped = await landDone(['stop', 'closer'], dir);
    expect(stopped.code).toBe(0);
    expect(tierOf(await status(dir), 'closer').state).toBe('stopped'); // as `land status --json` tells it
    expect(isAlive(closer.pid!)).toBe(false);
    expect(tierOf(await snapshot(dir), 'neighbour').state).toBe('ready');
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

describe.concurrent('fault: a child that exits before land has finished spawning it', () => {
  it('exit 0 at once is a completed one-shot, exit 7 at once a crash that fails under policy never; neighbours untouched', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          instantOk: { command: ['true'], restart: { policy: 'never' } },
          instantFail: { command: ['sh', '-c', 'exit 7'], ready: { tcp: 1 }, restart: { policy: 'never' } },
          afterOk: { ...sleeper('after'), dependsOn: { instantOk: 'completed' } },
          neighbour,
        },
      },
    });
    const run = await up(dir, /instantFail: \w+ → failed/);
    await run.waitFor(/afterOk: starting → ready/);
    await run.waitFor(/neighbour: starting → ready/);
    const told = await status(dir);
    expect(tierOf(told, 'instantOk')).toMatchObject({ state: 'exited', reason: 'completed with code 0' });
    expect(tierOf(told, 'instantFail')).toMatchObject({ state: 'failed', reason: 'restart policy is never' });
    expect(tierOf(told, 'instantFail').lastExit?.code).toBe(7);
    expect(run.stdout).toMatch(/instantFail: starting → crashed \(exited with code 7\)/);
    expect(run.stdout).toMatch(/instantFail: crash: exited with code 7/);
    expect(tierOf(told, 'neighbour').state).toBe('ready');
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

describe.concurrent('fault: the command or cwd disappears after the first start', () => {
  it('a command removed at runtime: the restart fails to spawn, the tier goes failed with a spawn-failed reason, the rest keep running', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          tool: {
            command: ['bin/tool'],
            ready: { log: 'tool up' },
            restart: { backoff: { initialMs: 50, maxMs: 50 } },
          },
          neighbour,
        },
      },
      files: { 'bin/tool': `#!/bin/sh\nexec node ${CHILD} --say "tool up"\n` },
    });
    chmodSync(join(dir, 'bin', 'tool'), 0o755);
    const run = await up(dir, /tool: starting → ready/);
    await run.waitFor(/neighbour: starting → ready/);
    const before = await snapshot(dir);
    rmSync(join(dir, 'bin', 'tool'));
    process.kill(tierOf(before, 'tool').pid!, 'SIGKILL');
    const tool = await tierWhen(dir, 'tool', (tier) => tier.state === 'failed', 'failed');
    expect(tool.reason).toMatch(/^spawn failed: .*ENOENT/);
    expect(tool.pid).toBeUndefined();
    await run.waitFor(/tool: spawn-failed: .*ENOENT/); // the person is told (printed a moment after the state changed)
    const after = await snapshot(dir);
    expect(tierOf(after, 'neighbour')).toMatchObject({ state: 'ready', pid: tierOf(before, 'neighbour').pid });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });

  it('a cwd removed at runtime: the restart fails to spawn, the tier goes failed with a spawn-failed reason, the rest keep running', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          worker: {
            command: child('--say', 'worker up'),
            cwd: 'work',
            ready: { log: 'worker up' },
            restart: { backoff: { initialMs: 50, maxMs: 50 } },
          },
          neighbour,
        },
      },
    });
    mkdirSync(join(dir, 'work'));
    const run = await up(dir, /worker: starting → ready/);
    await run.waitFor(/neighbour: starting → ready/);
    const before = await snapshot(dir);
    rmSync(join(dir, 'work'), { recursive: true });
    process.kill(tierOf(before, 'worker').pid!, 'SIGKILL');
    const worker = await tierWhen(dir, 'worker', (tier) => tier.state === 'failed', 'failed');
    expect(worker.reason).toMatch(/^spawn failed: /);
    expect(worker.reason).toContain('work');
    await run.waitFor(/worker: spawn-failed: /);
    expect(tierOf(await snapshot(dir), 'neighbour')).toMatchObject({ state: 'ready', pid: tierOf(before, 'neighbour').pid });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});
