/**
 * A land killed outright leaves nothing: its guardian (src/cli/guardian.ts), a shell in a session of its own that
 * waits on a socket only land holds, reaps the boot's processes by their LAND_BOOT_ID mark once land is gone, then
 * goes itself. Before it, the tiers of a SIGKILLed land ran on under pid 1 until the next `land up` or `land down`.
 * On land's own ends (a graceful stop, a second Ctrl-C) the guardian goes without reaping.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { guardianOf, guardianStarted, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { writeConfig } from '../devloop/helpers.js';
import { downLeftovers, landOf, type Leftover } from './sink-support.js';

const runs: LandRun[] = [];
const leftovers: Leftover[] = [];
// The tests run side by side (each its own project, boot and guardian): one clean-up after all of them, which an
// afterEach would do to the others' stacks. After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
  await downLeftovers(leftovers);
});

/** The exploratory tester's stack: a TERM-proof tier, a tier with a grandchild, a node ticker. */
const TIERS = {
  stubborn: { command: ['sh', '-c', 'trap "" TERM; echo stubborn up; sleep 300'], ready: { log: 'stubborn up' } },
  parent: { command: ['sh', '-c', 'sleep 301 & echo parent up; wait'], ready: { log: 'parent up' } },
  ticker: { command: ['node', '-e', 'console.log("ticker up"); setInterval(() => {}, 1000)'], ready: { log: 'ticker up' } },
};
/**
 * The same stack for the graceful ends, whose stop is not what they are about: stubborn is SIGKILLed at 1 s, not at
 * the default 5 s, for which land down and a Ctrl-C would wait.
 */
const QUICK_STOP = { ...TIERS, stubborn: { ...TIERS.stubborn, stop: { timeoutMs: 1000 } } };
/** stubborn's sh and sleep, parent's sh and sleep, the ticker. */
const PROCESSES = 5;

/** Live processes whose command line names this boot: its guardian once it has exec'd the reaper (`land __reap <boot>`). */
function reapersOf(bootId: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(bootId) && isAlive(pid);
      } catch {
        return false;
      }
    });
}

/** Within a bounded wait, nothing of the boot is left: no marked process, no guardian, no reaper. */
async function nothingLeft(bootId: string, guardian: number): Promise<void> {
  await waitUntil(() => markedProcesses(bootId).length === 0 && !isAlive(guardian) && reapersOf(bootId).length === 0, 20_000, 'the boot to be reaped');
}

/** The guardian of a land that may exit soon: polled until seen or until land has exited. */
async function guardianWhileRunning(run: LandRun): Promise<number | undefined> {
  for (;;) {
    const guardian = guardianOf(run.proc.pid!);
    if (guardian !== undefined || run.proc.exitCode !== null || run.proc.signalCode !== null) return guardian;
    await new Promise((done) => setTimeout(done, 5));
  }
}

function started(args: string[], dir: string): LandRun {
  const run = land(args, dir);
  runs.push(run);
  return run;
}

async function upAndReady(dir: string): Promise<{ run: LandRun; guardian: number }> {
  // TIERS and QUICK_STOP have the same tiers.
  const run = started(['up', '--no-tui'], dir);
  for (const tier of Object.keys(TIERS)) await run.waitFor(new RegExp(`${tier}: starting → ready`));
  return { run, guardian: await guardianStarted(run.proc.pid!) };
}

// Side by side: each test has its own project, boot and guardian, and what it counts is its own boot's.
describe.concurrent('a land killed with SIGKILL', () => {
  it('in the foreground: its guardian reaps every process of the boot (a TERM-proof tier, a grandchild) and goes', async () => {
    const dir = makeProject({ config: { tiers: TIERS } });
    const { run, guardian } = await upAndReady(dir);
    const bootId = run.bootId;
    await waitUntil(() => markedProcesses(bootId).length === PROCESSES, 10_000, 'every process of the stack');
    // Not a tier: no mark of the boot, not in the status.
    expect(markedProcesses(bootId)).not.toContain(guardian);
    run.signal('SIGKILL');
    await run.exited;
    await nothingLeft(bootId, guardian);
    // Nothing was left for the next land to reap, or for `land status` to name.
    const status = await landDone(['status'], dir);
    expect(status.code).toBe(3);
    expect(status.stderr).toBe(`land: no stack is running in ${dir}: start one with \`land up\`\n`);
  }, 60_000);

  it('in the background (-d): its guardian reaps the boot and goes; land status finds nothing running', async () => {
    const dir = makeProject({ config: { tiers: TIERS } });
    const up = await landDone(['up', '-d'], dir);
    expect(up.code, up.stderr).toBe(0);
    const land = await landOf(dir);
    leftovers.push(land);
    const guardian = await guardianStarted(land.pid);
    expect(markedProcesses(land.bootId)).toHaveLength(PROCESSES);
    process.kill(land.pid, 'SIGKILL');
    await nothingLeft(land.bootId, guardian);
    const status = await landDone(['status'], dir);
    expect(status.code).toBe(3);
    expect(status.stderr).toBe(`land: no stack is running in ${dir}: start one with \`land up\`\n`);
  }, 60_000);
});

