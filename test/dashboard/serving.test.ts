/**
 * How `land up` serves the dashboard: the login URL printed once, a fixed port from the flag or the config, off
 * with --no-dashboard (then `land dashboard` says so), a port already taken refused in one line with nothing
 * started, and the page's own files inside the package (no CDN) under the size budget.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, envReports, expectCleanRejection, land, landDone, makeProject, removeProjects, type LandRun } from '../helpers/land.js';
import { SECRET_MASK } from '../../src/dashboard/wire.js';
import { cleanUp, http } from '../control/helpers.js';
import { call, dashboardProject, login, upWithDashboard } from './helpers.js';

const runs: LandRun[] = [];
afterAll(async () => {
  await cleanUp(runs);
  removeProjects();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function holdPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

// Each test has its own projects and stacks, and mostly waits on them: they run side by side.
describe.concurrent('land up serves the dashboard', () => {
  // The longest (three stacks one after the other): first, so it starts in vitest's first five; 120 s, as it shares
  // the machine with four others of its file (60 s was missed once at load ~30 beside seven other files).
  it('--dashboard-port fixes the port; the config key does too; --no-dashboard turns it off and `land dashboard` says so', { timeout: 120_000 }, async () => {
    const flagPort = await freePort();
    const flagged = await upWithDashboard(dashboardProject(), ['--dashboard-port', String(flagPort)]);
    runs.push(flagged.run);
    expect(flagged.port).toBe(flagPort);
    await flagged.run.waitFor(/worker: starting → ready/);
    expect((await flagged.run.stop()).code).toBe(0);

    const configPort = await freePort();
    const configured = await upWithDashboard(dashboardProject({ dashboard: { port: configPort } }));
    runs.push(configured.run);
    expect(configured.port).toBe(configPort);
    await configured.run.waitFor(/worker: starting → ready/);
    expect((await configured.run.stop()).code).toBe(0);

    const dir = dashboardProject();
    const off = land(['up', '--no-tui', '--no-dashboard'], dir);
    runs.push(off);
    await off.waitFor(/worker: starting → ready/);
    expect(off.output).not.toContain('dashboard on');
    const asked = await landDone(['dashboard'], dir);
    expect(asked.code).toBe(4);
    expect(asked.stderr).toMatch(/^land: the dashboard is off for this stack/);
    expect((await off.stop()).code).toBe(0);
  });

  it('prints the login URL once, on a free port; the page, script and stylesheet come from the package', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: starting → ready/);
    expect(run.output.match(/dashboard on/g)).toHaveLength(1);
    const cookie = await login(port, url);
    const page = await call(port, '/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'/);
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    expect(page.body).not.toMatch(/https?:\/\//);
    const script = await call(port, '/assets/app.js', { headers: { cookie } });
    expect(script.status).toBe(200);
    expect(script.body).toBe(readFileSync(join(ROOT, 'dist', 'dashboard', 'app.js'), 'utf8'));
    // The API answers what the control layer knows.
    const state = JSON.parse((await call(port, '/api/state', { headers: { cookie } })).body) as { snapshot: { tiers: Array<{ name: string }> } };
    expect(state.snapshot.tiers.map((tier) => tier.name)).toEqual(['air', 'worker']);
    const unknown = await call(port, '/api/tiers/ghost/restart', { method: 'POST', headers: { cookie, origin: `http://localhost:${port}`, host: `localhost:${port}` } });
    expect(unknown.status).toBe(404);
    expect((JSON.parse(unknown.body) as { error: { message: string } }).error.message).toBe('unknown tier "ghost" (known: air, worker)');
    expect((await run.stop()).code).toBe(0);
  });

  it("opens a replica's detail: its tier's config with its own PORT and LAND_REPLICA; a replica it does not run is unknown", async () => {
    const child = join(ROOT, 'test', 'fixtures', 'child.mjs');
    const base = await freePort();
    const dir = makeProject({ config: { app: 'dash', tiers: { web: { command: ['node', child, '--say', 'web up'], replicas: 2, port: base, ready: { log: 'web up' } } } } });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/web\.2: starting → ready/);
    const cookie = await login(port, url);
    const detailOf = async (name: string) => {
      const answer = await call(port, `/api/tiers/${name}`, { headers: { cookie } });
      return { status: answer.status, body: answer.body, detail: answer.status === 200 ? (JSON.parse(answer.body) as { name: string; replicaOf?: string; replica?: number; command: string[]; env: Array<[string, string]> }) : undefined };
    };
    for (const n of [1, 2]) {
      const { status, detail } = await detailOf(`web.${n}`);
      expect(status, `web.${n}`).toBe(200);
      expect(detail).toMatchObject({ name: `web.${n}`, replicaOf: 'web', replica: n, command: ['node', child, '--say', 'web up'] });
      const env = new Map(detail!.env);
      expect(env.get('PORT')).toBe(String(base + n - 1));
      expect(env.get('LAND_REPLICA')).toBe(String(n));
    }
    // The tier as a whole still answers with its config; a replica number it does not run is unknown.
    expect((await detailOf('web')).detail).toMatchObject({ name: 'web', command: ['node', child, '--say', 'web up'] });
    const ghost = await detailOf('web.3');
    expect(ghost.status).toBe(404);
    expect((JSON.parse(ghost.body) as { error: { message: string } }).error.message).toBe('unknown tier "web.3"');
    expect((await run.stop()).code).toBe(0);
  });

  it("shows the environment a tier's process really has: land's OTLP receiver included, secrets masked", async () => {
    const child = join(ROOT, 'test', 'fixtures', 'child.mjs');
    const reports = join(makeProject({ config: { tiers: {} } }), 'env');
    const dir = makeProject({
      config: { app: 'dash', tiers: { web: { command: ['node', child, '--report-env', reports, '--say', 'web up'], ready: { log: 'web up' }, env: { API_TOKEN: 'tok-secret-value-123' } } } },
    });
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/web: starting → ready/);
    const cookie = await login(port, url);
    const answer = await call(port, '/api/tiers/web', { headers: { cookie } });
    expect(answer.status).toBe(200);
    const shown = new Map((JSON.parse(answer.body) as { env: Array<[string, string]> }).env);
    const real = envReports(reports, 'web')[0]!;
    // Every variable the process has, and no other.
    expect([...shown.keys()].sort()).toEqual(Object.keys(real).sort());
    for (const key of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTLPEndpoint', 'Pipe']) {
      expect(real[key], key).toMatch(/./);
      expect(shown.get(key), key).toBe(real[key]);
    }
    expect(shown.get('API_TOKEN')).toBe(SECRET_MASK);
    expect(answer.body).not.toContain('tok-secret-value-123');
    // The rest as it is, but where masked and TRACEPARENT (each start's own span id).
    for (const [key, value] of shown) {
      if (key === 'TRACEPARENT' || value === SECRET_MASK || value.includes('***')) continue;
      expect(value, key).toBe(real[key]);
    }
    expect(shown.get('TRACEPARENT')).toBe(`00-${real.OTLP_TRACE_ID}-<span id of each start>-01`);
    expect((await run.stop()).code).toBe(0);
  });

  it('answers a malformed percent-encoding or request target with a 400 in one line, here and on the control socket, and keeps serving', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    await run.waitFor(/worker: starting → ready/);
    const cookie = await login(port, url);
    const badPath = { error: { code: 'bad-request', message: 'path: expected percent-encoded UTF-8 in each segment, got "%E0%A4%A"' } };
    for (const path of ['/api/tiers/%E0%A4%A', '/api/tiers/worker%E0%A4%A/restart']) {
      const answer = await call(port, path, { method: path.endsWith('restart') ? 'POST' : 'GET', headers: { cookie, origin: `http://127.0.0.1:${port}` } });
      expect(answer.status, path).toBe(400);
      expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe('bad-request');
    }
    expect(JSON.parse((await call(port, '/api/tiers/%E0%A4%A', { headers: { cookie } })).body)).toEqual(badPath);
    // A request target that is no URL at all is refused before the session check, without a throw in the listener.
    const target = await call(port, 'http://[', { headers: { cookie } });
    expect(target.status).toBe(400);
    expect(target.body).toMatch(/"code":"bad-request".*expected a request path/);

    const socketPath = join(dir, '.land', 'run', 'land.sock');
    for (const path of ['/tiers/%E0%A4%A/logs', '/tiers/%ff/restart']) {
      const answer = await http({ socketPath }, path, { method: path.endsWith('restart') ? 'POST' : 'GET' });
      expect(answer.status, path).toBe(400);
      expect(answer.body.trimEnd().split('\n')).toHaveLength(1);
      expect(answer.body).toMatch(/"bad-request".*percent-encoded UTF-8/);
    }
    expect((await call(port, '/api/state', { headers: { cookie } })).status).toBe(200);
    expect((await run.stop()).code).toBe(0);
  });

  it('keeps at most 32 sessions however often the login URL is opened: the oldest unused one is dropped', async () => {
    const dir = dashboardProject();
    const { run, url, port } = await upWithDashboard(dir);
    runs.push(run);
    const first = await login(port, url);
    const kept = await login(port, url);
    const used = async (cookie: string) => (await call(port, '/api/state', { headers: { cookie } })).status;
    for (let n = 0; n < 40; n++) {
      await login(port, url);
      // Used between logins: the session in use stays, however many come after it.
      if (n % 10 === 0) expect(await used(kept)).toBe(200);
    }
    expect(await used(first)).toBe(401);
    expect(await used(kept)).toBe(200);
    expect(await used(await login(port, url))).toBe(200);
    expect((await run.stop()).code).toBe(0);
  });

  it('refuses --dashboard-port with --no-dashboard, in either order, in one line with exit 2 and nothing started', async () => {
    const dir = dashboardProject();
    for (const args of [['--dashboard-port', '5000', '--no-dashboard'], ['--no-dashboard', '--dashboard-port', '5000']]) {
      const result = await landDone(['up', '--no-tui', ...args], dir);
      expectCleanRejection(result, dir, /^land: up: option '--dashboard-port <port>' cannot be used with option '--no-dashboard'$/);
    }
  });

  it('two port flags naming the same port: one line naming both, exit 2, nothing started', async () => {
    const dir = dashboardProject();
    const port = await freePort();
    const result = await landDone(['up', '--no-tui', '--receiver-port', String(port), '--dashboard-port', String(port)], dir);
    expectCleanRejection(result, dir, new RegExp(`^land: --receiver-port, --dashboard-port: both name port ${port}; give each its own port \\(or 0 for a free one\\)$`));
  });

  it('a dashboard port already taken: one line naming the flag, exit 2, nothing started', async () => {
    const held = await holdPort();
    try {
      const dir = dashboardProject();
      const result = await landDone(['up', '--no-tui', '--dashboard-port', String(held.port)], dir);
      expectCleanRejection(result, dir, new RegExp(`--dashboard-port: cannot listen on 127\\.0\\.0\\.1:${held.port}: address already in use \\(EADDRINUSE\\)`));
      expect(existsSync(join(dir, '.land', 'run', 'land.sock'))).toBe(false);
    } finally {
      held.server.close();
    }
  });

  it('the page weighs under 200 KB gzipped (JS and CSS)', () => {
    const weight = ['app.js', 'app.css'].reduce((sum, name) => sum + gzipSync(readFileSync(join(ROOT, 'dist', 'dashboard', name))).length, 0);
    expect(weight).toBeLessThan(200 * 1024);
  });
});
