/**
 * Descendants that leave a tier's process group (a new session, a double fork, a cleared environment) while they
 * hold its output pipes, and exec probes that hang: the leader's exit is seen at once, every stop ends within the
 * tier's stop.timeoutMs plus the grace, and nothing a tier or its probes started outlives it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, LandRun, landDone, makeProject, markedProcesses, removeProjects, ROOT, waitUntil } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { asNobody, endsWithin, NOBODY, sleeper, tierWhen, upUntil } from './support.js';
import { letOthersTraverse } from '../helpers/traverse.js';

const runs: LandRun[] = [];
// The tests but the hopper's run side by side (each its own projects and stack): one clean-up after all of them,
// which an afterEach would do to the others' stacks. After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(() => cleanUp(runs));

/** Pids the scripts below wrote into <dir>/pids/<name>, one a line. */
function pidsIn(dir: string, name: string): number[] {
  try {
    return readFileSync(join(dir, 'pids', name), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const SCRIPTS = {
  // TERM-proof, in a session of its own, with nothing of land's environment, and holding the tier's stdout/stderr.
  'bin/daemon.sh': `trap '' TERM\necho $$ >> "$1/pids/daemon"\nwhile :; do sleep 1; done\n`,
  // The subshell exits at once (a double fork): the daemon loses its parent link; env -i drops land's marks.
  'bin/leader.sh':
    `( env -i PATH=/usr/bin:/bin /usr/bin/setsid /bin/sh "$1/bin/daemon.sh" "$1" & )\n` +
    `sleep 0.2\necho leader up\n` +
    `if [ "$2" = stay ]; then exec sleep 300; fi\nsleep 0.3\nexit 3\n`,
  // A probe that never answers, with a child in its group and one in a session of its own.
  'bin/probe.sh': `echo $$ >> "$1/pids/$2"\nsleep 300 &\necho $! >> "$1/pids/$2"\nsetsid sleep 301 &\necho $! >> "$1/pids/$2"\nwait\n`,
  // Never the same pid for long: every few ms it starts its successor (in its group) and exits.
  // A process that starts its successor and exits every 100 ms or so. (One that hops faster than land can scan /proc
  // can slip through every scan: docs/decisions.md, "A probe's processes"; at 20 ms, CI's four workers made a scan
  // slow enough for that once.)
  'bin/hopper.sh': `echo $$ >> "$1/pids/hopper"\nsleep 0.1\nsh "$1/bin/hopper.sh" "$1" &\n`,
  // A probe that never answers and, the first time, leaves a hopper in a session of its own.
  'bin/hopper-probe.sh': `[ -e "$1/pids/hopper" ] || setsid sh "$1/bin/hopper.sh" "$1" &\nexec sleep 300\n`,
  'pids/.keep': '',
};

const up = (dir: string, pattern: RegExp) => upUntil(runs, dir, pattern);

const cwdOf = (pid: number) => {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
};
/**
 * Alive and still one of the probe's (which run in the project's folder, as do their children): a pid in the files
 * may meanwhile be another process of the machine's (the hopper alone writes hundreds), never with that folder.
 */
const aliveIn = (project: string) => {
  const cwd = realpathSync(project);
  return (pid: number) => isAlive(pid) && cwdOf(pid) === cwd;
};

// Side by side (vitest runs consecutive concurrent suites together): each test has its own projects, stack and pid
// files, and mostly waits on its stops and probes.
describe.concurrent('fault: a descendant that leaves the tier (setsid, double fork, env -i) and keeps its pipes', () => {
  it('the leader exits: its exit is seen at once, the descendant is found by the pipes it holds and killed, the tier fails under policy never', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: SCRIPTS });
    const config = {
      tiers: {
        escaper: { command: ['sh', join(dir, 'bin/leader.sh'), dir], ready: { log: 'leader up' }, restart: { policy: 'never' }, stop: { timeoutMs: 1000 } },
        neighbour: sleeper('neighbour'),
      },
    };
    const project = makeProject({ config, files: {} });
    const run = await up(project, /escaper: starting → ready/);
    await waitUntil(() => pidsIn(dir, 'daemon').length === 1, 10_000, 'the daemon');
    const [daemon] = pidsIn(dir, 'daemon');
    const escaper = await tierWhen(project, 'escaper', (tier) => tier.state === 'failed', 'failed');
    expect(escaper).toMatchObject({ reason: 'restart policy is never', lastExit: { code: 3 } });
    expect(escaper.pid).toBeUndefined();
    // Printed through land's stdout pipe, which can come after the state the control socket reports.
    await run.waitFor(/escaper: ready → stopping \(exited with code 3; stopping what it left running\)/);
    await run.waitFor(/escaper: stopping → crashed \(exited with code 3\)/);
    expect(run.stdout).toMatch(/escaper: ready → stopping \(exited with code 3; stopping what it left running\)/);
    expect(run.stdout).toMatch(/escaper: stopping → crashed \(exited with code 3\)/);
    expect(isAlive(daemon!)).toBe(false);
    expect(run.stdout).not.toMatch(/stop-incomplete/);
    expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
  });

  it('stop, restart and shutdown of a tier whose TERM-proof escaped descendant holds its pipes each end (stop.timeoutMs 1 s + the grace) and kill it', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: SCRIPTS });
    const project = makeProject({
      config: {
        tiers: {
          stubborn: { command: ['sh', join(dir, 'bin/leader.sh'), dir, 'stay'], ready: { log: 'leader up' }, stop: { timeoutMs: 1000 } },
          neighbour: sleeper('neighbour'),
        },
      },
    });
    const run = await up(project, /stubborn: starting → ready/);
    const stopped = await endsWithin('land stop', landDone(['stop', 'stubborn'], project));
    expect(stopped.code).toBe(0);
    expect(pidsIn(dir, 'daemon').filter(isAlive)).toEqual([]);
    await tierWhen(project, 'stubborn', (tier) => tier.state === 'stopped', 'stopped');

    expect((await endsWithin('land restart (a start)', landDone(['restart', 'stubborn'], project))).code).toBe(0);
    await tierWhen(project, 'stubborn', (tier) => tier.state === 'ready', 'ready');
    await waitUntil(() => pidsIn(dir, 'daemon').filter(isAlive).length === 1, 10_000, 'the second daemon');
    expect((await endsWithin('land restart', landDone(['restart', 'stubborn'], project))).code).toBe(0);
    await tierWhen(project, 'stubborn', (tier) => tier.state === 'ready', 'ready again');
    await waitUntil(() => pidsIn(dir, 'daemon').length === 3, 10_000, 'the third daemon');
    expect(pidsIn(dir, 'daemon').filter(isAlive)).toEqual(pidsIn(dir, 'daemon').slice(2));

    expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
    expect(pidsIn(dir, 'daemon').filter(isAlive)).toEqual([]);
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(run.stdout.split('\n').filter((line) => line.includes('stop-incomplete'))).toEqual([]);
  });
});

