/**
 * Control commands on one tier: concurrent restarts and a stop during a restart leave exactly one life (or none) and
 * no untracked copy; a failed tier restarted by hand gets a fresh restart budget; `land spawn <tier>` with no stack
 * running ends with the tier.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/control/protocol.js';
import { land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http, tierOf } from '../control/helpers.js';
import { faultChild, sleeper, snapshot, tierWhen, upUntil } from './support.js';

const runs: LandRun[] = [];
// The tests run side by side (each its own project and stack): one clean-up after all of them, which an afterEach
// would do to the others' stacks. After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(() => cleanUp(runs));

const up = (dir: string, pattern: RegExp) => upUntil(runs, dir, pattern);

/** Live processes of one tier of a boot, by the marks land gives every child (LAND_BOOT_ID, LAND_TIER). */
function processesOf(bootId: string, tier: string): number[] {
  return markedProcesses(bootId).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`LAND_TIER=${tier}`);
    } catch {
      return false;
    }
  });
}

const command = (dir: string, tier: string, action: string) =>
  http({ socketPath: join(dir, '.land', 'run', 'land.sock') }, `/tiers/${tier}/${action}`, { method: 'POST' });

// Takes a moment to stop (a graceful stop in flight is when a second command used to slip in).
const slowStopper = { command: ['sh', '-c', 'trap "sleep 0.3; exit 0" TERM; echo target up; while :; do sleep 0.1; done'], ready: { log: 'target up' } };

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project and stack, and
// what it counts is its own boot's.
describe.concurrent('fault: concurrent control commands on one tier', () => {
  it('twenty concurrent restarts: each answered, run one after another (those that wait together share one), exactly one life left and no untracked copy', async () => {
    const dir = makeProject({ config: { tiers: { target: slowStopper, neighbour: sleeper('neighbour') } } });
    const run = await up(dir, /target: starting → ready/);
    const answers = await Promise.all(Array.from({ length: 20 }, () => command(dir, 'target', 'restart')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    const pids = new Set(answers.map((answer) => (JSON.parse(answer.body) as CommandResult).tier.pid));
    const target = await tierWhen(dir, 'target', (tier) => tier.state === 'ready', 'ready');
    expect(pids.has(target.pid)).toBe(true);
    expect(target.restarts).toBe(pids.size);
    expect(pids.size).toBeLessThanOrEqual(20);
    const alive = processesOf(run.bootId, 'target');
    expect(alive.length).toBeGreaterThan(0);
    // One life: every live process of the tier is in the current leader's group (its sh and that sh's sleep; a
    // sleep 0.1 that ended since the listing is skipped).
    const groupOf = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[2];
      } catch {
        return undefined;
      }
    };
    const groups = alive.map(groupOf).filter((group) => group !== undefined);
    expect(groups.length).toBeGreaterThan(0); // the leader itself lives
    for (const group of groups) expect(group).toBe(String(target.pid));
    expect(tierOf(await snapshot(dir), 'neighbour').restarts).toBe(0);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });

  it('a stop sent during a restart: the restart finishes, then the stop; the tier ends stopped with nothing of it running', async () => {
    const dir = makeProject({ config: { tiers: { target: slowStopper, neighbour: sleeper('neighbour') } } });
    const run = await up(dir, /target: starting → ready/);
    const restart = command(dir, 'target', 'restart');
    await run.waitFor(/target: ready → stopping \(restarting on request\)/);
    const stop = command(dir, 'target', 'stop');
    const [restarted, stopped] = await Promise.all([restart, stop]);
    expect(restarted.status).toBe(200);
    expect(stopped.status).toBe(200);
    expect(tierOf(await snapshot(dir), 'target')).toMatchObject({ state: 'stopped', reason: 'stopped on request' });
    expect(processesOf(run.bootId, 'target')).toEqual([]);
    expect((await run.stop()).code).toBe(0);
  });
});

