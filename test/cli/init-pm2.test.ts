/** `land init` from a PM2 ecosystem file, through the real CLI: the written config loads, checks clean and boots. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, freePort, land, landDone, markedProcesses } from '../helpers/land.js';
import { connect } from 'node:net';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-init-pm2-'));
  folders.push(dir);
  return dir;
}

/** An ecosystem.config.js as `pm2 init` writes them (CommonJS), with what a real one holds. */
const ecosystem = (port: number) => `// the computed values run, as pm2 runs this file
const base = { env: { APP_ENV: 'dev' } };
module.exports = {
  apps: [
    {
      name: 'api',
      script: ${JSON.stringify(CHILD)},
      args: ['--say', 'api up', '--tcp', 'PORT'],
      instances: 2,
      exec_mode: 'cluster',
      env: { ...base.env, PORT: ${port} },
      env_production: { NODE_ENV: 'production' },
      max_memory_restart: '300M',
      max_restarts: 3,
      restart_delay: 500,
      kill_timeout: 3000,
      watch: ['src'],
      ignore_watch: ['src/generated'],
      out_file: './logs/api.log',
    },
    {
      name: 'report',
      script: 'node',
      interpreter: 'none',
      args: '-p "\\'report\\' + \\'-ran\\'"',
      autorestart: false,
      cron_restart: '*/2 * * * * *',
      env_production: { NODE_ENV: 'production' },
    },
    { name: 'nightly', script: 'rotate.sh', cron_restart: '0 3 * * *' },
    { name: 'worker', script: 'worker.py', args: '--queue mail', interpreter_args: '-u', merge_logs: true },
  ],
  deploy: { production: { user: 'node' } },
};
`;

/** Whether something listens on 127.0.0.1:port (one try). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Whether something comes to listen on the port before the deadline (polled). */
async function acceptsWithin(port: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (await accepts(port)) return true;
  }
  return false;
}

