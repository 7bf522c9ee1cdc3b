/**
 * Commands racing on one replicated tier: `land scale` up and down, and restart, stop and start of the tier and of
 * single replicas, all at once through the control socket. Whatever the interleaving, once it settles every live
 * process of the boot belongs to a replica the stack tracks (its process group is that replica's pid, its
 * LAND_REPLICA that replica's number), the replicas are numbered 1..N, and a command on a replica that a scale
 * removed before its turn is dropped with an answer that says so.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { socketPath } from '../../src/control/paths.js';
import type { StackSnapshot } from '../../src/supervisor/types.js';
import { land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http } from '../control/helpers.js';
import { E2E_TIMEOUT, freePortRange } from './helpers.js';

const runs: LandRun[] = [];
// The two tests run side by side (each its own stack): one clean-up after both, which an afterEach would do to the
// other's stack. After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
});

// Its stop takes a second (the trap sleeps), so commands arrive while replicas are being stopped and removed.
const SLOW_STOP = 'trap "sleep 1; exit 0" TERM; echo up $LAND_REPLICA; while true; do sleep 0.2; done';

async function slowStack(): Promise<{ dir: string; run: LandRun }> {
  const base = await freePortRange(8);
  const dir = makeProject({ config: { tiers: { w: { command: ['sh', '-c', SLOW_STOP], replicas: 3, port: base } } } });
  const run = land(['up', '--no-tui'], dir);
  runs.push(run);
  await run.waitFor(/w\.3: starting → ready/);
  return { dir, run };
}

async function snapshot(dir: string): Promise<StackSnapshot> {
  return JSON.parse((await http({ socketPath: socketPath(dir) }, '/status')).body) as StackSnapshot;
}

const post = (dir: string, path: string) => http({ socketPath: socketPath(dir) }, path, { method: 'POST' });

/** One field of /proc/<pid>/stat after the command (5: the process group) and the process's LAND_REPLICA. */
function describeProcess(pid: number): { pgid: number; replica: string | undefined } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const env = readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0');
    const replica = env.find((entry) => entry.startsWith('LAND_REPLICA='))?.slice('LAND_REPLICA='.length);
    return { pgid: Number(fields[2]), replica };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Until no replica is on its way up or down (a restart's new life, a removed replica's stop). */
async function settled(dir: string): Promise<StackSnapshot> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const stack = await snapshot(dir);
    if (stack.tiers.every((tier) => ['ready', 'stopped', 'crashed', 'failed', 'exited'].includes(tier.state))) return stack;
    if (Date.now() > deadline) throw new Error(`never settled: ${JSON.stringify(stack.tiers.map((t) => [t.name, t.state]))}`);
    await sleep(100);
  }
}

/** Every live process of the boot is in the process group of a tracked replica, and carries that replica's number. */
function untracked(stack: StackSnapshot): string[] {
  const byPid = new Map(stack.tiers.filter((tier) => tier.pid !== undefined).map((tier) => [tier.pid!, tier]));
  const strays: string[] = [];
  for (const pid of markedProcesses(stack.bootId)) {
    const found = describeProcess(pid);
    if (!found) continue;
    const owner = byPid.get(found.pgid);
    if (owner?.replica === undefined || String(owner.replica) !== found.replica) {
      strays.push(`pid ${pid} (group ${found.pgid}, LAND_REPLICA=${found.replica})`);
    }
  }
  return strays;
}

function expectNumbered(stack: StackSnapshot): void {
  const replicas = stack.tiers.filter((tier) => tier.group === 'w');
  expect(replicas.map((tier) => tier.name)).toEqual(replicas.map((_, i) => `w.${i + 1}`));
  expect(replicas.map((tier) => tier.replica)).toEqual(replicas.map((_, i) => i + 1));
}