describe.concurrent('fault: a failed tier restarted by hand', () => {
  it('`land restart` of a tier that spent its restart budget gives it a fresh one: it is restarted under its policy again before it fails', async () => {
    const counts = join(makeProject({ config: { tiers: {} } }), 'count');
    const dir = makeProject({
      config: {
        tiers: {
          flaky: {
            command: ['sh', '-c', `echo start >> ${counts}; exit 5`],
            restart: { maxRestarts: 2, backoff: { initialMs: 50, maxMs: 50 } },
          },
          neighbour: sleeper('neighbour'),
        },
      },
    });
    const run = await up(dir, /flaky: \w+ → failed/);
    const starts = () => readFileSync(counts, 'utf8').split('\n').filter(Boolean).length;
    expect(starts()).toBe(3);
    const restarted = await landDone(['restart', 'flaky'], dir);
    expect(restarted.code).toBe(0);
    const flaky = await tierWhen(dir, 'flaky', (tier) => tier.state === 'failed' && starts() >= 6, 'failed again after three more starts');
    expect(flaky.reason).toBe('restart budget spent (2 restarts; last: exited with code 5)');
    expect(starts()).toBe(6);
    expect((await run.stop()).code).toBe(0);
  });
});

describe.concurrent('fault: a tier run alone with `land spawn` and no stack running', () => {
  it('a one-shot tier ends the command with its exit code: 0 when it completes, its own code when it fails, with the reason', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          ok: { command: ['sh', '-c', 'echo done'], restart: { policy: 'never' } },
          broken: { command: ['sh', '-c', 'echo oops; exit 7'], restart: { policy: 'never' } },
          killed: { command: ['sh', '-c', 'kill -9 $$'], restart: { policy: 'never' } },
        },
      },
    });
    const ok = await landDone(['spawn', 'ok'], dir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ok +\| done/);
    expect(ok.stderr).toMatch(/^land: ok completed with code 0$/m);
    const broken = await landDone(['spawn', 'broken'], dir);
    expect(broken.code).toBe(7);
    expect(broken.stderr).toMatch(/^land: broken failed: exited with code 7; restart policy is never \(last exit: code 7\)$/m);
    const killed = await landDone(['spawn', 'killed'], dir);
    expect(killed.code).toBe(128 + 9);
    expect(killed.stderr).toMatch(/^land: killed failed: .*\(last exit: signal SIGKILL\)$/m);
    expect(readdirSync(join(dir, '.land', 'logs'))).toHaveLength(3); // three boots, each ended on its own
  });

  it('a tier that fails ends the command non-zero with the reason; dependencies that were not started are said, not shown as met', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          db: sleeper('db'),
          migrate: { command: faultChild('--say', 'migrating'), dependsOn: { db: 'ready' }, ready: { tcp: 1, timeoutMs: 800 }, restart: { policy: 'never' } },
        },
      },
    });
    const alone = await landDone(['spawn', 'migrate'], dir);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toMatch(/^land: migrate runs alone: not started: db \(ready\) \(--with-deps starts them\)$/m);
    expect(alone.stdout).toMatch(/migrate: pending → starting \(started alone; not started: db \(ready\)\)/);
    expect(alone.stdout).not.toMatch(/dependencies met/);
    expect(alone.stderr).toMatch(/^land: migrate failed: readiness probe \(tcp 127\.0\.0\.1:1\) did not pass within 800 ms; restart policy is never \(last exit: code 0\)$/m);
    const withDeps = await landDone(['spawn', 'migrate', '--with-deps'], dir);
    expect(withDeps.code).toBe(1);
    expect(withDeps.stdout).toMatch(/migrate: pending → starting \(dependencies met: db ready\)/);
  });
});

