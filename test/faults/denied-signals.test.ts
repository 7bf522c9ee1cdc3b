/**
 * Processes land may not signal: a tier's child that became another user's (as `sudo -E` makes it root, keeping
 * land's marks in its environment). Set up for real: land runs as the user nobody, and the tier runs a setuid-root
 * copy of setpriv that makes itself root for good (real, effective and saved uid 0, as sudo does for its command),
 * so every kill() of land's gets EPERM. Each stop gives up on such a process at once (not at stop.timeoutMs, a
 * minute here, nor after the grace) and says which it left: in the printer, on the control client's stderr with
 * exit code 7, and again when `land up` ends (exit code 7).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { child, isAlive, makeProject, removeProjects, ROOT, type LandRun } from '../helpers/land.js';
import { shutDownAndHold } from '../helpers/closing-land.js';
import { silentHost, silentHostEnv } from '../helpers/silent-host.js';
import { letOthersTraverse } from '../helpers/traverse.js';
import { cleanUp } from '../control/helpers.js';
import { asNobody, endsWithin, NOBODY, sleeper, tierWhen } from './support.js';

const runs: LandRun[] = [];
const rootPids = new Set<number>();
// One hold per test (traverse.ts counts holders): the tests run side by side, each gives its own back at the end.
const restoreModes: Array<() => void> = [];
// The tests run side by side: one clean-up after all of them (an afterEach would stop the others' stacks). vitest
// runs after-hooks in reverse: the stacks and root's processes go, then the projects.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
  for (const pid of rootPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  rootPids.clear();
  for (const restore of restoreModes.splice(0)) restore();
});

/** The control client run as nobody, to its end. */
async function client(args: string[], project: string) {
  // Their answers wait for stops that give up (and a restart's new start): past the client's 5 s on a busy machine,
  // beside this file's other tests (exit 5 seen for land restart and land scale). They wait longer, as README says
  // for a stop past 5 s; a hang still fails at endsWithin's 20 s.
  const run = asNobody(args, project, { LAND_CONTROL_TIMEOUT_MS: '30000' });
  runs.push(run);
  const exit = await endsWithin(`land ${args.join(' ')}`, run.exited);
  return { code: exit.code, stdout: run.stdout, stderr: run.stderr };
}

const uidOf = (pid: number) => statSync(`/proc/${pid}`).uid;

/** The pids a `could not be stopped` line names for a tier. */
function namedPids(text: string, tier: string): number[] {
  const match = new RegExp(`process(?:es)? of tier ${tier} \\(pid ([\\d, ]+)\\) could not be stopped: operation not permitted`).exec(text);
  return match ? match[1]!.split(', ').map(Number) : [];
}

// A minute to stop: a stop that waited for it (or for a leader that never exits) fails the test.
const stop = { timeoutMs: 60_000 };
const becomeRoot = ['./bin/become-root', '--reuid=0', '--regid=0', '--clear-groups'];

/** A project nobody owns, with `bin/become-root`: a setuid-root copy of setpriv. */
function rootProject(tiers: Record<string, unknown>): string {
  const project = makeProject({ config: { tiers }, files: { 'bin/.keep': '' } });
  restoreModes.push(letOthersTraverse(ROOT));
  chownSync(project, NOBODY, NOBODY);
  for (const entry of readdirSync(project, { recursive: true })) chownSync(join(project, String(entry)), NOBODY, NOBODY);
  copyFileSync('/usr/bin/setpriv', join(project, 'bin', 'become-root'));
  chmodSync(join(project, 'bin', 'become-root'), 0o4755); // root's, setuid
  return project;
}