// Rounds of commands sent together, each after its delay (ms): scale-downs race the commands on the replicas they
// remove, scale-ups race commands on replicas being added, restarts of the tier race restarts of one replica.
const ROUNDS: Array<Array<[number, string]>> = [
  [[0, 'scale?replicas=1'], [150, 'w.2/restart'], [200, 'w.3/restart'], [250, 'w/restart'], [300, 'w.2/stop']],
  [[0, 'scale?replicas=5'], [20, 'w.4/restart'], [40, 'w.5/start'], [60, 'w.2/restart'], [80, 'w/restart'], [100, 'w.3/stop']],
  [[0, 'w/restart'], [10, 'w.2/restart'], [20, 'w.4/restart'], [150, 'scale?replicas=2'], [300, 'w.3/start'], [350, 'w.5/restart']],
  [[0, 'scale?replicas=4'], [0, 'w.2/stop'], [100, 'w.4/start'], [200, 'w/start'], [250, 'scale?replicas=1'], [400, 'w.3/restart']],
  [[0, 'w/stop'], [50, 'scale?replicas=3'], [100, 'w/start'], [150, 'w.3/restart'], [200, 'w.2/restart'], [300, 'scale?replicas=2']],
  [[0, 'scale?replicas=5'], [100, 'w.5/restart'], [200, 'scale?replicas=3'], [300, 'w.4/restart'], [350, 'w.5/stop'], [400, 'w/restart']],
];

/** `scale?replicas=N` scales w; `<name>/<command>` sends the command to that tier or replica. */
function pathOf(command: string): string {
  return command.startsWith('scale') ? `/tiers/w/${command}` : `/tiers/${command}`;
}

// Side by side: each test has its own stack (its own boot's processes are the ones counted); the rounds within the
// first stay one after the other.
describe.concurrent('commands racing on one replicated tier', () => {
  it('leaves no untracked process and numbers the replicas 1..N, whatever the interleaving', async () => {
    const { dir, run } = await slowStack();
    const answers: Array<{ command: string; status: number; body: string }> = [];
    for (const round of ROUNDS) {
      await Promise.all(
        round.map(async ([delay, command]) => {
          await sleep(delay);
          const answer = await post(dir, pathOf(command));
          answers.push({ command, status: answer.status, body: answer.body });
        }),
      );
      const stack = await settled(dir);
      expect(untracked(stack), JSON.stringify(stack.tiers.map((t) => [t.name, t.state, t.pid]))).toEqual([]);
      expectNumbered(stack);
    }
    expect(answers).toHaveLength(ROUNDS.flat().length);
    // Each answer is a success or a refusal with its reason (not running, already running, unknown): never a failure.
    for (const { command, status, body } of answers) {
      expect([200, 404, 409], `${command}: ${status} ${body}`).toContain(status);
      if (status !== 200) expect(JSON.parse(body).error.message, command).toMatch(/\S/);
    }
    const down = await landDone(['down'], dir);
    expect(down.code).toBe(0);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, E2E_TIMEOUT);

  it('drops a restart of a replica that a scale removes before its turn, and says so', async () => {
    const { dir, run } = await slowStack();
    const scale = landDone(['scale', 'w', '1'], dir);
    // The scale has begun stopping w.2 and w.3 (their stop takes a second) when the restart arrives.
    const deadline = Date.now() + 20_000;
    for (let stack = await snapshot(dir); !stack.tiers.some((tier) => tier.name === 'w.2' && tier.state === 'stopping'); stack = await snapshot(dir)) {
      if (Date.now() > deadline) throw new Error(`w.2 never stopping: ${JSON.stringify(stack.tiers)}`);
      await sleep(20);
    }
    // Through the socket: a CLI slow to start on a loaded machine could come after the scale's end.
    const restart = await post(dir, '/tiers/w.2/restart');
    expect((await scale).code).toBe(0);
    expect(restart.status).toBe(409); // not-running: `land restart` exits 4 with the message
    expect(JSON.parse(restart.body)).toEqual({ error: { code: 'not-running', message: "w.2 was removed by land scale w 1 before this command's turn (w runs w.1)" } });
    const after = await settled(dir);
    expect(after.tiers.map((tier) => tier.name)).toEqual(['w.1']);
    expect(untracked(after)).toEqual([]);
    expect(run.stdout).not.toMatch(/w\.2: stopped → starting/);
    // Later, the name is simply unknown.
    const later = await landDone(['restart', 'w.2'], dir);
    expect(later.code).toBe(2);
    expect(later.stderr).toBe('land: unknown tier "w.2" (known: w.1)\n');
  }, E2E_TIMEOUT);
});