/** A command over the socket by hand: its final status, and the status of each interim (1xx) answer before it. */
function rawCommand(dir: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; informational: number[] }> {
  return new Promise((resolve, reject) => {
    const informational: number[] = [];
    const req = request({ socketPath: join(dir, '.land', 'run', 'land.sock'), path, method: 'POST', headers, agent: false }, (res) => {
      res.resume().on('end', () => resolve({ status: res.statusCode ?? 0, informational }));
    });
    req.on('information', (info) => informational.push(info.statusCode));
    req.on('error', reject);
    req.end();
  });
}

describe.concurrent('fault: a stop that takes its whole stop.timeoutMs (5 s, the default)', () => {
  it('land restart and land stop wait for it (land says it is still working) and exit 0 with their answer', async () => {
    // Ignores SIGTERM: each stop waits the default 5 s, then SIGKILL. The client's answer timeout is 5 s too: these
    // commands exited 5 ("did not answer within 5 s … may be overloaded or hung") although they had worked.
    const stubborn = { command: ['sh', '-c', 'trap "" TERM; echo stubborn up; exec sleep 100000'], ready: { log: 'stubborn up' } };
    // The same for the requests by hand, with a 2 s stop: longer than the beat's second, all that they need.
    const brief = { command: ['sh', '-c', 'trap "" TERM; echo brief up; exec sleep 100000'], ready: { log: 'brief up' }, stop: { timeoutMs: 2000 } };
    const dir = makeProject({ config: { tiers: { stubborn, brief, neighbour: sleeper('neighbour') } } });
    const run = await up(dir, /stubborn: starting → ready/);
    await run.waitFor(/brief: starting → ready/);
    // Different tiers never wait for each other: brief's requests by hand go beside stubborn's restart.
    const byHand = async () => {
      // The 102s go only to a client that asks (land's own): Python's http.client would take one for the answer.
      const plain = await rawCommand(dir, '/tiers/brief/restart');
      await tierWhen(dir, 'brief', (tier) => tier.state === 'ready', 'ready');
      const asked = await rawCommand(dir, '/tiers/brief/restart', { 'x-land-progress': '1' });
      await tierWhen(dir, 'brief', (tier) => tier.state === 'ready', 'ready');
      return { plain, asked };
    };
    const [restarted, { plain, asked }] = await Promise.all([landDone(['restart', 'stubborn'], dir), byHand()]);
    expect(restarted.stderr).toBe('');
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/^land: restarted stubborn \(pid \d+, restart 1\)\n$/);
    expect(plain).toMatchObject({ status: 200, informational: [] });
    expect(asked.status).toBe(200);
    expect(asked.informational.length).toBeGreaterThan(0);
    expect(new Set(asked.informational)).toEqual(new Set([102]));
    await tierWhen(dir, 'stubborn', (tier) => tier.state === 'ready', 'ready');
    const [stopped, briefStopped] = await Promise.all([landDone(['stop', 'stubborn'], dir), command(dir, 'brief', 'stop')]);
    expect(stopped.stderr).toBe('');
    expect(stopped).toMatchObject({ code: 0, stdout: 'land: stopped stubborn\n' });
    expect(briefStopped.status).toBe(200);
    expect(tierOf(await snapshot(dir), 'stubborn')).toMatchObject({ state: 'stopped', reason: 'stopped on request' });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 150_000);
});

