/**
 * A land killed outright leaves nothing: its guardian (src/cli/guardian.ts), a shell in a session of its own that
 * waits on a socket only land holds, reaps the boot's processes by their LAND_BOOT_ID mark once land is gone, then
 * goes itself. Before it, the tiers of a SIGKILLed land ran on under pid 1 until the next `land up` or `land down`.
 * On land's own ends (a graceful stop, a second Ctrl-C) the guardian goes without reaping.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { guardianStarted, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp } from '../control/helpers.js';
import { downLeftovers, landOf, type Leftover } from './sink-support.js';

const runs: LandRun[] = [];
const leftovers: Leftover[] = [];
afterEach(async () => {
  await cleanUp(runs);
  await downLeftovers(leftovers);
});
afterAll(removeProjects);

/** The exploratory tester's stack: a TERM-proof tier, a tier with a grandchild, a node ticker. */
const TIERS = {
  stubborn: { command: ['sh', '-c', 'trap "" TERM; echo stubborn up; sleep 300'], ready: { log: 'stubborn up' } },
  parent: { command: ['sh', '-c', 'sleep 301 & echo parent up; wait'], ready: { log: 'parent up' } },
  ticker: { command: ['node', '-e', 'console.log("ticker up"); setInterval(() => {}, 1000)'], ready: { log: 'ticker up' } },
};
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

function started(args: string[], dir: string): LandRun {
  const run = land(args, dir);
  runs.push(run);
  return run;
}

async function upAndReady(dir: string): Promise<{ run: LandRun; guardian: number }> {
  const run = started(['up', '--no-tui'], dir);
  for (const tier of Object.keys(TIERS)) await run.waitFor(new RegExp(`${tier}: starting → ready`));
  return { run, guardian: await guardianStarted(run.proc.pid!) };
}

describe('a land killed with SIGKILL', () => {
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

describe("land's own ends take the guardian with them, without reaping", () => {
  it('land down of a foreground stack: no guardian left once land has exited', async () => {
    const dir = makeProject({ config: { tiers: TIERS } });
    const { run, guardian } = await upAndReady(dir);
    expect((await landDone(['down'], dir)).code).toBe(0);
    expect((await run.exited).code).toBe(0);
    // Dismissed before land's exit, and reaped by land: not even a zombie, never the reaper.
    expect(isAlive(guardian)).toBe(false);
    expect(reapersOf(run.bootId)).toEqual([]);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('Ctrl-C, and a second Ctrl-C that cuts the shutdown short: no guardian left, no reaper started', async () => {
    const dir = makeProject({ config: { tiers: TIERS } });
    const first = await upAndReady(dir);
    expect((await first.run.stop('SIGINT')).code).toBe(0);
    expect(isAlive(first.guardian)).toBe(false);
    expect(reapersOf(first.run.bootId)).toEqual([]);

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
    const dir = makeProject({ config: { tiers: TIERS } });
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
