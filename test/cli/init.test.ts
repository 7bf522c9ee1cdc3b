/** `land init` through the real CLI: a realistic process-compose.yaml and a Procfile become configs that load and boot. */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { CHILD, ROOT, freePort, isAlive, land, landDone, markedProcesses } from '../helpers/land.js';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'land-init-'));
  folders.push(dir);
  return dir;
}

/** The fixture stack (test/fixtures/process-compose) in a fresh folder, on free ports. */
async function processComposeProject(): Promise<{ dir: string; dbPort: number; apiPort: number }> {
  const dir = tempDir();
  cpSync(join(ROOT, 'test', 'fixtures', 'process-compose'), dir, { recursive: true });
  const dbPort = await freePort();
  const apiPort = await freePort();
  const file = join(dir, 'process-compose.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll('{{DB_PORT}}', String(dbPort)).replaceAll('{{API_PORT}}', String(apiPort)));
  return { dir, dbPort, apiPort };
}

// Each test has folders (and ports) of its own and mostly waits on land: the tests run side by side (consecutive
// concurrent describes run together, five at a time), but for the last describe.
describe.concurrent('land init from a process-compose.yaml', () => {
  it('maps commands, env, depends_on conditions, probes, restart and shutdown, says what it could not, and the result boots', { timeout: 120_000 }, async () => {
    const { dir, dbPort, apiPort } = await processComposeProject();
    const init = await landDone(['init'], dir);
    expect(init.stderr).toBe('');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^land: wrote land\.config\.ts from process-compose\.yaml: 5 tiers \(db, migrate, api, worker, docs\); \d+ notes in comments/);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain("import { defineConfig } from 'land';");
    // depends_on conditions
    expect(config).toContain("dependsOn: { db: 'ready', migrate: 'completed' }");
    expect(config).toContain("dependsOn: { api: 'started' }");
    // probes: readiness exec and http_get with its deadline, liveness with interval, timeout and threshold
    expect(config).toContain(`ready: { exec: ['/bin/sh', '-c', 'node scripts/ping.mjs ${dbPort}'], timeoutMs: 20000 }`);
    expect(config).toContain(`ready: { http: 'http://127.0.0.1:${apiPort}/health', timeoutMs: 30000 }`);
    expect(config).toMatch(/liveness: \{\s+http: 'http:\/\/127\.0\.0\.1:\d+\/health',\s+intervalMs: 5000,\s+timeoutMs: 2000,\s+failureThreshold: 3,/);
    expect(config).toContain("ready: { log: 'worker waiting for jobs' }");
    // availability and shutdown
    expect(config).toContain("restart: { policy: 'on-failure', backoff: { initialMs: 2000, maxMs: 2000 }, maxRestarts: 3 }");
    expect(config).toContain("stop: { signal: 'SIGINT', timeoutMs: 5000, command: 'node ../../scripts/drain.mjs' }");
    expect(config).toContain("stop: { signal: 'SIGTERM', timeoutMs: 3000 }");
    // environment (the top level's merged in), working_dir, a shell command kept as one
    expect(config).toContain(`env: { APP_ENV: 'development', API_PORT: '${apiPort}', DATABASE_URL: 'http://127.0.0.1:${dbPort}/app' }`);
    expect(config).toContain("cwd: './services/api'");
    expect(config).toContain(`command: 'node server.mjs --name "api" --port $API_PORT',\n      shell: true,`);
    // what could not be mapped, in comments
    expect(config).toContain('// shutdown.command and shutdown.signal: land runs the command instead of the signal, and sends SIGINT only when the command fails');
    expect(config).toContain('// not mapped: namespace: "background"');
    expect(config).toContain('// not mapped (top level): log_location: "./.pc/process-compose.log"');
    expect(config).toContain('// availability.restart "exit_on_failure"');
    expect(config).toContain('when: () => false,');

    // It checks clean and boots: the dependency order, the probes and the env are the ones process-compose had.
    const check = await landDone(['check'], dir);
    expect(check.stdout + check.stderr).toMatch(/no problems/);
    expect(check.code).toBe(0);
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/db: starting → ready \(exec .*ping\.mjs/, 40_000);
    // Ready first, or exited before its ready settle: either way it completed.
    await run.waitFor(/migrate: (ready|starting) → exited \(completed with code 0\)/, 40_000);
    await run.waitFor(/api: starting → ready \(http http:\/\/127\.0\.0\.1:\d+\/health passed\)/, 40_000);
    await run.waitFor(/worker: starting → ready \(log worker waiting for jobs passed\)/, 40_000);
    expect(run.output).toContain(`database http://127.0.0.1:${dbPort}/app, cwd ${join(dir, 'services', 'api')}`);
    expect(run.output.indexOf('migrate: pending → starting')).toBeGreaterThan(run.output.indexOf('db: starting → ready'));
    expect(run.output.indexOf('api: pending → starting')).toBeGreaterThan(run.output.indexOf('migrate: ready → exited'));
    expect(run.output).not.toMatch(/docs: .*starting/);
    expect((await run.stop()).code).toBe(0);
    // shutdown.command drains the API, run with its environment in its folder (no SIGINT: it is for a failing command).
    expect(run.output).toMatch(/api +\| api draining \(asked by the stop command\)/);
    expect(run.output).toMatch(/api +\| \[stop\] drained/);
    expect(run.output).not.toMatch(/api draining \(SIGINT\)/);
    expect(markedProcesses(run.bootId)).toEqual([]);

    // An existing config is not overwritten without --force.
    const again = await landDone(['init'], dir);
    expect(again.code).toBe(4);
    expect(again.stderr).toBe('land: land.config.ts already exists: pass --force to overwrite it\n');
    expect((await landDone(['init', '--force'], dir)).code).toBe(0);
  });

  it('rejects a file that is not YAML, or has no processes, with one line naming the file and exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'process-compose.yaml'), 'processes:\n  web:\n    command: "x\n  bad: [\n');
    const broken = await landDone(['init'], dir);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^land: process-compose\.yaml:\d+: not valid YAML: .+\n$/);
    writeFileSync(join(dir, 'process-compose.yaml'), 'version: "0.5"\n');
    const empty = await landDone(['init'], dir);
    expect(empty.stderr).toBe('land: process-compose.yaml: processes: expected a map of processes, e.g. processes: { web: { command: … } }\n');
    expect(existsSync(join(dir, 'land.config.ts'))).toBe(false);
  });

  it('refuses a file where no process has a command (or no Procfile line is usable): one line naming what is missing, exit 2, nothing written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'process-compose.yaml'), 'processes:\n  a:\n    description: hi\n');
    for (let run = 0; run < 2; run++) {
      // Twice: before, a config of no tiers was left behind, and the rerun said it already exists (exit 4).
      const result = await landDone(['init'], dir);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('land: process-compose.yaml: processes.a.command: expected a command line (or an entrypoint): no process has one, so there is no tier to run\n');
      expect(existsSync(join(dir, 'land.config.ts'))).toBe(false);
    }
    writeFileSync(join(dir, 'process-compose.yaml'), 'processes:\n  a: 5\n');
    const notMap = await landDone(['init'], dir);
    expect(notMap.stderr).toBe('land: process-compose.yaml: processes.a: expected a map with a command (no process has one, so there is no tier to run), got 5\n');

    const procfileDir = tempDir();
    writeFileSync(join(procfileDir, 'Procfile'), '# nothing yet\n\n');
    const procfile = await landDone(['init'], procfileDir);
    expect(procfile.code).toBe(2);
    expect(procfile.stderr).toBe('land: Procfile:1: expected at least one <process type>: <command> line\n');
    expect(existsSync(join(procfileDir, 'land.config.ts'))).toBe(false);
  });

  it('refuses a variable the environment cannot hold, as the PM2 import does: exit 2, one line naming file and key, nothing written', async () => {
    const cases: Array<[string, string]> = [
      ['processes:\n  web:\n    command: "sleep 1"\n    environment:\n      - "OK=1"\n      - "A\\0B=sekret-value"\n', 'processes.web.environment[1]: expected a variable name: not empty, without "=" or a NUL byte, got a name with a NUL byte'],
      ['environment:\n  "A=B": sekret-value\nprocesses:\n  web:\n    command: "sleep 1"\n', 'environment["A=B"]: expected a variable name: not empty, without "=" or a NUL byte, got a name with "="'],
      ['processes:\n  web:\n    command: "sleep 1"\n    environment:\n      - " =sekret-value"\n', 'processes.web.environment[0]: expected a variable name: not empty, without "=" or a NUL byte, got an empty name'],
      ['processes:\n  web:\n    command: "sleep 1"\n    environment:\n      TOKEN: "sek\\0ret-value"\n', 'processes.web.environment.TOKEN: expected a value without a NUL byte (the environment ends a value there)'],
    ];
    for (const [yaml, message] of cases) {
      const dir = tempDir();
      writeFileSync(join(dir, 'process-compose.yaml'), yaml);
      const result = await landDone(['init'], dir);
      expect([result.code, result.stderr]).toEqual([2, `land: process-compose.yaml: ${message}\n`]);
      expect(result.stdout + result.stderr).not.toContain('sekret');
      expect(readdirSync(dir)).toEqual(['process-compose.yaml']);
    }
  });

  it('writes only a config that loads: a draft that does not is not written, nor over an existing one with --force', async () => {
    const dir = tempDir();
    // A probe's host that makes no URL, which process-compose's import passes on and land's schema refuses.
    writeFileSync(join(dir, 'process-compose.yaml'), 'processes:\n  web:\n    command: "sleep 1"\n    readiness_probe:\n      http_get:\n        host: "a b"\n        port: 80\n');
    writeFileSync(join(dir, 'land.config.ts'), '// mine\n');
    for (const args of [['init', '--force'], ['init', '--force']]) {
      const result = await landDone(args, dir);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('land: land.config.ts as drafted does not load, so nothing was written: land.config.ts: tiers.web.ready.http: expected an http(s) URL, got "http://a b:80/"\n');
      expect(readFileSync(join(dir, 'land.config.ts'), 'utf8')).toBe('// mine\n');
      expect(readdirSync(dir).sort()).toEqual(['.land', 'land.config.ts', 'process-compose.yaml']);
      expect(readdirSync(join(dir, '.land', 'cache', 'config')).filter((name) => name.endsWith('.json'))).toEqual([]);
    }
  });
});

