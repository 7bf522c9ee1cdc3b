/** `land init` from a PM2 ecosystem file, through the real CLI: the written config loads, checks clean and boots. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHILD, land, landDone, markedProcesses } from '../helpers/land.js';

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
const ECOSYSTEM = `// the computed values run, as pm2 runs this file
const base = { env: { APP_ENV: 'dev' } };
module.exports = {
  apps: [
    {
      name: 'api',
      script: ${JSON.stringify(CHILD)},
      args: ['--say', 'api up'],
      instances: 2,
      exec_mode: 'cluster',
      env: { ...base.env, PORT: 7000 },
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

describe.concurrent('land init from a PM2 ecosystem file', () => {
  it('maps script, args, interpreter, env, instances, restarts, cron_restart, watch and the memory limit; the result boots', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ecosystem.config.js'), ECOSYSTEM);
    const init = await landDone(['init'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^land: wrote land\.config\.ts from ecosystem\.config\.js: 4 tiers \(api, report, nightly, worker\); \d+ notes in comments/);
    expect(init.stdout).toContain('land: also wrote profiles/production.env, profiles/default.env.');
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain(`command: ['node', ${JSON.stringify(CHILD).replace(/"/g, "'")}, '--say', 'api up']`);
    expect(config).toContain("env: { APP_ENV: 'dev', PORT: '7000' }");
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
    expect(text).toContain("server: { command: ['node', 'server.js'], env: { A: '2' }");
    // env_staging sets A, which the app's env sets otherwise: a profile would lose to the tier's env.
    expect(text).toMatch(/\/\/ env_staging: no profile \(A is in an app's env too.*\): set A for it by hand/);
    expect(existsSync(join(json, 'profiles'))).toBe(false);

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
});
