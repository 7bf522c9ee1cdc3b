/**
 * Faults of land itself starved: land at its open-files limit (held there by idle sockets on the dashboard's port)
 * when a tier dies (and its restart cannot spawn), and land stopped (SIGSTOP) past a readiness probe's deadline after the tier said it was ready.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp } from '../control/helpers.js';
import { LandRun, landDone, makeProject, markedProcesses, removeProjects, waitUntil } from '../helpers/land.js';

const runs: LandRun[] = [];
const sockets: Socket[] = [];
afterAll(removeProjects);
afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  // A test that failed with land stopped must not leave the clean-up's Ctrl-C pending.
  for (const run of runs) run.proc.kill('SIGCONT');
  await cleanUp(runs);
});

const FD_LIMIT = 64;

/** How many of the descriptor numbers under the limit the process holds (all of them: it can open no more). */
function fdsUnderLimit(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).filter((name) => Number(name) < FD_LIMIT).length;
}

/** An idle client that sent half a request and waits: the dashboard holds a descriptor for it. */
function idleClient(port: number): Socket {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Waiting: `);
  sockets.push(socket);
  return socket;
}

function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

describe.concurrent('fault: land starved', () => {
  it('at its open-files limit when a tier dies: land keeps running, and once descriptors are free the stack answers and the tier is back', async () => {
    const dir = makeProject({
      config: { tiers: { a: { command: ['sh', '-c', 'while true; do echo a; sleep 0.5; done'] }, b: { command: ['sleep', '100000'] } } },
    });
    const run = new LandRun(['up', '--no-tui'], { cwd: dir, env: { NO_COLOR: '1' }, launcher: ['bash', '-c', `ulimit -n ${FD_LIMIT}; exec "$0" "$@"`] });
    runs.push(run);
    const port = Number((await run.waitFor(/dashboard on http:\/\/127\.0\.0\.1:(\d+)\//))[1]);
    const aPid = Number((await run.waitFor(/a: spawned pid (\d+)/))[1]);
    const bPid = Number((await run.waitFor(/b: spawned pid (\d+)/))[1]);
    await run.waitFor(/a: starting → ready/);
    await run.waitFor(/b: starting → ready/);

    const landPid = run.proc.pid!;
    for (let i = 0; i < 100 && fdsUnderLimit(landPid) < FD_LIMIT; i++) {
      idleClient(port);
      await sleep(20);
    }
    await waitUntil(() => fdsUnderLimit(landPid) === FD_LIMIT, 10_000, 'land at its open-files limit');

    // A client turned away is told why, not that the stack died.
    const starved = await landDone(['status'], dir);
    expect(starved.code).toBe(5);
    expect(starved.stderr).toMatch(
      new RegExp(`^land: the stack in \\S+ did not accept the connection: land pid ${landPid} has 6[34] of the ${FD_LIMIT} file descriptors its limit allows open \\(too many open files\\): .*\\n$`),
    );

    process.kill(aPid, 'SIGKILL');
    await run.waitFor(/a: ready → crashed \(exited with signal SIGKILL\)/);
    // The crash is handled (the tree walked, the restart tried) with no descriptor to spare: land lives on, and the
    // restart the system refused is tried again, not counted as the program failing.
    await run.waitFor(/a: crashed → backoff/);
    await run.waitFor(/a: spawn failed: land is out of file descriptors \(EMFILE\); trying again in/);
    expect(run.proc.exitCode).toBeNull();
    expect(run.output).not.toMatch(/fatal/);
    expect(run.output).not.toMatch(/a: \S+ → failed/);
    expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(true);

    for (const socket of sockets.splice(0)) socket.destroy();
    await waitUntil(() => fdsUnderLimit(landPid) < FD_LIMIT - 10, 10_000, 'the idle clients gone');
    const status = await landDone(['status'], dir);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^b +ready +${bPid} `, 'm'));
    const again = Number((await run.waitFor(/a: spawned pid (\d+) \(restart 1\)/, 30_000))[1]);
    expect(again).not.toBe(aPid);
    await run.waitFor(/a: spawned pid \d+ \(restart 1\)\n(?:.*\n)*?mountain \| a: starting → ready/);

    const exit = await run.stop();
    expect(exit.code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(existsSync(join(dir, '.land', 'run', 'land.pid'))).toBe(false);
    expect(existsSync(join(dir, '.land', 'run', 'land.sock'))).toBe(false);
  });

  it('stopped past a readiness deadline after the tier printed its ready line: the tier is ready, not restarted', async () => {
    // The tier stops land itself (its parent) a second into the 3 s probe, then prints its line while land is stopped:
    // the line is waiting in the pipe when land resumes past the deadline. Land stopped idle in epoll_wait gets EINTR
    // on SIGCONT, and libuv, its poll timeout spent, runs the timers before polling again: the timer is seen first.
    // (The half second lets the stop land before the line: a line already waiting would be returned by that poll.)
    // Only the first start stops land (a restart, the fault, must not stop it again).
    const script = '[ -e stopped-once ] || { touch stopped-once; sleep 1; kill -STOP $PPID; sleep 0.5; }; echo up; exec sleep 100000';
    const dir = makeProject({ config: { tiers: { a: { command: ['sh', '-c', script], ready: { log: 'up', timeoutMs: 3_000 } } } } });
    const run = new LandRun(['up', '--no-tui'], { cwd: dir });
    runs.push(run);
    await run.waitFor(/a: spawned pid/);
    const landPid = run.proc.pid!;
    await waitUntil(() => processState(landPid) === 'T', 20_000, 'land stopped by its tier');
    await sleep(5_000);
    process.kill(landPid, 'SIGCONT');

    await run.waitFor(/a: starting → ready/);
    await sleep(500);
    expect(run.output).not.toMatch(/did not pass within/);
    expect(run.output).not.toMatch(/a: ready → /);
    expect(run.output.match(/a: spawned pid/g)).toHaveLength(1);
    expect((await run.stop()).code).toBe(0);
  });
});