describe.concurrent('land init with nothing to convert', () => {
  it('writes a starter land.config.ts that loads and passes land check, and never overwrites a config', async () => {
    const dir = tempDir();
    const init = await landDone(['init'], dir);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^land: wrote land\.config\.ts, a starter with one tier \(hello\): nothing here to convert/);
    const text = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(text).toContain("import { defineConfig } from 'land';");
    expect(text).toMatch(/^\/\/ /);
    const config = await loadConfig({ configPath: join(dir, 'land.config.ts') });
    expect(config.tiers.map((tier) => tier.name)).toEqual(['hello']);
    const check = await landDone(['check'], dir);
    expect(check.code).toBe(0);

    // A second init, even with --force, keeps the file as the user left it.
    writeFileSync(join(dir, 'land.config.ts'), `${text}// mine\n`);
    for (const args of [['init'], ['init', '--force']]) {
      const again = await landDone(args, dir);
      expect(again.code).toBe(4);
      expect(again.stderr).toBe('land: land.config.ts already exists, and there is no process-compose.yaml, process-compose.yml, ecosystem.config.js, ecosystem.config.cjs, ecosystem.config.mjs, ecosystem.config.json, Procfile.dev, Procfile here to convert: edit it, or pass --from <file>\n');
    }
    expect(readFileSync(join(dir, 'land.config.ts'), 'utf8')).toBe(`${text}// mine\n`);

    // Nor beside another land config, which a land.config.ts would shadow.
    const other = tempDir();
    writeFileSync(join(other, 'land.config.mjs'), `export default { tiers: { api: { command: ['node', ${JSON.stringify(CHILD)}] } } };\n`);
    const beside = await landDone(['init'], other);
    expect(beside.code).toBe(4);
    expect(beside.stderr).toMatch(/^land: land\.config\.mjs already exists/);
    expect(existsSync(join(other, 'land.config.ts'))).toBe(false);
  });
});