describe.concurrent('fault: an exec probe that hangs', () => {
  it('a readiness probe past its timeout is killed with its whole tree (a child in its group and one in a new session); the tier fails with the reason', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: SCRIPTS });
    const project = makeProject({
      config: {
        tiers: {
          checked: { ...sleeper('checked'), ready: { exec: ['sh', join(dir, 'bin/probe.sh'), dir, 'ready'], timeoutMs: 1500 }, restart: { policy: 'never' } },
          neighbour: sleeper('neighbour'),
        },
      },
    });
    const run = await up(project, /checked: \w+ → failed/);
    expect(run.stdout).toMatch(/checked: probe-failed: readiness probe \(exec sh .*probe\.sh .*\) did not pass within 1500 ms/);
    const probes = pidsIn(dir, 'ready');
    expect(probes).toHaveLength(3);
    await waitUntil(() => !probes.some(aliveIn(project)), 10_000, `probe processes ${probes.join(', ')} to die`);
    expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
  });

  it('a liveness probe in flight dies with its tier: on `land stop` and on the stack shutdown', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: SCRIPTS });
    const liveness = (name: string) => ({ exec: ['sh', join(dir, 'bin/probe.sh'), dir, name], intervalMs: 100, failureThreshold: 100 });
    const project = makeProject({
      config: { tiers: { first: { ...sleeper('first'), liveness: liveness('first') }, second: { ...sleeper('second'), liveness: liveness('second') } } },
    });
    const run = await up(project, /second: starting → ready/);
    await waitUntil(() => pidsIn(dir, 'first').length >= 3 && pidsIn(dir, 'second').length >= 3, 10_000, 'both probes running');
    // The check below recognises a probe's live processes (by their folder), so it can fail.
    await waitUntil(() => pidsIn(dir, 'second').some(aliveIn(project)), 10_000, 'a live process of the second probe');
    expect((await endsWithin('land stop', landDone(['stop', 'first'], project))).code).toBe(0);
    // A stop ends once the life is over, its probe's processes included.
    expect(pidsIn(dir, 'first').filter(aliveIn(project))).toEqual([]);
    expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
    const second = pidsIn(dir, 'second');
    expect(second.filter(aliveIn(project))).toEqual([]);
  });

  it('a readiness probe in flight dies with its life: on `land restart` and on `land stop`', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: SCRIPTS });
    const ready = { exec: ['sh', join(dir, 'bin/probe.sh'), dir, 'ready'], timeoutMs: 60_000 };
    const project = makeProject({ config: { tiers: { checked: { ...sleeper('checked'), ready }, neighbour: sleeper('neighbour') } } });
    const run = await up(project, /neighbour: starting → ready/);
    await waitUntil(() => pidsIn(dir, 'ready').length >= 3, 10_000, 'the readiness probe running');
    expect((await endsWithin('land restart', landDone(['restart', 'checked'], project))).code).toBe(0);
    const before = pidsIn(dir, 'ready');
    expect(before.slice(0, 3).filter(aliveIn(project))).toEqual([]);
    await waitUntil(() => pidsIn(dir, 'ready').length >= 6, 10_000, 'the new life\'s readiness probe running');
    expect((await endsWithin('land stop', landDone(['stop', 'checked'], project))).code).toBe(0);
    expect(pidsIn(dir, 'ready').filter(aliveIn(project))).toEqual([]);
    expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
  });
});