describe.concurrent('fault: Ctrl-C while land stop or land restart waits for a slow stop', () => {
  it('the client exits 130 and says the command goes on in the stack; the stack carries it through', async () => {
    const stubborn = { command: ['sh', '-c', 'trap "" TERM; echo stubborn up; exec sleep 100000'], ready: { log: 'stubborn up' } };
    const dir = makeProject({ config: { tiers: { stubborn } } });
    const run = await up(dir, /stubborn: starting → ready/);
    for (const verb of ['restart', 'stop'] as const) {
      const client = land([verb, 'stubborn'], dir);
      // Interrupted while its answer is awaited: the tier is stopping (its stop takes 5 s, then SIGKILL).
      await tierWhen(dir, 'stubborn', (tier) => tier.state === 'stopping', 'stopping');
      client.proc.kill('SIGINT');
      const exit = await client.exited;
      expect(exit.code).toBe(130);
      expect(client.stderr).toBe(`land: the ${verb} goes on in the stack; land status shows it\n`);
      const wanted = verb === 'stop' ? 'stopped' : 'ready';
      await tierWhen(dir, 'stubborn', (tier) => tier.state === wanted && (verb === 'stop' || tier.restarts === 1), wanted, 30_000);
    }
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 120_000);
});

describe.concurrent('fault: Ctrl-C while land down waits for a slow stop', () => {
  it('the client exits 130 and says the shutdown goes on, naming the boot and land; the stack stops all the same', async () => {
    const stubborn = { command: ['sh', '-c', 'trap "" TERM; echo stubborn up; exec sleep 100000'], ready: { log: 'stubborn up' } };
    const dir = makeProject({ config: { tiers: { stubborn } } });
    const run = await up(dir, /stubborn: starting → ready/);
    const client = land(['down'], dir);
    // Interrupted while land stops the tier (its stop takes 5 s, then SIGKILL): the shutdown was accepted.
    await client.waitFor(/stopping boot \S+ \(land pid \d+\)…/);
    client.proc.kill('SIGINT');
    expect((await client.exited).code).toBe(130);
    const landPid = run.proc.pid!;
    expect(client.stderr).toBe(
      `land: stopping boot ${run.bootId} (land pid ${landPid})…\n` +
        `land: the shutdown of boot ${run.bootId} goes on in the stack (land pid ${landPid}); land status shows when it has stopped\n`,
    );
    expect((await run.exited).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 120_000);
});

describe.concurrent('fault: a stop sent during land restart --all', () => {
  it('a tier already stopped by the restart, not yet started again: the stop answers at once, and the restart leaves the tier stopped (exit 0)', async () => {
    // slowStopper takes a moment to stop: restart --all starts no tier again before every stop is done, and quick
    // is stopped (in that restart) meanwhile. The stop found it so ("quick is not running (stopped)", exit 4) and
    // the restart then started it again: the stop was lost.
    const lingering = { command: ['sh', '-c', 'trap "sleep 3; exit 0" TERM; echo lingering up; while :; do sleep 0.1; done'], ready: { log: 'lingering up' } };
    const dir = makeProject({ config: { tiers: { lingering, quick: sleeper('quick'), user: { ...sleeper('user'), dependsOn: { quick: 'ready' } } } } });
    const run = await up(dir, /lingering: starting → ready/);
    await tierWhen(dir, 'user', (tier) => tier.state === 'ready', 'ready');
    const restartAll = landDone(['restart', '--all'], dir);
    await tierWhen(dir, 'quick', (tier) => tier.state === 'stopped', 'stopped by the restart');
    expect(tierOf(await snapshot(dir), 'lingering').state).toBe('stopping');
    const stopped = await landDone(['stop', 'quick'], dir);
    expect([stopped.code, stopped.stdout, stopped.stderr]).toEqual([0, 'land: stopped quick\n', '']);
    const restarted = await restartAll;
    expect(restarted.code).toBe(0);
    await tierWhen(dir, 'lingering', (tier) => tier.state === 'ready', 'ready again');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(tierOf(await snapshot(dir), 'quick')).toMatchObject({ state: 'stopped', reason: 'stopped on request' });
    // Its dependent, started again by the restart, waits for quick's new life, which never comes: not for its last.
    expect(tierOf(await snapshot(dir), 'user')).toMatchObject({ state: 'failed', reason: 'dependency quick stopped before it was ready' });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 90_000);

  it('a start sent after that stop comes after it: the tier ends running, not stopped', async () => {
    // The stop waited for the restart's requeue before it took the tier's turn, so a start sent after it ran first
    // and the stop then ended the tier (README: commands take turns in the order they came).
    const lingering = { command: ['sh', '-c', 'trap "sleep 3; exit 0" TERM; echo lingering up; while :; do sleep 0.1; done'], ready: { log: 'lingering up' } };
    const dir = makeProject({ config: { tiers: { lingering, quick: sleeper('quick') } } });
    const run = await up(dir, /lingering: starting → ready/);
    await tierWhen(dir, 'quick', (tier) => tier.state === 'ready', 'ready');
    const restartAll = landDone(['restart', '--all'], dir);
    await tierWhen(dir, 'quick', (tier) => tier.state === 'stopped', 'stopped by the restart');
    const stop = command(dir, 'quick', 'stop');
    // Sent once the stop is answered (now at once), or after a second: the stop used to wait for the restart.
    await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, 1000))]);
    expect(tierOf(await snapshot(dir), 'lingering').state).toBe('stopping');
    const start = command(dir, 'quick', 'start');
    expect((await stop).status).toBe(200);
    expect((await start).status).toBe(200);
    expect((await restartAll).code).toBe(0);
    await tierWhen(dir, 'lingering', (tier) => tier.state === 'ready', 'ready again');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(tierOf(await snapshot(dir), 'quick').state).toBe('ready');
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 90_000);
});

describe.concurrent('fault: a tier waiting for its dependencies, and two restarts of one tier', () => {
  it('land stop on a tier pending at boot keeps it from starting (exit 0), and counts no restart', async () => {
    const gate = { command: ['sh', '-c', 'while [ ! -f go ]; do sleep 0.1; done; echo gate up; exec sleep 300'], ready: { log: 'gate up' } };
    const dir = makeProject({ config: { tiers: { gate, waiter: { ...sleeper('waiter'), dependsOn: { gate: 'ready' } } } } });
    const run = await up(dir, /gate: pending → starting/);
    expect(tierOf(await snapshot(dir), 'waiter').state).toBe('pending');
    const stopped = await landDone(['stop', 'waiter'], dir);
    expect([stopped.code, stopped.stdout, stopped.stderr]).toEqual([0, 'land: stopped waiter\n', '']);
    writeFileSync(join(dir, 'go'), '');
    await tierWhen(dir, 'gate', (tier) => tier.state === 'ready', 'ready');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(tierOf(await snapshot(dir), 'waiter')).toMatchObject({ state: 'stopped', reason: 'stopped on request', restarts: 0 });
    expect((await landDone(['start', 'waiter'], dir)).code).toBe(0);
    expect(await tierWhen(dir, 'waiter', (tier) => tier.state === 'ready', 'ready')).toMatchObject({ restarts: 0 });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 90_000);

  it('land restart db with land restart --all sent during it: a dependent waiting for db waits on, and starts', async () => {
    // db is not ready yet (until the file go exists) and takes 2 s to stop. Both restarts set one flag, and the
    // single restart's end cleared it before --all stopped db: web failed for good ("db stopped before it was ready").
    const db = { command: ['sh', '-c', 'trap "sleep 2; exit 0" TERM; while [ ! -f go ]; do sleep 0.1; done; echo db up; while :; do sleep 0.1; done'], ready: { log: 'db up' } };
    const dir = makeProject({ config: { tiers: { db, web: { ...sleeper('web'), dependsOn: { db: 'ready' } } } } });
    const run = await up(dir, /db: pending → starting/);
    const restart = landDone(['restart', 'db'], dir);
    await tierWhen(dir, 'db', (tier) => tier.state === 'stopping', 'stopping');
    const restartAll = landDone(['restart', '--all'], dir);
    expect((await restart).code).toBe(0);
    expect((await restartAll).code).toBe(0);
    await tierWhen(dir, 'db', (tier) => tier.state === 'starting' && tier.restarts === 2, 'started by restart --all');
    expect(tierOf(await snapshot(dir), 'web').state).toBe('pending');
    writeFileSync(join(dir, 'go'), '');
    await tierWhen(dir, 'web', (tier) => tier.state === 'ready', 'ready');
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 90_000);
});
