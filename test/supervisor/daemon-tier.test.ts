/**
 * Tiers that daemonize (`daemon: true`) and stop commands (`stop: { command }`), with real processes: a launcher that
 * double-forks a daemon under setsid and exits 0 (test/fixtures/daemon.mjs), readiness on the port the daemon opens,
 * `land stop` and the shutdown ending it, its death seen and restarted, each tier following its own marks only,
 * stop commands that run (and leave nothing behind), fail or hang (a bounded SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackSnapshot, TierSnapshot } from '../../src/supervisor/types.js';
import { shutDownAndHold } from '../helpers/closing-land.js';
import { silentHost, silentHostEnv } from '../helpers/silent-host.js';
import { child, freePort, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, ROOT, waitUntil } from '../helpers/land.js';

const DAEMON = join(ROOT, 'test', 'fixtures', 'daemon.mjs');
const scratch = mkdtempSync(join(tmpdir(), 'land-daemon-'));
afterAll(() => {
  removeProjects();
  rmSync(scratch, { recursive: true, force: true });
});

let files = 0;
/** A fresh path in the scratch folder. */
const scratchFile = (name: string) => join(scratch, `${name}-${++files}`);

/**
 * The launcher: a shell that starts the daemon in the background under setsid (its own session, its parent the
 * shell, which exits at once: a double fork) with its output on a file, and exits 0.
 */
function launcher(args: Array<string | number>, out: string): string {
  return `setsid node ${DAEMON} ${args.join(' ')} </dev/null >${out} 2>&1 & echo launched`;
}

async function status(dir: string): Promise<StackSnapshot> {
  return JSON.parse((await landDone(['status', '--json'], dir)).stdout) as StackSnapshot;
}
const tierOf = (snapshot: StackSnapshot, name: string): TierSnapshot => snapshot.tiers.find((tier) => tier.name === name)!;
const pidIn = (file: string) => Number(readFileSync(file, 'utf8'));
const FAST_RESTART = { backoff: { initialMs: 200, maxMs: 200 } };