/** A root process that takes a copy of `pid`'s stdout (pidfd_getfd) and sleeps holding it: land, run as nobody, cannot see it. */
function holdStdoutOf(pid: number) {
  const script = [
    'import ctypes, os, sys, time',
    'libc = ctypes.CDLL(None, use_errno=True)',
    `fd = libc.syscall(438, os.pidfd_open(${pid}), 1, 0)`,
    'print(fd, flush=True)',
    'time.sleep(300)',
  ].join('\n');
  return spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

describe.concurrent('fault: a process land cannot see holds a tier\'s output', () => {
  let restoreModes = () => {};
  afterAll(() => restoreModes());

  it('land (as nobody) stops the tier anyway within stop.timeoutMs + the grace, stops reading the pipes and says so', async () => {
    const project = makeProject({ config: { tiers: { held: { ...sleeper('held'), stop: { timeoutMs: 1000 } }, neighbour: sleeper('neighbour') } } });
    restoreModes = letOthersTraverse(ROOT);
    chownSync(project, NOBODY, NOBODY);
    for (const entry of readdirSync(project, { recursive: true })) chownSync(join(project, String(entry)), NOBODY, NOBODY);
    const run = asNobody(['up', '--no-tui'], project);
    runs.push(run);
    await run.waitFor(/held: starting → ready/);
    const leader = Number(/held: spawned pid (\d+)/.exec(run.stdout)![1]);
    const holder = holdStdoutOf(leader);
    try {
      const fd = await new Promise<string>((resolve) => holder.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim())));
      expect(Number(fd)).toBeGreaterThan(2);
      const stopped = await endsWithin('land stop', asNobody(['stop', 'held'], project).exited);
      expect(stopped.code).toBe(0);
      await run.waitFor(/held: stop-incomplete: its output pipes are still held by a process land cannot find/);
      await run.waitFor(/held: stopping → stopped \(stopped on request\)/);
      expect(run.stdout).toMatch(/held: stopping → stopped \(stopped on request\)/);
      expect(isAlive(leader)).toBe(false);
      expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

// Alone, after the others: the hopper slips through land's scans of /proc when they are slow (a loaded machine).
describe('fault: an exec probe that hangs, alone', () => {
  it('what a probe left running is gone when `land up` exits, even a process that keeps changing its pid', async () => {
    const dir = makeProject({ config: { tiers: {} }, files: SCRIPTS });
    const liveness = { exec: ['sh', join(dir, 'bin/hopper-probe.sh'), dir], intervalMs: 100, failureThreshold: 100 };
    const project = makeProject({ config: { tiers: { hopping: { ...sleeper('hopping'), liveness } } } });
    const run = await up(project, /hopping: starting → ready/);
    await waitUntil(() => pidsIn(dir, 'hopper').length >= 10, 10_000, 'the hopper running');
    expect(await endsWithin('land up after SIGINT', run.stop())).toMatchObject({ code: 0 });
    expect(pidsIn(dir, 'hopper').filter(aliveIn(project))).toEqual([]);
  });
});