describe.concurrent('land init: ready_log_line', () => {
  it('is plain text in process-compose: land gets it escaped, the config loads and the tier is ready on that line', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const line = 'Listening on [::]:8080 (pid 7) ready.';
    writeFileSync(join(dir, 'process-compose.yaml'), `processes:\n  web:\n    command: node ${CHILD} --say '${line}'\n    ready_log_line: '${line}'\n`);
    expect((await landDone(['init'], dir)).code).toBe(0);
    const loaded = await loadConfig({ cwd: dir });
    const pattern = loaded.tiers[0]!.ready;
    expect(pattern && 'log' in pattern && new RegExp(pattern.log).test(`web | ${line}`)).toBe(true);
    expect(pattern && 'log' in pattern && new RegExp(pattern.log).test('Listening on :::8080 (pid 7) ready!')).toBe(false);
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/web: starting → ready/);
    expect((await run.stop()).code).toBe(0);
  });
});

describe.concurrent('land init: env_file', () => {
  it('maps a process\'s env_file to the tier\'s envFiles: its values reach the process under environment, land export carries them, a missing one is one line', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '.env'), 'STACK=stack\nSHARED=stack\n');
    writeFileSync(join(dir, 'db.env'), 'DB_NAME=shop\nSHARED=${STACK}-db\nBOTH=file\n');
    const printEnv = `node -e 'console.log(JSON.stringify(["STACK","SHARED","DB_NAME","BOTH"].map((n) => process.env[n] ?? null)))'`;
    writeFileSync(join(dir, 'process-compose.yaml'), `processes:\n  db:\n    command: sleep 60\n    env_file: db.env\n    environment:\n      - BOTH=environment\n`);
    const init = await landDone(['init'], dir);
    expect(init.code, init.stderr).toBe(0);
    const text = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(text).toMatch(/envFiles: \[\s*'db\.env',?\s*\]/);
    expect(text).not.toContain('not mapped: env_file');
    const run = await landDone(['run', '--tier', 'db', '--', 'sh', '-c', printEnv], dir);
    expect(run.code, run.stderr).toBe(0);
    // Stack files, then the tier's files (${VAR} from the stack's), then its env.
    expect(JSON.parse(run.stdout.trim())).toEqual(['stack', 'stack-db', 'shop', 'environment']);
    const out = join(dir, 'compose-out');
    expect((await landDone(['export', 'compose', '--out', out], dir)).code).toBe(0);
    const compose = readFileSync(join(out, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/DB_NAME: shop/);
    expect(compose).toMatch(/SHARED: stack-db/);
    rmSync(join(dir, 'db.env'));
    const missing = await landDone(['up', '--no-tui'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('land: land.config.ts: tiers.db.envFiles[0]: expected an env file, found none at db.env\n');
  });
});