// Side by side: each test has its own project, stack and processes; most of their time is waiting on land.
describe.concurrent('fault: a process of a tier that land may not signal (it became root, as after sudo -E)', () => {
  it('land stop, land restart and the shutdown give up on it at once, say which process is left, and exit 7', async () => {
    // A minute to stop: a stop that waited for it (or for a leader that never exits) fails the test.
    const project = rootProject({
      // The leader stays nobody's; a child of it becomes root.
      below: { command: ['sh', '-c', `${becomeRoot.join(' ')} sleep 300 & echo below up; wait`], ready: { log: 'below up' }, stop },
      // The leader itself becomes root.
      leader: { command: [...becomeRoot, 'sleep', '301'], stop },
      neighbour: sleeper('neighbour'),
    });

    const run = asNobody(['up', '--no-tui'], project);
    runs.push(run);
    await run.waitFor(/neighbour: starting → ready/);
    await run.waitFor(/below: starting → ready/);
    await tierWhen(project, 'leader', (tier) => tier.state === 'ready', 'ready');
    const leader = Number(/leader: spawned pid (\d+)/.exec(run.stdout)![1]);
    rootPids.add(leader);

    const stopped = await client(['stop', 'below'], project);
    expect(stopped.stdout).toBe('land: stopped below\n');
    expect(stopped.code).toBe(7);
    const [below] = namedPids(stopped.stderr, 'below');
    rootPids.add(below!);
    expect(isAlive(below!)).toBe(true);
    expect(uidOf(below!)).toBe(0);
    await run.waitFor(/below: stop-incomplete: 1 process of tier below \(pid \d+\) could not be stopped: operation not permitted/);
    expect(run.stdout).toContain(`below: stop-incomplete: 1 process of tier below (pid ${below}) could not be stopped`);
    expect((await tierWhen(project, 'below', (tier) => tier.state === 'stopped', 'stopped')).leftBehind).toMatchObject({ pids: [below], denied: [below] });

    // The leader itself: its stop used to wait for an exit that could not come.
    const restarted = await client(['restart', 'leader'], project);
    expect(restarted.code).toBe(7);
    expect(namedPids(restarted.stderr, 'leader')).toEqual([leader]);
    expect(isAlive(leader)).toBe(true);
    const again = await tierWhen(project, 'leader', (tier) => tier.state === 'ready' && tier.pid !== leader, 'ready again');
    rootPids.add(again.pid!);

    run.proc.kill('SIGINT');
    const exit = await endsWithin('land up after SIGINT', run.exited);
    expect(exit.code).toBe(7);
    // Said again at the end: what the earlier stops left and what the shutdown left, while still running.
    expect(namedPids(run.stderr, 'below')).toEqual([below]);
    expect(namedPids(run.stderr, 'leader').sort()).toEqual([leader, again.pid!].sort());
    expect(run.stdout).toMatch(/every tier stopped; still running, land could not stop them: below pid \d+; leader pid \d+, \d+/);
    expect([below, leader, again.pid!].filter((pid) => isAlive(pid!))).toHaveLength(3);
  });

  it('land stop answers with what its own stop left, not what a restart queued before it gave up on meanwhile', async () => {
    // The first life starts a root child and ignores SIGTERM (its stop waits for stop.timeoutMs); the next leaves nothing.
    const first = `touch once; ${becomeRoot.join(' ')} sleep 305 & trap "" TERM`;
    const project = rootProject({
      twice: { command: ['sh', '-c', `if [ ! -e once ]; then ${first}; fi; echo twice up; while :; do sleep 1; done`], ready: { log: 'twice up' }, stop: { timeoutMs: 3000 } },
    });
    const run = asNobody(['up', '--no-tui'], project);
    runs.push(run);
    await run.waitFor(/twice: starting → ready/);

    const restart = client(['restart', 'twice'], project);
    await tierWhen(project, 'twice', (tier) => tier.state === 'stopping', 'stopping');
    // Sent while the restart's stop waits: it runs after the restart, on the new life, which leaves nothing.
    const stopped = await client(['stop', 'twice'], project);
    const restarted = await restart;
    const [left] = namedPids(restarted.stderr, 'twice');
    rootPids.add(left!);
    expect(restarted.code).toBe(7);
    expect(isAlive(left!)).toBe(true);
    // Counted by the clock, the restart's leftovers (given up on during this request) made it exit 7 too.
    expect(stopped.stderr).toBe('');
    expect(stopped.code).toBe(0);
    run.proc.kill('SIGINT');
    expect((await endsWithin('land up after SIGINT', run.exited)).code).toBe(7);
  });

  it('a wrapper land may not signal that ends by itself once its child is killed is waited for, not given up on', async () => {
    // As sudo -u or firejail's monitor: root's, above a child of nobody's; after the child it takes ~0.1 s to end.
    const wrapper = `${becomeRoot.join(' ')} sh -c 'setpriv --reuid=${NOBODY} --regid=${NOBODY} --clear-groups sleep 300; sleep 0.1'`;
    const project = rootProject({ wrapped: { command: ['sh', '-c', `${wrapper} & echo wrapped up; wait`], ready: { log: 'wrapped up' }, stop } });
    const run = asNobody(['up', '--no-tui'], project);
    runs.push(run);
    await run.waitFor(/wrapped: starting → ready/);

    // Given up on at once, the wrapper was named as left behind (exit 7) and the shutdown exited 7 with it gone.
    const stopped = await client(['stop', 'wrapped'], project);
    expect(stopped.stderr).toBe('');
    expect(stopped.code).toBe(0);
    run.proc.kill('SIGINT');
    expect((await endsWithin('land up after SIGINT', run.exited)).code).toBe(0);
    expect(run.stdout).not.toContain('stop-incomplete');
  });

  it('what the stop of a replica removed by land scale gave up on is said by land scale and named again by land down and at the shutdown, exit 7', async () => {
    const below = { command: ['sh', '-c', `${becomeRoot.join(' ')} sleep 303 & echo below up; wait`], ready: { log: 'below up' }, stop };
    const project = rootProject({ many: { ...below, replicas: 2 } });
    const run = asNobody(['up', '--no-tui'], project);
    runs.push(run);
    await run.waitFor(/many\.2: starting → ready/);
    await run.waitFor(/many\.1: starting → ready/);

    const scaled = await client(['scale', 'many', '1'], project);
    const [left] = namedPids((await run.waitFor(/many\.2: stop-incomplete: .*\n/))[0], 'many\\.2');
    rootPids.add(left!);
    // land scale said nothing of it and exited 0.
    expect(namedPids(scaled.stderr, 'many\\.2')).toEqual([left]);
    expect(scaled.code).toBe(7);
    // land down, as land up: the lines on stderr and exit 7 (it said nothing and exited 0).
    const down = await client(['down'], project);
    expect(down.stdout).toMatch(/^land: stack stopped \(boot \S+\)\n$/);
    expect(down.code).toBe(7);
    // The replica's list went with it: land exited 0 with the process running.
    expect((await endsWithin('land up after land down', run.exited)).code).toBe(7);
    for (const pid of namedPids(run.stderr, 'many\\.1')) rootPids.add(pid);
    expect(namedPids(run.stderr, 'many\\.2')).toEqual([left]);
    expect(namedPids(down.stderr, 'many\\.2')).toEqual([left]);
    expect(namedPids(down.stderr, 'many\\.1')).toEqual(namedPids(run.stderr, 'many\\.1'));
    expect(isAlive(left!)).toBe(true);
  });

  it('land spawn of a tier whose leader land gave up on says so, not "last exit: code null"', async () => {
    // The readiness probe fails, land ends the life, the leader (root's) refuses: given up on, the tier failed.
    const project = rootProject({ alone: { command: [...becomeRoot, 'sleep', '304'], ready: { tcp: 1, timeoutMs: 300 }, restart: { policy: 'never' }, stop } });
    const spawned = await client(['spawn', 'alone'], project);
    for (const pid of namedPids(spawned.stderr, 'alone')) rootPids.add(pid);
    expect(spawned.code).toBe(1);
    expect(spawned.stderr).toMatch(/^land: alone failed: readiness probe .*; restart policy is never \(no exit: land gave up on the process\)$/m);
    expect(spawned.stderr).not.toContain('code null');
  });

  it('a pid in the tree only by the former leader number (reused: it no longer leads its group) is not counted as refusing', async () => {
    const stranger = await strangerWithChild();
    // Counted, it ended a stop at once and was named as left behind (exit 7) though it was never land's.
    expect(treeSeenBy(stranger.pid!, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'])).toMatchObject({ tree: [], signalled: { pids: [], denied: [] } });
    expect(isAlive(stranger.pid!)).toBe(true);
  });

  it('a pid in the tree only by the former leader number that land may signal is not signalled either', async () => {
    const stranger = await strangerWithChild();
    // Seen by a land of the same user (root here): it and its child were found and sent SIGTERM.
    expect(treeSeenBy(stranger.pid!, [`--reuid=0`])).toMatchObject({ tree: [], signalled: { pids: [], denied: [] } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isAlive(stranger.pid!)).toBe(true);
  });
});

// Alone, after the others: its land down must come while land exits, which the hold below catches by polling the
// socket; beside the seven other tests, this process once polled too late (land had gone).
describe('fault: a process of a tier that land may not signal, at a shutdown already under way', () => {
  it('land down during a shutdown already under way waits for land to exit and names what it left, exit 7', async () => {
    const project = rootProject({
      below: { command: ['sh', '-c', `${becomeRoot.join(' ')} sleep 306 & echo below up; wait`], ready: { log: 'below up' }, stop },
      f: { command: child('--say', 'waiting', '--after-file', 'go', '--flood', 30000), restart: { policy: 'never' } },
    });
    // A collector and PostHog host that never answer: land's last telemetry flush holds its exit for its bound (2 s)
    // after the control socket has closed, the window this land down must come in (the drain alone gave it about a
    // second, which a loaded machine missed: land had exited and land down found no stack).
    const silent = await silentHost();
    writeFileSync(join(project, '.env.Land.PostHog'), silentHostEnv(silent.url));
    const run = asNobody(['up', '--no-tui'], project);
    runs.push(run);
    await run.waitFor(/below: starting → ready/);
    try {
      // A follower behind keeps land's closing control server draining (its socket refusing new connections) after
      // the shutdown and before land exits; land held, stopped, once its socket refuses: land down comes while land
      // is still exiting, whatever the load.
      const held = await shutDownAndHold(run, project, /every tier stopped/);
      const downRun = asNobody(['down'], project);
      runs.push(downRun);
      try {
        await downRun.waitFor(/is already stopping/);
      } finally {
        held.release();
      }
      const down = { ...(await endsWithin('land down', downRun.exited)), stdout: downRun.stdout, stderr: downRun.stderr };
      // It exited 3 (no stack) while land was still there, exiting.
      expect(down.stderr).toMatch(/^land: boot \S+ is already stopping \(land pid \d+\)…$/m);
      expect(down.stdout).toMatch(/^land: stack stopped \(boot \S+\)\n$/);
      // land's own exit is asserted below (run.exited): its pid is gone once land down returns, but this process may
      // not have handled the child's exit event yet, so exitCode can still read null here.
      const [left] = namedPids(run.stderr, 'below');
      rootPids.add(left!);
      expect(namedPids(down.stderr, 'below')).toEqual([left]);
      expect(down.code).toBe(7);
      expect((await endsWithin('land up', run.exited)).code).toBe(7);
    } finally {
      silent.close();
    }
  });
});


/** Root's, not a group leader (spawned in the test's group): what a leader's reused number may now be, with a child. */
async function strangerWithChild(): Promise<ChildProcess> {
  const stranger = spawn('sh', ['-c', 'sleep 302 & wait'], { stdio: 'ignore' });
  rootPids.add(stranger.pid!);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const child = readdirSync('/proc').find((entry) => /^\d+$/.test(entry) && ppidOf(Number(entry)) === stranger.pid);
    if (child !== undefined) {
      rootPids.add(Number(child));
      return stranger;
    }
    if (Date.now() > deadline) throw new Error('the stranger did not fork its sleep');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What land's tree code, run under setpriv with `identity`, finds and signals (SIGTERM) for a tier led by `pid`. */
function treeSeenBy(pid: number, identity: string[]): unknown {
  restoreModes.push(letOthersTraverse(ROOT));
  const tree = join(ROOT, 'dist', 'src', 'supervisor', 'process-tree.js');
  const script = `import { signalTree, treePids } from '${tree}';
    console.log(JSON.stringify({ tree: treePids({ pid: ${pid} }, true), signalled: signalTree({ pid: ${pid} }, 'SIGTERM') }));`;
  const seen = spawnSync('setpriv', [...identity, 'node', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: '/', timeout: 20_000 });
  expect(seen.stderr).toBe('');
  return JSON.parse(seen.stdout);
}

function ppidOf(pid: number): number | undefined {
  try {
    return Number(/^\d+ \(.*\) \S+ (\d+)/s.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))![1]);
  } catch {
    return undefined;
  }
}
