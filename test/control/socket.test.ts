/** The control socket's life: one land per socket, a dead land's socket replaced, the optional TCP listener. */
import { cpSync, existsSync, mkdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CONFIG_FILE_NAMES as LOADER_NAMES } from '../../src/config/load.js';
import { CONFIG_FILE_NAMES, socketPath } from '../../src/control/paths.js';
import { child, isAlive, land, landDone, makeProject, markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, http, parseProm, sampleValue, status, tierOf } from './helpers.js';

const runs: LandRun[] = [];
afterEach(async () => {
  await cleanUp(runs);
});
afterAll(removeProjects);

function project() {
  return makeProject({ config: { tiers: { api: { command: child('--say', 'api up'), ready: { log: 'api up' } } } } });
}

async function up(dir: string, args: string[] = []): Promise<LandRun> {
  const run = land(['up', '--no-tui', ...args], dir);
  runs.push(run);
  await run.waitFor(/api: starting → ready/);
  return run;
}

describe('the control socket', () => {
  it('looks for the same config files as the config loader', () => {
    expect(CONFIG_FILE_NAMES).toEqual(LOADER_NAMES);
  });

  it('replaces the stale socket of a land that was killed', async () => {
    const dir = project();
    const socketPath = join(dir, '.land', 'run', 'land.sock');
    const dead = await up(dir);
    const deadBoot = dead.bootId;
    await dead.stop('SIGKILL');
    expect(statSync(socketPath).isSocket()).toBe(true); // SIGKILL left it behind
    expect((await landDone(['status'], dir)).code).toBe(3); // nobody answers on it

    const next = await up(dir);
    expect(next.bootId).not.toBe(deadBoot);
    expect((await status(dir)).bootId).toBe(next.bootId);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    expect(markedProcesses(deadBoot)).toEqual([]); // the dead land's children were reaped
    expect(await landDone(['down'], dir)).toMatchObject({ code: 0 });
    expect((await next.exited).code).toBe(0);
    expect(existsSync(socketPath)).toBe(false);
  });

  it('a stack that closes the connection without an answer (its shutdown, as a request comes in): exit 3 and one line saying so', async () => {
    const dir = project();
    mkdirSync(join(dir, '.land', 'run'), { recursive: true, mode: 0o700 });
    // Closed with the request unread (as the shutdown's closeAllConnections does: the client reads ECONNRESET, or
    // EPIPE if it writes after), or once the request is read (node's `socket hang up`).
    let unread = true;
    const server = createServer({ pauseOnConnect: true }, (socket) => {
      if (unread) setTimeout(() => socket.destroy(), 50);
      else socket.once('data', () => socket.destroy()).resume();
    });
    await new Promise<void>((resolve) => server.listen(join(dir, '.land', 'run', 'land.sock'), resolve));
    try {
      for (const args of [['status'], ['stop', 'api'], ['restart', 'api'], ['logs', 'api', '-f']]) {
        for (const how of [true, false]) {
          unread = how;
          const result = await landDone(args, dir);
          const said = result.stderr.trimEnd().split('\n');
          if (args[0] === 'logs') {
            // No stack any more: the boot's files (none here), as with no stack at all.
            expect(result.code, said.join('\n')).toBe(3);
            expect(said).toEqual([expect.stringMatching(/^land: no stack is running in .+ and no boot has logged there yet/)]);
            continue;
          }
          expect(result.code, `${args.join(' ')}: ${said.join('\n')}`).toBe(3);
          expect(said).toEqual([expect.stringMatching(/^land: the stack in .+ stopped before it answered \(it was shutting down, or died\)$/)]);
        }
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('moves the socket under the temp dir when the project path is too long for a socket address', async () => {
    const base = project();
    const deep = join(base, 'a-rather-long-folder-name'.repeat(2), 'and-another-long-folder-name'.repeat(2));
    mkdirSync(join(deep, 'profiles'), { recursive: true });
    cpSync(join(base, 'land.config.mjs'), join(deep, 'land.config.mjs'));
    cpSync(join(base, 'profiles'), join(deep, 'profiles'), { recursive: true });
    const socket = socketPath(deep);
    expect(socket.startsWith(tmpdir())).toBe(true);
    const run = await up(deep);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(socket)).mode & 0o777).toBe(0o700);
    expect((await status(deep)).bootId).toBe(run.bootId);
    expect(await landDone(['down'], deep)).toMatchObject({ code: 0 });
    expect((await run.exited).code).toBe(0);
    expect(existsSync(socket)).toBe(false);
  });

  it('refuses a second land while one answers on the socket, even without its pid file', async () => {
    const dir = project();
    const first = await up(dir);
    rmSync(join(dir, '.land', 'run', 'land.pid'));
    const second = await landDone(['up', '--no-tui'], dir);
    expect(second.code).toBe(4);
    const lines = second.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^land: a stack is already running here \\(land pid ${first.proc.pid}, boot ${first.bootId}`));
    expect(tierOf(await status(dir), 'api').state).toBe('ready');
    expect(isAlive(first.proc.pid!)).toBe(true);
    expect(await landDone(['down'], dir)).toMatchObject({ code: 0 });
    expect((await first.exited).code).toBe(0);
  });

  it('serves the same API on 127.0.0.1 behind a bearer token printed once', async () => {
    const dir = project();
    const run = await up(dir, ['--control-port', '0']);
    const [, port, token] = await run.waitFor(/control API on http:\/\/127\.0\.0\.1:(\d+) · bearer token (\S+)/);
    const target = { port: Number(port) };
    expect(run.output.split(token!)).toHaveLength(2); // printed exactly once

    expect((await http(target, '/metrics')).status).toBe(401);
    expect((await http(target, '/status', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await http(target, '/tiers/api/stop', { method: 'POST' })).status).toBe(401);
    expect(tierOf(await status(dir), 'api').state).toBe('ready'); // the refused stop did nothing

    const auth = { authorization: `Bearer ${token}` };
    const metrics = await http(target, '/metrics', { headers: auth });
    expect(metrics.status).toBe(200);
    const { samples } = parseProm(metrics.body);
    expect(sampleValue(samples, 'land_tier_up', { tier: 'api' })).toBe(1);
    const remoteStatus = await http(target, '/status', { headers: auth });
    expect(JSON.parse(remoteStatus.body)).toMatchObject({ bootId: run.bootId });
    const health = await http(target, '/health', { headers: auth });
    expect(JSON.parse(health.body)).toEqual({ ok: true, pid: run.proc.pid, bootId: run.bootId, pidNs: readlinkSync('/proc/self/ns/pid') });
    expect((await http(target, '/nope', { headers: auth })).status).toBe(404);
    // The routes are tables: a name every object has is no route, nor a tier action with the wrong method.
    for (const [path, method] of [['/constructor', 'GET'], ['/tiers/api/toString', 'POST'], ['/tiers/api/__proto__', 'POST'], ['/tiers/api/logs', 'POST'], ['/tiers/api/stop', 'GET']] as const) {
      const answer = await http(target, path, { method, headers: auth });
      expect([path, answer.status, JSON.parse(answer.body).error.message]).toEqual([path, 404, `no such endpoint: ${method} ${path}`]);
    }
    expect(tierOf(await status(dir), 'api').state).toBe('ready');
    // The dashboard is on: the TCP listener says where its login URL is served, not that it is off.
    const dashboard = await http(target, '/dashboard', { headers: auth });
    expect(dashboard.status).toBe(404);
    expect(JSON.parse(dashboard.body).error.message).toBe("GET /dashboard is served on the stack's Unix socket only, never on --control-port (its URL logs in): run land dashboard on the stack's machine, as its user");
    expect(dashboard.body).not.toContain('off');
    const local = await http({ socketPath: socketPath(dir) }, '/dashboard');
    expect(JSON.parse(local.body).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/login\?token=/);

    const down = await http(target, '/shutdown', { method: 'POST', headers: auth });
    expect(down.status).toBe(202);
    expect((await run.exited).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});