describe.concurrent('land init: merge keys and multi-line commands', () => {
  it('resolves <<: *anchor as process-compose does, and a command: | of two lines runs both through the shell', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'process-compose.yaml'),
      [
        'x-common: &common',
        '  availability: { restart: always }',
        'processes:',
        '  web:',
        '    <<: *common',
        `    command: node ${CHILD} --say web-up`,
        '  multi:',
        '    command: |',
        '      echo first line',
        '      echo second line',
      ].join('\n'),
    );
    expect((await landDone(['init'], dir)).code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).not.toContain('<<');
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.tiers.find((t) => t.name === 'web')!.restart.policy).toBe('always');
    expect(loaded.tiers.find((t) => t.name === 'multi')!.command).toEqual(['/bin/sh', '-c', 'echo first line\necho second line']);
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/multi +\| second line/);
    expect(run.stdout).toMatch(/multi +\| first line\n/);
    expect((await run.stop()).code).toBe(0);
  });
});

describe.concurrent('land init: replicas', () => {
  it('maps replicas (1..64) to replicas and notes a count land cannot run; the replicas boot', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'process-compose.yaml'),
      `processes:\n  web:\n    command: node ${CHILD} --say "replica $LAND_REPLICA up"\n    replicas: 2\n  big:\n    command: node ${CHILD}\n    replicas: 100\n    disabled: true\n`,
    );
    expect((await landDone(['init'], dir)).code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toMatch(/web: \{[\s\S]*?replicas: 2,\n    \},\n/);
    expect(config).toContain('// replicas: 100: land runs a whole number 1..64 of replicas of a tier: left out (one instance)');
    expect(config).not.toContain('not mapped: replicas');
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/web\.1 +\| replica 1 up/);
    await run.waitFor(/web\.2 +\| replica 2 up/);
    expect((await run.stop()).code).toBe(0);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});