describe('a tier that daemonizes', () => {
  it('is ready on the port its daemon opens, shows the daemon\'s pid, leaves it running, and land stop ends it gracefully', async () => {
    const port = await freePort();
    const [pidfile, out] = [scratchFile('db.pid'), scratchFile('db.out')];
    const dir = makeProject({
      config: {
        tiers: {
          db: { command: launcher(['--tcp', port, '--pidfile', pidfile, '--workers', 2], out), shell: true, daemon: true, ready: { tcp: port } },
          api: { command: child('--say', 'api up'), dependsOn: { db: 'ready' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: starting → ready \(tcp 127\.0\.0\.1:\d+ passed; daemon pid (\d+), its launcher exited 0\)/);
    await run.waitFor(/api: starting → ready/);
    const daemonPid = pidIn(pidfile);
    const db = tierOf(await status(dir), 'db');
    expect(db).toMatchObject({ state: 'ready', pid: daemonPid, daemon: { running: true } });
    expect(db.daemon!.launcher).not.toBe(daemonPid);
    expect(isAlive(db.daemon!.launcher)).toBe(false);
    const table = (await landDone(['status'], dir)).stdout;
    expect(table).toMatch(new RegExp(`db +ready +${daemonPid} .* · daemon \\(launcher pid ${db.daemon!.launcher} exited 0\\)`));
    // Its workers are its children: the daemon's tree, marked as the tier's.
    const marked = markedProcesses(run.bootId);
    expect(marked).toContain(daemonPid);
    expect(marked.length).toBeGreaterThanOrEqual(3);

    const apiPid = tierOf(await status(dir), 'api').pid;
    const stop = await landDone(['stop', 'db'], dir);
    expect(stop.code).toBe(0);
    expect(tierOf(await status(dir), 'db')).toMatchObject({ state: 'stopped' });
    // The daemon and its workers are gone; api, another tier, is not.
    expect(marked.filter(isAlive)).toEqual([apiPid]);
    // The stop signal first (the daemon says it got it), not a bare SIGKILL.
    expect(readFileSync(out, 'utf8')).toContain('daemon got SIGTERM, exiting');
    expect((await run.stop()).code).toBe(0);
    // Nothing was said to be left running: the daemon is the tier, not a leftover of it.
    expect(run.output).not.toMatch(/left running|stop-incomplete|crash/);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('has exited when its daemon dies (a failure: restarted under its policy); each tier follows its own daemon only', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const [pidA, pidB] = [scratchFile('a.pid'), scratchFile('b.pid')];
    const dir = makeProject({
      config: {
        tiers: {
          a: { command: launcher(['--tcp', portA, '--pidfile', pidA], '/dev/null'), shell: true, daemon: true, ready: { tcp: portA }, restart: FAST_RESTART },
          b: { command: launcher(['--tcp', portB, '--pidfile', pidB], '/dev/null'), shell: true, daemon: true, ready: { tcp: portB } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/a: starting → ready/);
    await run.waitFor(/b: starting → ready/);
    // Ready by its port: the daemon may write its pid file a moment after it listens.
    await waitUntil(() => existsSync(pidA) && existsSync(pidB) && pidIn(pidA) > 0 && pidIn(pidB) > 0, 20_000, 'both pid files');
    const [first, other] = [pidIn(pidA), pidIn(pidB)];
    process.kill(first, 'SIGKILL');
    await run.waitFor(new RegExp(`a: ready → crashed \\(its daemon ended \\(pid ${first}; exit code unknown\\)\\)`));
    await run.waitFor(/a: crashed → backoff \(restarting in 200 ms\)/);
    await run.waitFor(/a: spawned pid \d+ \(restart 1\)/);
    await waitUntil(() => (run.output.match(/a: starting → ready/g) ?? []).length === 2, 20_000, 'a ready again');
    await waitUntil(() => existsSync(pidA) && pidIn(pidA) > 0 && pidIn(pidA) !== first, 20_000, "a's new pid file");
    const snapshot = await status(dir);
    const second = pidIn(pidA);
    expect(second).not.toBe(first);
    expect(tierOf(snapshot, 'a')).toMatchObject({ state: 'ready', pid: second, restarts: 1, lastExit: { code: null, signal: null, daemonEnded: true } });
    // b's daemon bears b's marks only: untouched, the same process.
    expect(tierOf(snapshot, 'b')).toMatchObject({ state: 'ready', pid: other, restarts: 0 });
    expect((await landDone(['status'], dir)).stdout).toMatch(/\ba +ready .* daemon gone /);
    expect((await run.stop()).code).toBe(0);
    expect(isAlive(second)).toBe(false);
    expect(isAlive(other)).toBe(false);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('fails to start when its launcher exits non-zero, or exits 0 leaving nothing running', async () => {
    const dir = makeProject({
      config: {
        tiers: {
          broken: { command: ['sh', '-c', 'echo cannot start; exit 3'], daemon: true, restart: { policy: 'never' } },
          empty: { command: ['sh', '-c', 'echo nothing to leave'], daemon: true, restart: { policy: 'never' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/broken: crashed → failed/);
    await run.waitFor(/empty: crashed → failed/);
    expect((await run.stop()).code).toBe(0);
    expect(run.output).toContain('broken: starting → crashed (exited with code 3)');
    expect(run.output).toContain('empty: starting → crashed (its launcher exited with code 0 and left no process land can follow');
    expect(run.output).not.toMatch(/broken: starting → ready|empty: starting → ready/);
  }, 60_000);

  it('ends with the stack: the shutdown stops every daemon, nothing of the boot is left', async () => {
    const port = await freePort();
    const pidfile = scratchFile('shut.pid');
    const dir = makeProject({
      config: { tiers: { db: { command: launcher(['--tcp', port, '--pidfile', pidfile, '--ignore-term'], '/dev/null'), shell: true, daemon: true, ready: { tcp: port }, stop: { timeoutMs: 500 } } } },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: starting → ready/);
    const daemonPid = pidIn(pidfile);
    // A daemon that ignores SIGTERM: SIGKILLed at stop.timeoutMs, as every tree.
    expect((await run.stop()).code).toBe(0);
    expect(run.output).toMatch(/db: stopping → stopped \(shutting down\)/);
    expect(isAlive(daemonPid)).toBe(false);
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(run.output).not.toMatch(/stop-incomplete|left running/);
  }, 60_000);
});

/** Whether the process's environment (as /proc shows it) still carries this boot's mark. */
const bearsMark = (pid: number, bootId: string) => {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`LAND_BOOT_ID=${bootId}`);
  } catch {
    return false;
  }
};

/**
 * A process outside land that starts a daemon when asked, through a shell that exits at once (`setsid daemon &`):
 * a launcher writes the request file and waits for the daemon's pid file. The daemon, reparented as an orphan of
 * the launcher would be, was never in land's tree and bears none of its marks, as one that set its process title
 * and left its launcher before land could look: only a pid file names it.
 */
function startStarter(request: string, daemonArgs: Array<string | number>): ChildProcess {
  const script = `const { existsSync, unlinkSync } = require('node:fs'); const { spawn } = require('node:child_process');
    setInterval(() => { if (!existsSync(${JSON.stringify(request)})) return; unlinkSync(${JSON.stringify(request)});
      spawn('/bin/sh', ['-c', ${JSON.stringify(`setsid ${process.execPath} ${DAEMON} ${daemonArgs.join(' ')} </dev/null >/dev/null 2>&1 &`)}], { detached: true, stdio: 'ignore', env: { PATH: process.env.PATH } }).unref(); }, 20);`;
  const starter = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  starters.push(starter);
  return starter;
}
const starters: ChildProcess[] = [];
afterAll(() => starters.forEach((starter) => starter.kill('SIGKILL')));
/** A launcher that asks a starter (startStarter) for its daemon, then waits for the daemon's pid file. */
const ask = (request: string, pidfile: string) => `touch ${request}; while [ ! -e ${pidfile} ]; do sleep 0.05; done; echo launched`;

/** A daemon started outside land's tree (startStarter) when `launch`, a tier's shell command, asks for it. */
async function hiddenDaemon(name: string): Promise<{ launch: string; request: string; pidfile: string; port: number; pid: () => number }> {
  const [port, pidfile, request] = [await freePort(), scratchFile(`${name}.pid`), scratchFile(`ask-${name}`)];
  startStarter(request, ['--tcp', port, '--pidfile', pidfile]);
  return { launch: ask(request, pidfile), request, pidfile, port, pid: () => pidIn(pidfile) };
}

/** What land's stderr and `land down` say of a process a failed start of `tier` named and land did not stop. */
const strayLine = (pid: number, tier: string) =>
  `land: pid ${pid} (node), which a failed start of tier ${tier} named as maybe its daemon, is still running: land did not stop it`;
/** The shutdown's last line (stdout) naming that process. */
const strayAtEnd = (pid: number, tier: string) =>
  new RegExp(`every tier stopped; still running, named by a failed daemon start and not stopped: [^\n]*pid ${pid} \\(node, by ${tier.replace(/\./g, '\\.')}\\)`);

describe('a daemon that hides land\'s marks (a process title)', () => {
  it('is stopped all the same: followed from its launcher (parent links) or from its launch (marks), then by identity', async () => {
    const [portLate, portCaught] = [await freePort(), await freePort()];
    const [pidLate, pidCaught, outLate, outCaught] = [scratchFile('late.pid'), scratchFile('caught.pid'), scratchFile('late.out'), scratchFile('caught.out')];
    const dir = makeProject({
      config: {
        tiers: {
          // Found by its marks when its launcher exits, which it overwrites 300 ms later.
          late: { command: launcher(['--tcp', portLate, '--pidfile', pidLate, '--wipe-env-after', 300], outLate), shell: true, daemon: true, ready: { tcp: portLate } },
          // Overwritten at once, while its launcher (its parent) waits for it: followed by parent link.
          caught: {
            command: `setsid node ${DAEMON} --tcp ${portCaught} --pidfile ${pidCaught} --wipe-env-after 0 </dev/null >${outCaught} 2>&1 & while [ ! -e ${pidCaught} ]; do sleep 0.05; done; echo launched`,
            shell: true,
            daemon: true,
            ready: { tcp: portCaught },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/late: starting → ready/);
    await run.waitFor(/caught: starting → ready/);
    const [late, caught] = [pidIn(pidLate), pidIn(pidCaught)];
    await waitUntil(() => !bearsMark(late, run.bootId) && !bearsMark(caught, run.bootId), 10_000, 'environments overwritten');
    expect(markedProcesses(run.bootId)).not.toContain(late);
    const snapshot = await status(dir);
    expect(tierOf(snapshot, 'late')).toMatchObject({ state: 'ready', pid: late, daemon: { running: true, pids: [late] } });
    expect(tierOf(snapshot, 'caught')).toMatchObject({ state: 'ready', pid: caught, daemon: { running: true, pids: [caught] } });
    expect((await landDone(['stop', 'late'], dir)).code).toBe(0);
    expect(isAlive(late)).toBe(false);
    expect(readFileSync(outLate, 'utf8')).toContain('daemon got SIGTERM, exiting');
    // The shutdown stops the other one.
    expect((await run.stop()).code).toBe(0);
    expect(isAlive(caught)).toBe(false);
    expect(readFileSync(outCaught, 'utf8')).toContain('daemon got SIGTERM, exiting');
    expect(run.output).not.toMatch(/stop-incomplete|left running|crash/);
  }, 60_000);

  it('is named by its pid file (daemon: { pidFile }); without one, a launcher that left nothing names what may be it', async () => {
    const [namedDaemon, hiddenOne, laterDaemon] = [await hiddenDaemon('named'), await hiddenDaemon('hidden'), await hiddenDaemon('later')];
    const dir = makeProject({
      config: {
        tiers: {
          named: { command: namedDaemon.launch, shell: true, daemon: { pidFile: namedDaemon.pidfile }, ready: { tcp: namedDaemon.port } },
          // Its launcher exits at once; the pid file is written a moment later, by the daemon.
          later: { command: ['touch', laterDaemon.request], daemon: { pidFile: laterDaemon.pidfile }, ready: { tcp: laterDaemon.port } },
          // After named is ready: its daemon, started meanwhile, is not named as a stray of this launcher.
          hidden: { command: hiddenOne.launch, shell: true, daemon: true, restart: { policy: 'never' }, dependsOn: { named: 'ready' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/named: starting → ready/);
    await run.waitFor(/later: starting → ready/);
    await run.waitFor(/hidden: crashed → failed/);
    const [named, hidden] = [namedDaemon.pid(), hiddenOne.pid()];
    try {
      expect(run.output).toContain(`named: starting → ready (tcp 127.0.0.1:${namedDaemon.port} passed; daemon pid ${named}, its launcher exited 0)`);
      expect(run.output).toMatch(new RegExp(`orphans in sessions of their own, started while it ran and still running: pid [^.]*\\b${hidden} node\\b[^.]*\\. If one is its daemon`));
      expect(run.output).toContain('name it with daemon: { pidFile }');
      expect(tierOf(await status(dir), 'later')).toMatchObject({ state: 'ready', pid: laterDaemon.pid() });
      expect((await landDone(['stop', 'named'], dir)).code).toBe(0);
      expect(isAlive(named)).toBe(false);
      const down = await landDone(['down'], dir);
      expect(down.code, down.stderr).toBe(0);
      expect((await run.exited).code).toBe(0);
      expect(isAlive(laterDaemon.pid())).toBe(false);
      // Named, never signalled: nothing said it was the tier's.
      expect(isAlive(hidden)).toBe(true);
      // …and named again at the shutdown's end, which does not say "every tier stopped" and no more.
      expect(run.stdout).not.toMatch(/every tier stopped\n/);
      expect(run.stdout).toMatch(strayAtEnd(hidden, 'hidden'));
      for (const said of [run.stderr, down.stderr]) expect(said).toContain(strayLine(hidden, 'hidden'));
    } finally {
      process.kill(hidden, 'SIGKILL');
    }
  }, 60_000);

  it('is not restarted again when two failed starts in a row each left what may be its daemon: a retry starts another', async () => {
    // Each start asks for a daemon outside land's tree (on a port of its own) and waits for its pid file, the last
    // one's removed first; the default policy (on-failure) restarts a launcher that left nothing.
    const [pidfile, request] = [scratchFile('again.pid'), scratchFile('ask-again')];
    startStarter(request, ['--tcp', 0, '--pidfile', pidfile]);
    const stray = { pid: () => pidIn(pidfile) };
    const dir = makeProject({ config: { tiers: { again: { command: `rm -f ${pidfile}; ${ask(request, pidfile)}`, shell: true, daemon: true } } } });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/again: crashed → failed/);
    const refusal = /again: crashed → failed \(not restarted: its last two starts each left a process named node running that land cannot follow \(pid (\d+), (\d+)\)/.exec(run.output);
    const hidden = refusal ? [Number(refusal[1]), Number(refusal[2])] : [];
    try {
      expect(refusal, run.output).not.toBeNull();
      // The first failure was restarted (one orphan may be anyone's); the second, naming the same again, was not.
      expect(run.output.match(/again: \w+ → backoff/g)).toHaveLength(1);
      expect(run.output.match(/again: spawned pid/g)).toHaveLength(2);
      expect(hidden).toContain(stray.pid());
      expect(tierOf(await status(dir), 'again')).toMatchObject({ state: 'failed' });
      expect((await landDone(['down'], dir)).code).toBe(0);
      expect((await run.exited).code).toBe(0);
    } finally {
      for (const pid of hidden) process.kill(pid, 'SIGKILL');
    }
  }, 60_000);

  it('is named at the shutdown\'s end also when land scale removed the replica whose failed start named it', async () => {
    const stray = await hiddenDaemon('removed');
    // Replica 1 launches a daemon land follows (by its marks); replica 2 one started outside land's tree: a stray.
    const launch = `if [ "$LAND_REPLICA" = 2 ]; then ${stray.launch}; else setsid sleep 307 </dev/null >/dev/null 2>&1 & echo launched; fi`;
    const dir = makeProject({ config: { tiers: { w: { command: launch, shell: true, daemon: true, replicas: 2, restart: { policy: 'never' } } } } });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/w\.2: crashed → failed/);
    const hidden = stray.pid();
    try {
      expect(run.output).toMatch(new RegExp(`still running: pid [^.]*\\b${hidden} node\\b`));
      const scaled = await landDone(['scale', 'w', '1'], dir);
      expect(scaled.code, scaled.stderr).toBe(0);
      const down = await landDone(['down'], dir);
      expect(down.code, down.stderr).toBe(0);
      expect((await run.exited).code).toBe(0);
      expect(isAlive(hidden)).toBe(true);
      // The replica is gone; what its start named is still said, by its name.
      expect(run.stdout).toMatch(strayAtEnd(hidden, 'w.2'));
      for (const said of [run.stderr, down.stderr]) expect(said).toContain(strayLine(hidden, 'w.2'));
    } finally {
      process.kill(hidden, 'SIGKILL');
    }
  }, 60_000);

  it('is named by a land status and a land down that find the control socket already closed (from the pid record)', async () => {
    const stray = await hiddenDaemon('late-down');
    // A telemetry host that never answers holds land's exit for the last flush's bound (2 s) after the control
    // socket has closed: the window this land down must come in (the drain alone gave it about a second).
    const silent = await silentHost();
    const dir = makeProject({
      files: { '.env.Land.PostHog': silentHostEnv(silent.url) },
      config: {
        tiers: {
          hidden: { command: stray.launch, shell: true, daemon: true, restart: { policy: 'never' } },
          f: { command: child('--say', 'waiting', '--after-file', 'go', '--flood', 30000), restart: { policy: 'never' } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/hidden: crashed → failed/);
    const hidden = stray.pid();
    try {
      // A follower behind keeps land's closing control server draining (its socket refusing new connections) after
      // the shutdown and before land exits; land held, stopped, once its socket refuses: land status and land down
      // come while land is still exiting, whatever the load. Status says no stack, the stray said; down waits for
      // land's exit (the flush's 2 s against the silent host holds it).
      const held = await shutDownAndHold(run, dir, /every tier stopped; still running, named by a failed daemon start/);
      let status: Awaited<ReturnType<typeof landDone>>;
      const downRun = land(['down'], dir);
      try {
        status = await landDone(['status'], dir);
        await downRun.waitFor(/is already stopping/);
      } finally {
        held.release();
      }
      const down = { ...(await downRun.exited), stdout: downRun.stdout, stderr: downRun.stderr };
      expect(status.stderr).toMatch(/^land: no stack is running in \S+: boot \S+ has stopped and its land \(pid \d+\) is exiting$/m);
      expect(status.stderr).toContain(strayLine(hidden, 'hidden'));
      expect(status.code).toBe(3);
      expect(down.stderr).toMatch(/^land: boot \S+ is already stopping \(land pid \d+\)…$/m);
      expect(down.stderr).toContain(strayLine(hidden, 'hidden'));
      expect(down.code, down.stderr).toBe(0);
      expect((await run.exited).code).toBe(0);
      expect(isAlive(hidden)).toBe(true);
    } finally {
      silent.close();
      process.kill(hidden, 'SIGKILL');
    }
  }, 60_000);

  it('is named once its middle fork is gone, and sums every daemon its launcher started', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const [pidA, pidB] = [scratchFile('a.pid'), scratchFile('b.pid')];
    const dir = makeProject({
      config: {
        tiers: {
          // Started once land is idle (at its boot, land may see the launcher's exit only after the middle's).
          first: { command: 'sleep 1; echo up; exec sleep 100', shell: true, ready: { log: 'up' } },
          // A middle process that outlives the launcher 80 ms, then the daemon it started is the tier's.
          db: {
            command: `(setsid node ${DAEMON} --tcp ${portA} --pidfile ${pidA} </dev/null >/dev/null 2>&1 & sleep 0.08) & echo launched`,
            shell: true,
            daemon: true,
            dependsOn: { first: 'ready' },
          },
          pair: {
            command: `${launcher(['--tcp', portB], '/dev/null')}; setsid node ${DAEMON} --pidfile ${pidB} </dev/null >/dev/null 2>&1 &`,
            shell: true,
            daemon: true,
            ready: { tcp: portB },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    const ready = await run.waitFor(/db: starting → ready \(daemon pid (\d+), its launcher exited 0\)/);
    await run.waitFor(/pair: starting → ready/);
    await waitUntil(() => existsSync(pidA) && existsSync(pidB), 10_000, 'the pid files');
    expect(Number(ready[1])).toBe(pidIn(pidA));
    // Two daemons, neither the other's descendant: both are the tier's, and both count.
    const pair = tierOf(await status(dir), 'pair');
    expect(pair.daemon!.pids).toHaveLength(2);
    expect(pair.daemon!.pids).toContain(pidIn(pidB));
    expect((await run.stop()).code).toBe(0);
    expect(isAlive(pidIn(pidA))).toBe(false);
    expect(isAlive(pidIn(pidB))).toBe(false);
  }, 60_000);
});

// Side by side: each test has its own project, stack and files, no failed daemon start (whose search for what may be
// its daemon could meet another test's), and counts its own boot's processes. A stop past the client's 5 s (their
// load at 28–44 once made these exit 5, sixteenth wave) is now waited for: land says it still works (working.ts).
describe.concurrent('a stop command', () => {
  it('runs instead of the stop signal, with the tier\'s environment, its output marked in the tier\'s log; nothing it starts outlives it', async () => {
    const port = await freePort();
    const [pidfile, stopFile, background, out] = [scratchFile('sc.pid'), scratchFile('stop'), scratchFile('bg.pid'), scratchFile('sc.out')];
    // The stop command asks the daemon to stop (a file, as pg_ctl stop asks through a signal of its own choosing),
    // and leaves a process of its own behind in a new session, which land must end with it.
    const stopScript = `echo "stopping $LAND_TIER on $DB_PORT"; touch ${stopFile}; setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $! > ${background}; echo asked`;
    const dir = makeProject({
      config: {
        tiers: {
          db: {
            command: launcher(['--tcp', port, '--pidfile', pidfile, '--stop-file', stopFile], out),
            shell: true,
            daemon: true,
            env: { DB_PORT: String(port) },
            ready: { tcp: port },
            stop: { command: stopScript, timeoutMs: 5000 },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: starting → ready/);
    const daemonPid = pidIn(pidfile);
    const stop = await landDone(['stop', 'db'], dir);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toBe('');
    expect(isAlive(daemonPid)).toBe(false);
    // The daemon stopped because the command asked it to, not by land's SIGTERM.
    expect(readFileSync(out, 'utf8')).toContain('daemon asked to stop, exiting');
    expect(readFileSync(out, 'utf8')).not.toContain('SIGTERM');
    await waitUntil(() => existsSync(background), 5_000, 'the background pid');
    expect(isAlive(pidIn(background))).toBe(false);
    expect(run.output).toMatch(new RegExp(`db +\\| \\[stop\\] stopping db on ${port}`));
    expect(run.output).toMatch(/db +\| \[stop\] asked/);
    expect((await run.stop()).code).toBe(0);
    const log = readFileSync(join(dir, '.land', 'logs', run.bootId, 'db.log'), 'utf8');
    expect(log).toContain(`[stop] stopping db on ${port}\n`);
    expect(run.output).not.toMatch(/stop-incomplete|stop-command|left running/);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('stops a foreground tier too; one that fails is followed by the stop signal', async () => {
    const stopFile = scratchFile('fg-stop');
    const dir = makeProject({
      config: {
        tiers: {
          // Exits 0 once the file exists, and says so if SIGTERM came instead.
          polite: { command: ['sh', '-c', `trap 'echo got SIGTERM; exit 1' TERM; while [ ! -e ${stopFile} ]; do sleep 0.05; done; echo asked to stop`], stop: { command: ['touch', stopFile] } },
          stubborn: { command: child(), stop: { command: ['sh', '-c', 'echo no such service >&2; exit 4'] } },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/polite: starting → ready/);
    await run.waitFor(/stubborn: starting → ready/);
    expect((await landDone(['stop', 'polite'], dir)).code).toBe(0);
    expect((await landDone(['stop', 'stubborn'], dir)).code).toBe(0);
    expect((await run.stop()).code).toBe(0);
    expect(run.output).toMatch(/polite +\| asked to stop/);
    expect(run.output).not.toMatch(/polite +\| got SIGTERM/);
    expect(run.output).toMatch(/stubborn +\| \[stop\] no such service/);
    expect(run.output).toContain('stubborn: stop-command: the stop command exited with code 4; sending SIGTERM instead');
    expect(run.output).toMatch(/stubborn +\| got SIGTERM, exiting/);
    expect(run.output).toMatch(/stubborn: stopping → stopped \(stopped on request\)/);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('sends the stop signal to what the leader left once the command has exited; its output reaches the log byte for byte', async () => {
    const [appPid, termed] = [scratchFile('app.pid'), scratchFile('termed')];
    // The leader leaves a process of its group behind, which says whether it got SIGTERM (SIGKILL says nothing).
    const leftover = `sh -c 'trap "echo term > ${termed}; exit 0" TERM; while :; do sleep 0.05; done' &`;
    const dir = makeProject({
      config: {
        tiers: {
          app: {
            command: `trap "exit 0" TERM; ${leftover} echo $$ > ${appPid}; while :; do sleep 0.2; done`,
            shell: true,
            // Its output is not UTF-8: the log gets the bytes as written, as a tier's own output does.
            stop: { command: `printf 'bye \\377\\n'; kill -TERM $(cat ${appPid})`, timeoutMs: 30_000 },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/app: starting → ready/);
    await waitUntil(() => existsSync(appPid), 5_000, 'the app pid');
    const stop = await landDone(['stop', 'app'], dir);
    expect(stop.code).toBe(0);
    // The stop signal reached the leftover (at the 30 s deadline it would have been SIGKILLed, saying nothing).
    expect(readFileSync(termed, 'utf8')).toBe('term\n');
    expect((await run.stop()).code).toBe(0);
    const log = readFileSync(join(dir, '.land', 'logs', run.bootId, 'app.log'));
    expect(log.includes(Buffer.from('[stop] bye \xff\n', 'latin1'))).toBe(true);
    expect(run.output).not.toMatch(/stop-incomplete|stop-command|left running/);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);

  it('that hangs is bounded: at stop.timeoutMs the daemon and the command are SIGKILLed with what they started', async () => {
    const port = await freePort();
    const [pidfile, commandPid] = [scratchFile('hang.pid'), scratchFile('cmd.pid')];
    const dir = makeProject({
      config: {
        tiers: {
          db: {
            command: launcher(['--tcp', port, '--pidfile', pidfile, '--ignore-term'], '/dev/null'),
            shell: true,
            daemon: true,
            ready: { tcp: port },
            stop: { command: ['sh', '-c', `echo $$ > ${commandPid}; echo waiting for ever; exec sleep 600`], timeoutMs: 1000 },
          },
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: starting → ready/);
    const daemonPid = pidIn(pidfile);
    const began = Date.now();
    const stop = await landDone(['stop', 'db'], dir);
    const took = Date.now() - began;
    expect(stop.code).toBe(0);
    // Bounded as every stop (stop.timeoutMs 1 s + the 1 s grace), far from the command's 600 s; generous for a loaded machine.
    expect(took).toBeLessThan(15_000);
    expect(isAlive(daemonPid)).toBe(false);
    expect(isAlive(pidIn(commandPid))).toBe(false);
    await run.waitFor(/db: stop-command: the stop command still ran at stop\.timeoutMs \(1000 ms\): killed with what it started/);
    expect(run.output).toMatch(/db +\| \[stop\] waiting for ever/);
    expect((await run.stop()).code).toBe(0);
    expect(run.output).not.toMatch(/stop-incomplete|left running/);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 60_000);
});
