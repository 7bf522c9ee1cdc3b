/**
 * `land export supervisord`, run for real: the exported program file is included by a supervisord.conf in a temp
 * folder (its unix socket there too), supervisord 4 (/usr/bin/supervisord, Debian's) runs it, `supervisorctl status`
 * must show every program and replica RUNNING, and each process reports the environment and argv it got: replicas
 * with their own LAND_REPLICA and PORT, the secrets read from the 0600 files (never in the program file), the values
 * supervisord's environment= cannot hold intact. Then `supervisorctl shutdown`: nothing of the deployment is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD, landDone, markedProcesses, waitUntil } from '../helpers/land.js';
import { fileMode, tool } from './helpers.js';

const KEY = 'phc_supervisord_secret_key_577215';
const ARG_SECRET = 'arg-secret-supervisord-662607';
const BEARER = 'bearertokensupervisord4669201';
const root = mkdtempSync(join(tmpdir(), 'land-supervisord-'));
const project = join(root, 'project');
const out = join(root, 'out');
const reports = join(root, 'reports');
const conf = join(root, 'supervisord.conf');

/** Values supervisord's environment= cannot hold as they are: they must reach the process all the same. */
const AWKWARD = { COMMENTISH: 'a ;b #c', BOTH_QUOTES: `it's "both"`, TWO_LINES: 'one\ntwo', EDGE_QUOTE: '"x', PERCENT: '100% sure', COMMA: 'a,b=c' };

const CONFIG = `
const child = (...args) => [${JSON.stringify(process.execPath)}, ${JSON.stringify(CHILD)}, '--report-env', ${JSON.stringify(reports)}, ...args];
export default {
  app: 'shop',
  tiers: {
    db: { command: child('two\\nlines'), stop: { signal: 'SIGINT', timeoutMs: 3000 } },
    api: {
      command: child('--api-key=${ARG_SECRET}'),
      env: ${JSON.stringify(AWKWARD)},
      dependsOn: { db: 'started' },
      replicas: 2,
      port: 58370,
      restart: { policy: 'always', maxRestarts: 4 },
    },
    web: {
      command: ${JSON.stringify(`exec ${process.execPath} ${CHILD} --report-env ${reports} --say "Bearer ${BEARER}"`)},
      shell: true,
      dependsOn: { api: 'ready' },
      ready: { log: 'Bearer' },
      restart: { policy: 'never' },
    },
    // supervisord has no scheduler: not started with the rest, started by the crontab line the warning gives.
    job: {
      command: [${JSON.stringify(process.execPath)}, '-e', ${JSON.stringify(`require('fs').writeFileSync(${JSON.stringify(join(root, 'job-ran'))}, 'ran')`)}],
      schedule: '*/5 * * * *',
    },
  },
};
`;

let supervisord: ChildProcess | undefined;
let exported: { code: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  mkdirSync(join(project, 'profiles'), { recursive: true });
  writeFileSync(join(project, 'land.config.mjs'), CONFIG);
  writeFileSync(join(project, 'profiles', 'prod.env'), `Authorize=${KEY}\n`);
  exported = await landDone(['export', 'supervisord', '--profile', 'prod', '--out', out], project);
}, 60_000);

afterAll(async () => {
  if (supervisord && supervisord.exitCode === null && supervisord.signalCode === null) {
    supervisord.kill('SIGTERM');
    await new Promise((done) => supervisord!.once('exit', done));
  }
  rmSync(root, { recursive: true, force: true });
});

const ctl = (...args: string[]) => tool('supervisorctl', ['-c', conf, ...args], root);

/** Polls `supervisorctl status` (a python process each: not too often) until `done` holds for its output. */
async function statusUntil(done: (status: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await ctl('status')).stdout;
    if (done(status)) return status;
    if (Date.now() > deadline) {
      const log = existsSync(join(root, 'supervisord.log')) ? readFileSync(join(root, 'supervisord.log'), 'utf8') : '';
      throw new Error(`timed out; supervisorctl status:\n${status}\nsupervisord.log:\n${log}`);
    }
    await sleep(300);
  }
}

/** The env reports of one tier's processes, and their pids. */
function reportsOf(tier: string): Array<{ pid: number; env: Record<string, string> }> {
  if (!existsSync(reports)) return [];
  return readdirSync(reports)
    .filter((name) => name.startsWith(`${tier}-`) && name.endsWith('.json'))
    .map((name) => ({ pid: Number(/-(\d+)\.json$/.exec(name)![1]), env: JSON.parse(readFileSync(join(reports, name), 'utf8')) as Record<string, string> }));
}

function argvOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

