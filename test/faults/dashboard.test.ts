/**
 * Faults at the dashboard: garbage instead of HTTP, guessed tokens, forged Hosts and Origins, and pages that hang up
 * in the middle of the live stream. The dashboard keeps answering, the stack is never disturbed, land stops cleanly.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { markedProcesses, removeProjects, type LandRun } from '../helpers/land.js';
import { cleanUp, tierOf } from '../control/helpers.js';
import { call, dashboardProject, login, upWithDashboard } from '../dashboard/helpers.js';
import { hangUpMidStream, rawBytes, snapshot } from './support.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

const raw = (port: number, bytes: string | Buffer) => rawBytes({ host: '127.0.0.1', port }, bytes);

describe('fault: dashboard clients that misbehave', () => {
  it('junk, guessed tokens, forged Hosts and Origins, twenty pages hanging up mid-stream: refused or dropped, the stack untouched', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: starting → ready/);
    const before = await snapshot(dir);

    const junk = await raw(port, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) % 256)));
    expect(junk === '' || /^HTTP\/1\.1 400 /.test(junk)).toBe(true);
    const hugeHeader = await raw(port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Junk: ${'j'.repeat(64 * 1024)}\r\n\r\n`);
    expect(hugeHeader === '' || /^HTTP\/1\.1 431 /.test(hugeHeader)).toBe(true);
    // A request line past node's limit, read whole (no reset): the 431 says why in one line, not with an empty body.
    const longQuery = await raw(port, `GET /api/logs?q=${'q'.repeat(20 * 1024)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(longQuery).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    const body = longQuery.slice(longQuery.indexOf('\r\n\r\n') + 4);
    expect(body).toBe('{"error":{"code":"bad-request","message":"the request line and headers are too large: expected at most 16 KiB (a long query: send fewer or shorter parameters)"}}\n');
    const token = new URL(url).searchParams.get('token')!;
    for (let i = 0; i < 30; i++) {
      const guess = `${token.slice(0, -2)}${String(i).padStart(2, '0')}`;
      if (guess === token) continue; // a token that happens to end in these two digits: that is no guess
      expect((await call(port, `/login?token=${encodeURIComponent(guess)}`)).status).toBe(401);
    }
    expect((await call(port, '/login')).status).toBe(401);
    const cookie = await login(port, url);
    expect((await call(port, '/api/state', { headers: { cookie, host: `attacker.test:${port}` } })).status).toBe(403);
    const forged = await call(port, '/api/tiers/worker/stop', { method: 'POST', headers: { cookie, origin: `http://attacker.test:${port}` } });
    expect(forged.status).toBe(403);
    for (const query of ['?since=-1', '?before=x', '?limit=0', '?since=1&before=2', '/history?before=-2', '/history?limit=0.5', '?limit=5&limit=6']) {
      const answer = await call(port, `/api/logs${query}`, { headers: { cookie } });
      expect(answer.status, query).toBe(400);
      expect(JSON.parse(answer.body).error.message, query).toMatch(/^(since|before|limit)/);
    }
    // Given twice: refused as the control API refuses it, not read as its first.
    const twice = await call(port, '/api/logs?limit=5&limit=6', { headers: { cookie } });
    expect(JSON.parse(twice.body)).toEqual({ error: { code: 'bad-request', message: 'limit: given 2 times, expected once' } });
    expect((await call(port, '/api/nowhere', { headers: { cookie } })).status).toBe(404);
    for (let i = 0; i < 20; i++) {
      expect([200, undefined]).toContain(await hangUpMidStream({ host: '127.0.0.1', port, path: '/api/stream', headers: { cookie, host: `127.0.0.1:${port}` } }));
    }

    // Still serving, every tier the same process it was.
    expect((await call(port, '/api/state', { headers: { cookie } })).status).toBe(200);
    const after = await snapshot(dir);
    for (const name of ['air', 'worker']) expect(tierOf(after, name)).toMatchObject({ state: 'ready', pid: tierOf(before, name).pid, restarts: 0 });
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});