describe.concurrent('land init: a process disabled in process-compose', () => {
  it('does not start with the stack (disabled, is_disabled: true or "true"), says so on the terminal, and land spawn starts it', { timeout: 90_000 }, async () => {
    const dir = tempDir();
    const say = (name: string) => `node ${CHILD} --say "${name} up"`;
    writeFileSync(
      join(dir, 'process-compose.yaml'),
      [
        'processes:',
        `  on:\n    command: ${say('on')}`,
        `  off:\n    command: ${say('off')}\n    is_disabled: true`,
        `  quoted:\n    command: ${say('quoted')}\n    is_disabled: "true"`,
        `  old:\n    command: ${say('old')}\n    disabled: true`,
        // process-compose reads is_disabled after disabled: "false" starts it.
        `  back:\n    command: ${say('back')}\n    disabled: true\n    is_disabled: "false"`,
        '',
      ].join('\n'),
    );
    const init = await landDone(['init'], dir);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      'land: not started with the stack, as in process-compose.yaml: off (is_disabled: true), quoted (is_disabled: "true"), old (disabled: true); `land spawn <tier>` starts one.\n',
    );
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).not.toContain('not mapped: is_disabled');
    expect(config).toContain('// disabled: true, but is_disabled: "false" overrides it in process-compose: started');

    const up = land(['up', '-d'], dir);
    expect((await up.exited).code, up.stderr).toBe(0);
    try {
      const status = JSON.parse((await landDone(['status', '--json'], dir)).stdout) as { tiers: Array<{ name: string; state: string }> };
      const states = Object.fromEntries(status.tiers.map((tier) => [tier.name, tier.state]));
      expect(states).toEqual({ on: 'ready', off: 'disabled', quoted: 'disabled', old: 'disabled', back: 'ready' });
      expect((await landDone(['spawn', 'off'], dir)).code).toBe(0);
      const logs = land(['logs', 'off', '-f'], dir);
      await logs.waitFor(/off up/);
      await logs.stop();
    } finally {
      expect((await landDone(['down'], dir)).code).toBe(0);
    }
  });
});