describe.concurrent('land init from a PM2 ecosystem file', () => {
  it('maps script, args, interpreter, env, instances, restarts, cron_restart, watch and the memory limit; the result boots', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    const port = await freePort();
    writeFileSync(join(dir, 'ecosystem.config.js'), ecosystem(port));
    const init = await landDone(['init'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^land: wrote land\.config\.ts from ecosystem\.config\.js: 4 tiers \(api, report, nightly, worker\); \d+ notes in comments/);
    expect(init.stdout).toContain('land: also wrote profiles/production.env, profiles/default.env.');
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain(`command: ['node', ${JSON.stringify(CHILD).replace(/"/g, "'")}, '--say', 'api up', '--tcp', 'PORT']`);
    // Cluster mode's shared port: each replica its own (port + n - 1), not one PORT all but the first are refused.
    expect(config).toContain("env: { APP_ENV: 'dev' }");
    expect(config).toContain(`port: ${port}`);
    expect(config).toContain('replicas: 2');
    expect(config).toContain("restart: { policy: 'always', maxRestarts: 3, backoff: { initialMs: 500, maxMs: 500 } }");
    expect(config).toContain("watch: { paths: ['src'], ignore: ['src/generated'] }");
    expect(config).toContain("limits: { memory: '300M' }");
    expect(config).toContain('stop: { timeoutMs: 3000 }');
    // The job: cron_restart with autorestart false; its args string needs a shell.
    expect(config).toContain(String.raw`report: { command: 'node -p "\'report\' + \'-ran\'"', shell: true, schedule: '*/2 * * * * *' }`);
    expect(config).toContain("command: ['python3', '-u', 'worker.py', '--queue', 'mail']");
    expect(config).toContain("defaultProfile: 'default'");
    // What has no equivalent, in comments.
    expect(config).toContain('// not mapped: out_file: "./logs/api.log"');
    expect(config).toContain('// not mapped: merge_logs: true');
    expect(config).toContain('// not mapped (top level): deploy');
    expect(config).toMatch(/\/\/ cron_restart "0 3 \* \* \*": land does not restart a running tier at times/);
    expect(config).toMatch(/\/\/ exec_mode cluster: /);
    expect(readFileSync(join(dir, 'profiles', 'production.env'), 'utf8')).toMatch(/^NODE_ENV=production$/m);

    const check = await landDone(['check'], dir);
    expect(check.stdout + check.stderr).toMatch(/no problems/);
    expect(check.code).toBe(0);
    // Boots as it is: the API's two replicas, and the job at its times (the others are not on this machine).
    const api = land(['up', '--no-tui', 'api', 'report'], dir);
    await api.waitFor(/api\.2: spawned pid/, 40_000);
    for (const each of [port, port + 1]) expect(await acceptsWithin(each, 30_000), `a replica listening on ${each}`).toBe(true);
    await api.waitFor(/report +\| report-ran/, 40_000);
    await api.waitFor(/report: \w+ → scheduled \(waiting for its next time/, 40_000);
    expect((await api.stop()).code).toBe(0);
    expect(markedProcesses(api.bootId)).toEqual([]);
  });

  it('reads ecosystem.config.json, and a .mjs with a top-level await that never settles fails in time, naming the file', { timeout: 60_000 }, async () => {
    const json = tempDir();
    writeFileSync(join(json, 'ecosystem.config.json'), JSON.stringify({ apps: [{ script: 'server.js', env_staging: { A: '1' }, env: { A: '2' } }] }));
    const fromJson = await landDone(['init'], json);
    expect(fromJson.code, fromJson.stderr).toBe(0);
    const text = readFileSync(join(json, 'land.config.ts'), 'utf8');
    // env_staging sets A, which the app's env sets otherwise: A moves from the tier's env (which would win) to the profiles.
    expect(text).toContain("server: { command: ['node', 'server.js'], restart: { policy: 'always' } }");
    expect(readFileSync(join(json, 'profiles', 'staging.env'), 'utf8')).toMatch(/^A=1$/m);
    expect(readFileSync(join(json, 'profiles', 'default.env'), 'utf8')).toMatch(/^A=2$/m);

    const hung = tempDir();
    writeFileSync(join(hung, 'ecosystem.config.mjs'), 'await new Promise(() => {});\nexport default { apps: [] };\n');
    const slow = await landDone(['init'], hung, { LAND_CONFIG_TIMEOUT_MS: '500' });
    expect(slow.code).toBe(2);
    expect(slow.stderr).toBe('land: ecosystem.config.mjs: did not finish loading within 500 ms (a top-level await that never settles?)\n');

    const empty = tempDir();
    writeFileSync(join(empty, 'ecosystem.config.cjs'), 'module.exports = { apps: [] };\n');
    const none = await landDone(['init'], empty);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe("land: ecosystem.config.cjs: apps: expected an array of apps, e.g. module.exports = { apps: [{ name: 'web', script: 'server.js' }] }\n");
    expect(existsSync(join(empty, 'land.config.ts'))).toBe(false);

    // A script that is not a file name, or no app with a script: one line, exit 2, nothing written.
    const bad: Array<[string, string]> = [
      ["{ apps: [{ name: 'web', script: 42 }] }", "apps[0].script: expected a string (the file to run, e.g. 'server.js'), got 42"],
      ["{ apps: [{ name: 'web', script: 'web.js' }, { name: 'job', script: ['a.js'] }] }", 'apps[1].script: expected a string (the file to run, e.g. \'server.js\'), got ["a.js"]'],
      ["{ apps: [{ name: 'web', script: ' ' }] }", "apps[0].script: expected a string (the file to run, e.g. 'server.js'), got an empty string"],
      ["{ apps: [{ name: 'web' }] }", 'apps[0].script: expected a string (the file to run): no app has one, so there is no tier to run'],
      ['{ apps: [5] }', 'apps[0]: expected an object with a script (no app has one, so there is no tier to run), got 5'],
    ];
    for (const [exported, expected] of bad) {
      const dir = tempDir();
      writeFileSync(join(dir, 'ecosystem.config.js'), `module.exports = ${exported};\n`);
      const result = await landDone(['init'], dir);
      expect(result.code, exported).toBe(2);
      expect(result.stderr).toBe(`land: ecosystem.config.js: ${expected}\n`);
      expect(result.stdout).toBe('');
      expect(existsSync(join(dir, 'land.config.ts')), exported).toBe(false);
    }
  });

  it('a script with a space, a script that runs itself, a bad env name, a missing cwd (the tester\'s sixteenth-wave bugs)', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'my app.js'), "console.log('argv ' + JSON.stringify(process.argv.slice(2)));\n");
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\necho "run.sh got $*"\n', { mode: 0o755 });
    const apps = [
      "{ name: 'sp', script: 'my app.js', node_args: '--max-old-space-size=512', args: \"--name 'x y'\", autorestart: false }",
      "{ name: 'piped', script: 'run.sh', interpreter: 'none', args: 'a | tr a-z A-Z', autorestart: false }",
      "{ name: 'gone', script: 'x.js', cwd: '/nonexistent/land-app' }",
    ];
    writeFileSync(join(dir, 'ecosystem.config.js'), `module.exports = { apps: [${apps.join(', ')}] };\n`);
    const init = await landDone(['init'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stderr).toBe('land: warning: ecosystem.config.js: apps[2] (gone): cwd "/nonexistent/land-app": no such folder here: the tier does not start until it exists\n');
    const up = land(['up', '--no-tui', 'sp', 'piped'], dir);
    await up.waitFor(/sp +\| argv \["--name","x y"\]/, 40_000);
    await up.waitFor(/piped +\| RUN\.SH GOT A/, 40_000);
    expect((await up.stop()).code).toBe(0);
    expect(markedProcesses(up.bootId)).toEqual([]);

    // A name the environment cannot hold: one line naming the key (not the value), exit 2, nothing written, and again.
    const bad = tempDir();
    writeFileSync(join(bad, 'ecosystem.config.js'), 'module.exports = { apps: [{ script: "a.js", env: { "A=B": "sekret-value", "": "2", NUL: "a\\u0000b" } }] };\n');
    for (let run = 0; run < 2; run++) {
      const refused = await landDone(['init'], bad);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe('land: ecosystem.config.js: apps[0].env["A=B"]: expected a variable name: not empty, without "=" or a NUL byte, got a name with "="\n');
      expect(readdirSync(bad)).toEqual(['ecosystem.config.js']);
    }
  });
});