describe.concurrent("land's own ends take the guardian with them, without reaping", () => {
  it('land down of a foreground stack: no guardian left once land has exited', async () => {
    const dir = makeProject({ config: { tiers: QUICK_STOP } });
    const { run, guardian } = await upAndReady(dir);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await run.exited).code).toBe(0);
    // Dismissed before land's exit, and reaped by land: not even a zombie, never the reaper.
    expect(isAlive(guardian)).toBe(false);
    expect(reapersOf(run.bootId)).toEqual([]);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('Ctrl-C, and a second Ctrl-C that cuts the shutdown short: no guardian left, no reaper started', async () => {
    const dir = makeProject({ config: { tiers: QUICK_STOP } });
    const first = await upAndReady(dir);
    expect((await first.run.stop('SIGINT')).code).toBe(0);
    expect(isAlive(first.guardian)).toBe(false);
    expect(reapersOf(first.run.bootId)).toEqual([]);

    // The default 5 s stop again: the window in which the second Ctrl-C must come.
    writeConfig(dir, { tiers: TIERS });

    const second = await upAndReady(dir);
    second.run.signal('SIGINT');
    // stubborn ignores SIGTERM: the shutdown waits for its timeout, and the second Ctrl-C comes meanwhile.
    await second.run.waitFor(/stubborn: ready → stopping/);
    second.run.signal('SIGINT');
    expect((await second.run.exited).code).toBe(130);
    // SIGKILLed by land's exit path before land exited: had it read the end of its socket, it would be node by now.
    expect(isAlive(second.guardian)).toBe(false);
    expect(reapersOf(second.run.bootId)).toEqual([]);
    await waitUntil(() => markedProcesses(second.run.bootId).length === 0, 10_000, 'the killed tiers to go');
  }, 60_000);

  it('land down of a -d stack: its land and its guardian go', async () => {
    const dir = makeProject({ config: { tiers: QUICK_STOP } });
    expect((await landDone(['up', '-d'], dir)).code).toBe(0);
    const land = await landOf(dir);
    leftovers.push(land);
    const guardian = await guardianStarted(land.pid);
    expect((await landDone(['down'], dir)).code).toBe(0);
    await waitUntil(() => !isAlive(land.pid), 20_000, 'the background land to exit');
    await waitUntil(() => !isAlive(guardian), 5_000, 'its guardian to go');
    expect(reapersOf(land.bootId)).toEqual([]);
    expect(markedProcesses(land.bootId)).toEqual([]);
  }, 60_000);
});

// One after the other, after the tests above.
describe('a land killed with SIGKILL before its guardian used to start', () => {
  it('inside the first wave: a tier kills land as it starts; the guardian, started before it, reaps the rest', async () => {
    // The first tier SIGKILLs land (its parent) first thing, while land spawns the rest of the wave: the guardian
    // started after the wave (as in the sixteenth wave) was not there yet, and the tiers ran on under pid 1.
    const sleepers = Object.fromEntries(Array.from({ length: 12 }, (_, n) => [`s${n}`, { command: ['sleep', String(330 + n)] }]));
    const dir = makeProject({ config: { tiers: { killer: { command: ['sh', '-c', 'kill -9 $PPID; sleep 317'] }, ...sleepers } } });
    const run = started(['up', '--no-tui'], dir);
    const landPid = run.proc.pid!;
    expect((await run.exited).signal).toBe('SIGKILL');
    // Said before the first spawn.
    const bootId = run.bootId;
    await waitUntil(() => markedProcesses(bootId).length === 0 && guardianOf(landPid) === undefined && reapersOf(bootId).length === 0, 20_000, 'the boot to be reaped');
  }, 60_000);

  it('a land whose config does not load: its guardian goes without reaping, before land exits', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['sleep', '318'], restart: 'sometimes' } } } });
    const run = started(['up', '--no-tui'], dir);
    // Seen, if it can be, while land reads the config; seen or not, none may be left at land's exit.
    const guardian = await guardianWhileRunning(run);
    expect((await run.exited).code).toBe(2);
    expect(guardianOf(run.proc.pid!)).toBeUndefined();
    if (guardian !== undefined) expect(isAlive(guardian)).toBe(false);
  }, 60_000);
});

describe('a land run killed with SIGKILL', () => {
  it('its guardian reaps the command and its children; a land run that ends by itself takes its guardian along', async () => {
    const dir = makeProject({ config: { tiers: { a: { command: ['sleep', '319'] } } } });
    const run = started(['run', '--', 'sh', '-c', 'sleep 320 & echo "run up $LAND_BOOT_ID"; trap "" TERM; wait'], dir);
    const bootId = (await run.waitFor(/run up (\S+)/))[1]!;
    const guardian = await guardianStarted(run.proc.pid!);
    // The command's sh and its sleep.
    await waitUntil(() => markedProcesses(bootId).length === 2, 10_000, 'the command and its child');
    run.signal('SIGKILL');
    await run.exited;
    await nothingLeft(bootId, guardian);

    for (const command of [['true'], ['sh', '-c', 'kill -TERM $$']]) {
      const done = started(['run', '--', ...command], dir);
      const own = await guardianWhileRunning(done);
      const exit = await done.exited;
      expect(exit.code ?? exit.signal).toBe(command[0] === 'true' ? 0 : 'SIGTERM');
      // Dismissed before land's exit (even one by the command's signal), and reaped by land: no reaper started.
      if (own !== undefined) expect(isAlive(own)).toBe(false);
      expect(guardianOf(done.proc.pid!)).toBeUndefined();
    }
  }, 60_000);
});