describe.concurrent('land init from a Procfile', () => {
  it("writes one tier per process type with foreman's PORT, and the config boots", { timeout: 60_000 }, async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Procfile'), `web: node ${CHILD} --say "web on $PORT"\nworker: node ${CHILD} --say worker-up\n`);
    writeFileSync(join(dir, '.env'), 'PORT=6000\n');
    const init = await landDone(['init'], dir);
    expect(init.code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain(`command: 'node ${CHILD} --say "web on $PORT"',`);
    expect(config).toContain('port: 6000,');
    expect(config).toMatch(/worker: \{ command: \['node', '[^']+child\.mjs', '--say', 'worker-up'\], port: 6100 \},|worker: \{\s+command: \['node', '[^']+child\.mjs', '--say', 'worker-up'\],\s+port: 6100,/);
    expect(config).toMatch(/\/\/ PORT is foreman's: 6000 plus 100 per process type/);
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/web +\| web on 6000/);
    await run.waitFor(/worker +\| worker-up/);
    expect((await run.stop()).code).toBe(0);
  });

  it('converts Procfile.dev over a Procfile beside it, and -f/--procfile any named file (even one named .yml)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Procfile'), 'web: bundle exec puma\n');
    writeFileSync(join(dir, 'Procfile.dev'), 'web: bin/rails server\ncss: bin/rails tailwindcss:watch\n');
    writeFileSync(join(dir, 'procs.yml'), 'js: yarn build --watch\n');
    const init = await landDone(['init'], dir);
    expect(init.stdout).toMatch(/^land: wrote land\.config\.ts from Procfile\.dev: 2 tiers \(web, css\)/);
    expect(readFileSync(join(dir, 'land.config.ts'), 'utf8')).toContain("command: ['bin/rails', 'server']");
    const named = await landDone(['init', '-f', 'procs.yml', '-o', 'named.config.ts'], dir);
    expect(named.stdout).toMatch(/^land: wrote named\.config\.ts from procs\.yml: 1 tier \(js\)/);
    const missing = await landDone(['init', '--procfile', 'Procfile.test'], dir);
    expect([missing.code, missing.stderr]).toEqual([2, `land: --procfile: Procfile.test: file not found\n`]);
  });

  it('renames a process called like land itself (mountain) with a note, where land up and land check refuse it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'Procfile'), `web: node ${CHILD}\nmountain: node ${CHILD} --say up\n`);
    const up = await landDone(['up', '--no-tui'], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toBe("land: Procfile:2: expected a process type other than mountain, echo, mist (land's own names in its events and state lines), got \"mountain\"\n");
    expect(existsSync(join(dir, '.land', 'logs'))).toBe(false);
    expect((await landDone(['check'], dir)).stdout).toContain('Procfile:2: expected a process type other than mountain');

    const init = await landDone(['init'], dir);
    expect(init.code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain(`// "mountain" in the Procfile (renamed: mountain, echo, mist are land's own names)`);
    expect(config).toMatch(/'mountain-app': \{/);
    rmSync(join(dir, 'Procfile'));
    const check = await landDone(['check'], dir);
    expect(check.stderr).toMatch(/no problems/);

    const compose = tempDir();
    writeFileSync(join(compose, 'process-compose.yaml'), `processes:\n  echo:\n    command: node ${CHILD}\n`);
    expect((await landDone(['init'], compose)).code).toBe(0);
    const composed = readFileSync(join(compose, 'land.config.ts'), 'utf8');
    expect(composed).toContain(`// "echo" in process-compose.yaml (renamed: mountain, echo, mist are land's own names)`);
    expect(composed).toMatch(/'echo-app': \{/);
  });

  it('gives two Procfile types that clean to one name two tiers (mountain-app and mountain, _web and web), each noted', async () => {
    const dir = tempDir();
    const types = ['mountain-app', 'mountain', '_web', 'web'];
    writeFileSync(join(dir, 'Procfile'), types.map((type) => `${type}: node ${CHILD}\n`).join(''));
    expect((await landDone(['init'], dir)).code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain(`// "mountain" in the Procfile (renamed: mountain, echo, mist are land's own names; another process's tier is already named mountain-app)`);
    expect(config).toContain(`// "web" in the Procfile (renamed: another process's tier is already named web)`);
    for (const tier of ["'mountain-app'", "'mountain-app-2'", 'web', "'web-2'"]) expect(config).toMatch(new RegExp(`^    ${tier}: \\{`, 'm'));
    rmSync(join(dir, 'Procfile'));
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded.tiers.map((tier) => tier.name).sort()).toEqual(['mountain-app', 'mountain-app-2', 'web', 'web-2']);
  });
});

// Alone, after the others: its readiness (a node probe, period 1 s) has 3 s, which tests beside it on a busy machine
// took from it once.
describe('land init: is_daemon and shutdown.command', () => {
  it('maps them to daemon and stop.command: the converted config boots the daemon, ready on its port, and its stop command ends it', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const port = await freePort();
    const daemon = join(ROOT, 'test', 'fixtures', 'daemon.mjs');
    const stopFile = join(dir, 'stop-now');
    writeFileSync(
      join(dir, 'process-compose.yaml'),
      [
        'processes:',
        '  cache:',
        `    command: "setsid node ${daemon} --tcp ${port} --pidfile cache.pid --stop-file ${stopFile} </dev/null >cache.out 2>&1 &"`,
        '    is_daemon: true',
        '    readiness_probe:',
        `      exec: { command: "node -e \\"require('net').connect(${port}).on('connect', () => process.exit(0)).on('error', () => process.exit(1))\\"" }`,
        '      period_seconds: 1',
        '    shutdown:',
        `      command: touch ${stopFile}`,
        '      timeout_seconds: 5',
        '      parent_only: true',
        '',
      ].join('\n'),
    );
    const init = await landDone(['init'], dir);
    expect(init.code).toBe(0);
    const config = readFileSync(join(dir, 'land.config.ts'), 'utf8');
    expect(config).toContain('daemon: true,');
    // The command runs through a shell (it backgrounds the daemon): so does the stop command, as a string.
    expect(config).toContain(`stop: { timeoutMs: 5000, command: 'touch ${stopFile}' },`);
    expect(config).toContain('// is_daemon: started once the command exits 0; land follows the daemon by its marks');
    expect(config).toContain('// shutdown.parent_only true: land stops the tier\'s whole tree');
    expect(config).not.toContain('not mapped: is_daemon');
    expect((await landDone(['check'], dir)).code).toBe(0);
    const run = land(['up', '--no-tui'], dir);
    await run.waitFor(/cache: starting → ready \(exec .*; daemon pid \d+, its launcher exited 0\)/);
    const daemonPid = Number(readFileSync(join(dir, 'cache.pid'), 'utf8'));
    expect((await run.stop()).code).toBe(0);
    expect(readFileSync(join(dir, 'cache.out'), 'utf8')).toContain('daemon asked to stop, exiting');
    expect(isAlive(daemonPid)).toBe(false);
    expect(markedProcesses(run.bootId)).toEqual([]);
  });
});
