/**
 * Faults at the probes: a readiness probe that hangs, a liveness probe that passes then fails, a port already taken;
 * and what an exec probe inherits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, child, freePort, isAlive, land, makeProject, markedProcesses, removeProjects, waitUntil, type LandRun } from '../helpers/land.js';
import { cleanUp, status, tierOf } from '../control/helpers.js';
import { RECORD_PROFILE, recordedEvents, sleeper, snapshot, tierWhen } from './support.js';

const runs: LandRun[] = [];
const closers: Array<() => Promise<void> | void> = [];
// The tests run side by side: one clean-up after all of them, which an afterEach would do to the others' stacks.
// After-hooks run in reverse: the stacks stop, then the projects go.
afterAll(removeProjects);
afterAll(async () => {
  await cleanUp(runs);
  for (const close of closers.splice(0)) await close();
});

const neighbour = sleeper('neighbour');

async function listen(server: Server | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Accepts connections and never answers a byte. */
async function hangingServer(): Promise<{ url: string; connections: () => number }> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}/health`, connections: () => connections };
}

/** Answers 200 while healthy, 500 otherwise. */
async function switchableServer(): Promise<{ url: string; setHealthy(healthy: boolean): void }> {
  let healthy = true;
  const server = createHttpServer((_req, res) => res.writeHead(healthy ? 200 : 500).end(healthy ? 'ok' : 'sick'));
  const port = await listen(server);
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${port}/health`, setHealthy: (value) => (healthy = value) };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// Side by side (vitest runs consecutive concurrent suites together): each test has its own project and stack.
describe.concurrent('fault: a readiness probe that hangs', () => {
  it('an HTTP server that accepts and never answers: the probe times out, the tier is killed and fails with the reason, one error event, neighbours ready', async () => {
    const hang = await hangingServer();
    const dir = makeProject({
      config: {
        tiers: {
          hung: { command: child('--say', 'hung up'), ready: { http: hang.url, timeoutMs: 800 }, restart: { policy: 'never' } },
          neighbour,
        },
      },
      profiles: RECORD_PROFILE,
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/hung: \w+ → failed/);
    expect(hang.connections()).toBeGreaterThan(0); // the probe really was held up there
    expect(run.stdout).toContain(`hung: probe-failed: readiness probe (http ${hang.url}) did not pass within 800 ms`);
    expect(run.stdout).toMatch(/hung: starting → crashed \(readiness probe .* did not pass within 800 ms\)/);
    const snapshot = await status(dir);
    expect(tierOf(snapshot, 'hung')).toMatchObject({ state: 'failed', reason: 'restart policy is never' });
    const hungPid = Number(/hung: spawned pid (\d+)/.exec(run.stdout)![1]);
    expect(isAlive(hungPid)).toBe(false); // a tier that never got ready is not left running
    expect(tierOf(snapshot, 'neighbour').state).toBe('ready');
    await waitUntil(() => recordedEvents(dir, run.bootId).some((e) => e.event === 'land:hung:error'), 5_000, 'the error event');
    const errors = recordedEvents(dir, run.bootId).filter((e) => e.event === 'land:hung:error');
    expect(errors.map((e) => e.properties.error_tag)).toEqual(['probe-failed']);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

describe.concurrent('fault: a readiness probe that never passes', () => {
  it('each try that times out takes a restart from the budget (its wait is no healthy run): the tier ends failed, its dependent fails with that reason', async () => {
    // resetAfterMs below the probe's timeout: each life waited longer than it before it was killed. Counted from the
    // spawn, that read as a healthy run: the budget started over each time and the tier restarted for ever.
    const dir = makeProject({
      config: {
        tiers: {
          never: {
            command: child('--say', 'never up'),
            ready: { log: 'a line that never comes', timeoutMs: 400 },
            restart: { policy: 'always', maxRestarts: 2, backoff: { initialMs: 50, maxMs: 100 }, resetAfterMs: 200 },
          },
          after: { command: child('--say', 'after up'), dependsOn: { never: 'ready' } },
          neighbour,
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/neighbour: starting → ready/);
    const never = await tierWhen(dir, 'never', (tier) => tier.state === 'failed', 'failed', 40_000);
    // The last cause is kept beside the count: the count alone would hide why the tier kept failing.
    expect(never.reason).toMatch(/^restart budget spent \(2 restarts; last: readiness probe \(log .*\) did not pass within 400 ms\)$/);
    expect(never.restarts).toBe(2);
    expect(run.stdout.match(/never: spawned pid/g)).toHaveLength(3);
    const after = await tierWhen(dir, 'after', (tier) => tier.state === 'failed', 'failed');
    expect(after.reason).toBe('dependency never failed before it was ready');
    expect(tierOf(await status(dir), 'neighbour').state).toBe('ready');
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  }, 90_000);
});

describe.concurrent('fault: a liveness probe that passes, then fails', () => {
  it('the tier is restarted under its policy once the threshold is reached, and stays up once healthy again', async () => {
    const health = await switchableServer();
    const dir = makeProject({
      config: {
        tiers: {
          live: {
            command: child('--say', 'live up'),
            ready: { log: 'live up' },
            liveness: { http: health.url, intervalMs: 100, failureThreshold: 2 },
            restart: { backoff: { initialMs: 50, maxMs: 50 }, maxRestarts: 50 },
          },
          neighbour,
        },
      },
      profiles: RECORD_PROFILE,
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/live: starting → ready/);
    await run.waitFor(/neighbour: starting → ready/);
    const first = tierOf(await snapshot(dir), 'live');
    health.setHealthy(false);
    await run.waitFor(/live: spawned pid \d+ \(restart 1\)/, 30_000);
    expect(run.stdout).toContain(`live: ready → crashed (liveness probe (http ${health.url}) failed 2 time(s))`);
    expect(isAlive(first.pid!)).toBe(false);
    health.setHealthy(true);
    const again = await tierWhen(dir, 'live', (tier) => tier.state === 'ready' && tier.restarts >= 1, 'ready after a restart');
    expect(again.pid).not.toBe(first.pid);
    const neighbourNow = tierOf(await snapshot(dir), 'neighbour');
    expect(neighbourNow).toMatchObject({ state: 'ready', restarts: 0 });
    // One probe-failed error per liveness failure the person was shown.
    const shown = run.stdout.match(/live: probe-failed: liveness probe/g)!.length;
    await waitUntil(
      () => recordedEvents(dir, run.bootId).filter((e) => e.event === 'land:live:error').length >= shown,
      5_000,
      'the error events',
    );
    const errors = recordedEvents(dir, run.bootId).filter((e) => e.event === 'land:live:error');
    expect(errors.every((e) => e.properties.error_tag === 'probe-failed')).toBe(true);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

describe.concurrent('fault: a port already taken by another process', () => {
  it('the tier cannot listen: it crashes, spends its budget and fails with the reason; the holder is untouched, neighbours ready', async () => {
    const port = await freePort();
    const holder: ChildProcess = spawn(process.execPath, [CHILD, '--tcp', String(port)], { stdio: 'ignore' });
    closers.push(() => void holder.kill('SIGKILL'));
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (Date.now() > deadline) throw new Error('the holder never listened');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const dir = makeProject({
      config: {
        tiers: {
          taken: {
            command: child('--tcp', port),
            ready: { tcp: port, timeoutMs: 5_000 },
            restart: { backoff: { initialMs: 50, maxMs: 50 }, maxRestarts: 1 },
          },
          neighbour,
        },
      },
    });
    const run = land(['up', '--no-tui'], dir);
    runs.push(run);
    await run.waitFor(/taken: \w+ → failed/, 60_000);
    await run.waitFor(/neighbour: starting → ready/);
    expect(run.stdout).toMatch(/taken +\| .*EADDRINUSE/); // the child's own words reach the person
    expect(run.stdout).toMatch(/taken: crashed → failed \(restart budget spent \(1 restart; last: exited with code \d+\)\)/);
    const snapshot = await status(dir);
    expect(tierOf(snapshot, 'taken')).toMatchObject({ state: 'failed', restarts: 1 });
    expect(tierOf(snapshot, 'taken').lastExit?.code).not.toBe(0);
    expect(tierOf(snapshot, 'neighbour').state).toBe('ready');
    expect(isAlive(holder.pid!)).toBe(true);
    expect(await accepts(port)).toBe(true);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
    expect(isAlive(holder.pid!)).toBe(true);
  });
});

describe.concurrent('an exec probe\'s environment', () => {
  it("is land's as a tier gets it: without land's `_` nor its trace context, with the tier's env and the boot's mark", async () => {
    const dir = makeProject({ config: { tiers: {} } });
    const seen = (kind: string) => join(dir, `${kind}-env.json`);
    // Each probe writes the environment it was given, and passes.
    const writer = (kind: string) => ['node', '-e', `require('fs').writeFileSync(${JSON.stringify(seen(kind))}, JSON.stringify(process.env))`];
    writeFileSync(
      join(dir, 'land.config.mjs'),
      `export default ${JSON.stringify({
        tiers: {
          probed: {
            command: child('--say', 'probed up'),
            env: { PROBED_OWN: 'yes' },
            ready: { exec: writer('ready'), timeoutMs: 20_000 },
            liveness: { exec: writer('liveness'), intervalMs: 200 },
          },
        },
      })};\n`,
    );
    const outer = `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`;
    const run = land(['up', '--no-tui'], dir, { _: '/usr/bin/node-sentinel', TRACEPARENT: outer, TRACESTATE: 'k=v' });
    runs.push(run);
    await run.waitFor(/probed: starting → ready/);
    await waitUntil(() => existsSync(seen('liveness')), 20_000, 'the liveness probe');
    for (const kind of ['ready', 'liveness']) {
      const env = JSON.parse(readFileSync(seen(kind), 'utf8')) as Record<string, string>;
      expect(env, kind).not.toHaveProperty('_');
      expect(env, kind).not.toHaveProperty('TRACEPARENT');
      expect(env, kind).not.toHaveProperty('TRACESTATE');
      expect(env, kind).toMatchObject({ PROBED_OWN: 'yes', LAND_BOOT_ID: run.bootId });
    }
    expect((await run.stop()).code).toBe(0);
  });
});