describe('land export supervisord', () => {
  it('writes one program per tier, the secrets only in 0600 files beside it', () => {
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^land: exported supervisord to \S+out:\n {2}shop\.conf\n/);
    const main = readFileSync(join(out, 'shop.conf'), 'utf8');
    for (const secret of [KEY, ARG_SECRET, BEARER]) {
      expect(main).not.toContain(secret);
      expect(exported.stdout + exported.stderr).not.toContain(secret);
    }
    expect(fileMode(join(out, 'shop.conf'))).toBe(0o644);
    for (const name of ['db', 'api', 'web']) {
      expect(fileMode(join(out, `${name}.secrets.env`)), name).toBe(0o600);
      expect(exported.stdout).toContain(`  ${name}.secrets.env  (secrets, mode 0600)`);
    }
    const section = (name: string) => main.slice(main.indexOf(`[program:${name}]`)).split('\n\n')[0]!;
    expect(section('api')).toMatch(/\nnumprocs=2\nnumprocs_start=1\nprocess_name=%\(program_name\)s\.%\(process_num\)d$/);
    expect(section('api')).toContain('\nautorestart=true\n');
    expect(section('api')).toContain('LAND_REPLICA="%(process_num)d"');
    expect(section('api')).toMatch(/OTEL_RESOURCE_ATTRIBUTES="land\.tier=api,[^"]*,service\.instance\.id=api\.%\(process_num\)d"/);
    expect(section('api')).toContain('PERCENT="100%% sure"');
    expect(section('db')).toMatch(/\nstopsignal=INT\nstopwaitsecs=3\nstopasgroup=true\nkillasgroup=true$/);
    expect(section('web')).toContain('\nautorestart=false\n');
    // Dependency depth orders the programs: supervisord starts the lowest first and stops it last.
    const priority = (name: string) => Number(/\npriority=(\d+)\n/.exec(section(name))![1]);
    expect(priority('db')).toBeLessThan(priority('api'));
    expect(priority('api')).toBeLessThan(priority('web'));
    // What supervisord cannot express is said, in the file and on the terminal.
    expect(main).toContain('# warning: waits for api to be ready: not mapped: supervisord starts programs in priority order');
    expect(main).toContain('# warning: readiness probe (log Bearer) not mapped');
    expect(exported.stdout).toContain('land: warning: tier web: waits for api to be ready: not mapped');
    expect(exported.stdout).not.toContain('replicas 2 not mapped');
    expect(section('job')).toMatch(/\nautostart=false\nautorestart=false\nstartsecs=0\n/);
    expect(exported.stdout).toContain("land: warning: tier job: schedule \"*/5 * * * *\" not mapped: supervisord has no scheduler; the program is written autostart=false: run it from the host's crontab (`*/5 * * * * supervisorctl start job`)");
  });

  it('supervisord runs it: every program and replica RUNNING with its environment, then shuts down leaving nothing', async () => {
    writeFileSync(
      conf,
      [
        '[unix_http_server]',
        'file=%(here)s/supervisor.sock',
        '[supervisord]',
        'logfile=%(here)s/supervisord.log',
        'pidfile=%(here)s/supervisord.pid',
        'childlogdir=%(here)s',
        '[rpcinterface:supervisor]',
        'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
        '[supervisorctl]',
        'serverurl=unix://%(here)s/supervisor.sock',
        '[include]',
        'files = out/shop.conf',
        '',
      ].join('\n'),
    );
    supervisord = spawn('supervisord', ['--nodaemon', '-c', conf], { cwd: root, stdio: 'ignore' });
    // Not installed (.ci/run installs Debian's supervisor): fail on that, not on a timeout and an uncaught error.
    const missing = new Promise<never>((_, fail) => supervisord!.once('error', (error) => fail(new Error(`supervisord: ${error.message} (apt-get install supervisor)`))));
    const exited = new Promise((done) => supervisord!.once('exit', done));
    const running = (status: string) => ['db', 'api:api\\.1', 'api:api\\.2', 'web'].every((name) => new RegExp(`^${name}\\s+RUNNING`, 'm').test(status));
    await Promise.race([statusUntil(running, 30_000), missing]);
    await waitUntil(() => reportsOf('db').length === 1 && reportsOf('api').length === 2 && reportsOf('web').length === 1, 10_000, 'every report');

    const db = reportsOf('db')[0]!;
    expect(argvOf(db.pid).slice(-1)).toEqual(['two\nlines']);
    expect(db.env.Authorize).toBe(KEY);

    const api = reportsOf('api').sort((a, b) => Number(a.env.LAND_REPLICA) - Number(b.env.LAND_REPLICA));
    expect(api.map((r) => [r.env.LAND_REPLICA, r.env.PORT])).toEqual([
      ['1', '58370'],
      ['2', '58371'],
    ]);
    // Each replica's telemetry told apart as land tells it: service.instance.id=<tier>.<n>.
    expect(api.map((r) => /(?:^|,)service\.instance\.id=([^,]*)/.exec(r.env.OTEL_RESOURCE_ATTRIBUTES ?? '')?.[1])).toEqual(['api.1', 'api.2']);
    expect(api[0]!.env.OTEL_RESOURCE_ATTRIBUTES).toMatch(/^land\.tier=api,land\.profile=[\w-]+,land\.boot_id=[\w-]+,service\.instance\.id=api\.1$/);
    for (const replica of api) {
      expect(replica.env).toMatchObject({ ...AWKWARD, Authorize: KEY, LAND_TIER: 'api', OTEL_SERVICE_NAME: 'shop-api' });
      expect(argvOf(replica.pid)).toContain(`--api-key=${ARG_SECRET}`);
    }
    const web = reportsOf('web')[0]!;
    expect(argvOf(web.pid).slice(-2)).toEqual(['--say', `Bearer ${BEARER}`]);
    // The scheduled tier is not run by supervisord's start; `supervisorctl start` (its crontab line) runs it once.
    expect((await ctl('status', 'job')).stdout).toMatch(/^job\s+STOPPED\s+Not started/m);
    expect(existsSync(join(root, 'job-ran'))).toBe(false);
    const started = await ctl('start', 'job');
    expect(started.code, started.stdout + started.stderr).toBe(0);
    await statusUntil((status) => /^job\s+EXITED/m.test(status), 10_000);
    expect(readFileSync(join(root, 'job-ran'), 'utf8')).toBe('ran');
    const deployment = db.env.LAND_BOOT_ID!;
    expect(markedProcesses(deployment).length).toBeGreaterThanOrEqual(4);

    const shutdown = await ctl('shutdown');
    expect(shutdown.code, shutdown.stderr).toBe(0);
    await exited;
    await waitUntil(() => markedProcesses(deployment).length === 0, 10_000, 'no process of the deployment');
  }, 60_000);
});
