/**
 * Faults: a stack of stubborn processes (a tier that ignores SIGTERM with grandchildren that ignore it too, a tier
 * that forks a setsid daemon), and land itself stopped every way it can be: SIGINT, SIGTERM, SIGHUP, an uncaught
 * exception, SIGKILL (then reaped by the next `land up`, which spares a process that merely holds an old pid).
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, killLandAndGuardian, land, makeProject, markedProcesses, removeProjects, survivorsIn, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';

const runs: LandRun[] = [];
const bystanders: Array<{ kill(): boolean }> = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the bystanders and stacks go, then the projects.
afterAll(removeProjects);
afterAll(async () => {
  for (const bystander of bystanders.splice(0)) bystander.kill();
  await cleanUp(runs);
});

/** 1 stubborn leader + 2 stubborn grandchildren + the daemonizer + its setsid daemon + a polite tier. */
const PROCESSES = 6;

/**
 * Shell tiers (cheap to start): each process writes its pid to <pids>/<pid>. The stubborn leader ignores SIGTERM
 * (and says so) and its two grandchildren ignore it too (an ignored signal stays ignored across fork and exec); the
 * daemonizer forks a `setsid` daemon that leaves the tier's process group and session.
 */
function stubbornProject(extraConfigSource = '') {
  const pids = join(makeProject({ config: { tiers: {} } }), 'pids');
  mkdirSync(pids);
  const stubborn = [
    "trap '' TERM INT",
    `sleep 300 & echo > ${pids}/$!`,
    `sleep 300 & echo > ${pids}/$!`,
    "trap 'echo ignoring SIGTERM' TERM",
    `echo > ${pids}/$$`,
    'echo stubborn up',
    'while :; do wait; sleep 0.2; done',
  ].join('\n');
  const daemonizer = [`setsid sleep 300 & echo > ${pids}/$!`, `echo > ${pids}/$$`, 'echo forked a daemon', 'exec sleep 300'].join('\n');
  const polite = [`echo > ${pids}/$$`, 'echo polite up', 'exec sleep 300'].join('\n');
  const dir = makeProject({
    config: {
      tiers: {
        stubborn: { command: ['sh', '-c', stubborn], ready: { log: 'stubborn up' }, stop: { timeoutMs: 300 } },
        daemonizer: { command: ['sh', '-c', daemonizer], ready: { log: 'forked a daemon' } },
        polite: { command: ['sh', '-c', polite], ready: { log: 'polite up' } },
      },
    },
  });
  if (extraConfigSource) appendFileSync(join(dir, 'land.config.mjs'), extraConfigSource);
  return { dir, pids };
}

async function bootStubborn(extraConfigSource = '') {
  const { dir, pids } = stubbornProject(extraConfigSource);
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  for (const tier of ['stubborn', 'daemonizer', 'polite']) await run.waitFor(new RegExp(`${tier}: starting → ready`));
  await waitUntil(() => survivorsIn(pids).length === PROCESSES, 10_000, `${PROCESSES} processes up`);
  return { dir, pids, run };
}

const pidFile = (dir: string) => join(dir, '.land', 'run', 'land.pid');
const socketFile = (dir: string) => join(dir, '.land', 'run', 'land.sock');

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project, stack and pid
// files, and counts only its own processes.
describe.concurrent('fault: land stopped by a signal', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: SIGTERM-proof trees and the setsid daemon all die, exit 0, pid file and socket removed`, async () => {
      const { dir, pids, run } = await bootStubborn();
      expect(survivorsIn(pids)).toHaveLength(PROCESSES);
      const exit = await run.stop(signal);
      expect(exit.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`shutting down \\(received ${signal}\\)`));
      expect(run.stdout).toMatch(/stubborn +\| ignoring SIGTERM/); // the stop signal really was ignored
      expect(survivorsIn(pids)).toEqual([]);
      expect(markedProcesses(run.bootId)).toEqual([]);
      expect(existsSync(pidFile(dir))).toBe(false);
      expect(existsSync(socketFile(dir))).toBe(false);
    });
  }
});

describe.concurrent('fault: land fails', () => {
  it('an uncaught exception inside land: one fatal line, exit 1, every tree and the daemon killed', async () => {
    // The config module runs inside land: a timer that throws there is an uncaught exception of land itself.
    const crashOnCue = [
      "import { existsSync } from 'node:fs';",
      "if (process.argv.includes('up')) {",
      "  const poll = setInterval(() => { if (existsSync('crash-now')) throw new Error('boom from inside land'); }, 20);",
      '  poll.unref();',
      '}',
      '',
    ].join('\n');
    const { dir, pids, run } = await bootStubborn(crashOnCue);
    writeFileSync(join(dir, 'crash-now'), '');
    const exit = await run.exited;
    expect(exit.code).toBe(1);
    // The dashboard's login URL was printed at start, to the person who started land; then the one fatal line.
    expect(run.stderr.trim().split('\n').filter((line) => !line.startsWith('land: dashboard on '))).toEqual(['land: fatal: boom from inside land']);
    await waitUntil(() => survivorsIn(pids).length === 0, 5_000, 'no survivors');
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(existsSync(pidFile(dir))).toBe(false);
  });

  it('SIGKILL of land and its guardian: the next land up reaps the orphans by their boot mark and spares a process that holds the old pid', async () => {
    const { dir, pids, run: first } = await bootStubborn();
    const deadBoot = first.bootId;
    // With its guardian (src/cli/guardian.ts): both killed at once, as by `kill -9 -1` or a container's end.
    await killLandAndGuardian(first);
    const orphans = survivorsIn(pids);
    expect(orphans).toHaveLength(PROCESSES); // SIGKILL gave land no chance

    // Pid reuse: the pid file now names a live, unrelated process (same recorded start time, as after reuse).
    const bystander = spawn('sleep', ['60'], { stdio: 'ignore' });
    bystanders.push(bystander);
    const record = JSON.parse(readFileSync(pidFile(dir), 'utf8')) as { pid: number; startTime: string; bootId: string };
    expect(record.bootId).toBe(deadBoot);
    writeFileSync(pidFile(dir), JSON.stringify({ ...record, pid: bystander.pid }));
    // A second unrelated process that also outlived nothing of land's: it must survive too.
    const unmarked = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
    bystanders.push(unmarked);

    const second = land(['up', '--no-tui'], dir);
    runs.push(second);
    await second.waitFor(/polite: starting → ready/);
    expect(second.stderr).toMatch(new RegExp(`reaped ${PROCESSES} process\\(es\\) left by a land that died \\(pid ${bystander.pid}, boot ${deadBoot}\\)`));
    for (const pid of orphans) expect(isAlive(pid), `orphan ${pid}`).toBe(false);
    expect(markedProcesses(deadBoot)).toEqual([]);
    expect(isAlive(bystander.pid!)).toBe(true);
    expect(isAlive(unmarked.pid!)).toBe(true);
    expect(JSON.parse(readFileSync(pidFile(dir), 'utf8'))).toMatchObject({ pid: second.proc.pid, bootId: second.bootId });

    expect((await second.stop()).code).toBe(0);
    expect(markedProcesses(second.bootId)).toEqual([]);
    expect(isAlive(bystander.pid!)).toBe(true);
  });
});
