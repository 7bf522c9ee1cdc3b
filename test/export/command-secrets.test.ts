/**
 * Secrets in the commands `land export` writes: a tier's command, its probes and its stop command. Each secret
 * argument goes to the 0600 files only, and each engine's rendering still runs the same argv: the test runs what
 * each engine would run (the unit's Exec lines, Compose's command and healthcheck, the Deployment's command, probes
 * and preStop hook) here, with the environment the engine would give it, against a real server that checks the
 * credentials. Also Kubernetes' loopback probes: run inside the container (exec), not from the kubelet.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects } from '../helpers/land.js';
import { allFiles, composeConfig, execArgv, fileMode, readEnvironmentFile, readKubernetes, readUnit, verifyUnits, type KubeObject, exportEach, type Exported } from './helpers.js';

const SECRETS = ['hunter2', 'abc123', 'pw-plain-123', 'bearer-sekrit-999', 'tok-sekrit-777', 'cmdkey-999', 'urlpw-555', 'argtok-444'];
/** An argument that is not a shell script holds two secrets, with `$`, `%` and quotes around them. */
const URL_ARGS = ['--url=http://u:urlpw-555@h/x?a=$HOME&b=100%', "--token=argtok-444 it's $$"];
const root = mkdtempSync(join(tmpdir(), 'land-export-command-secrets-'));
const out = (engine: string) => join(root, engine);
/** Where the commands under test write their argv, one file each. */
const written = (name: string) => join(root, `${name}.txt`);
let outputs: Record<string, Exported>;
let server: Server;
let port = 0;

/** Runs an argv with only the given environment (and PATH); its exit code. */
function run(argv: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    execFile(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH, ...env }, timeout: 15_000 }, (error) => {
      done(error ? (typeof error.code === 'number' ? error.code : 1) : 0);
    });
  });
}

const argvWritten = (name: string) => readFileSync(written(name), 'utf8');
const clear = () => {
  for (const name of ['cmd', 'ready', 'stop', 'line', 'basic', 'args']) rmSync(written(name), { force: true });
};

/** The exported Deployments' containers and Secrets' data, by tier. */
function kubernetesExport() {
  const objects = readKubernetes(join(out('kubernetes'), 'qapp.yaml'));
  const secrets = readKubernetes(join(out('kubernetes'), 'qapp-secrets.yaml'));
  return {
    container: (tier: string) => objects.find((o: KubeObject) => o.kind === 'Deployment' && o.metadata.name === `qapp-${tier}`)!.spec.template.spec.containers[0],
    secretOf: (tier: string) => secrets.find((o: KubeObject) => o.metadata.name === `qapp-${tier}-secrets`)!.stringData as Record<string, string>,
  };
}

/** Kubernetes expands $(KEY) in a container's command from its environment, and $$ to $. */
const expand = (argv: string[], env: Record<string, string>) => argv.map((word) => word.replace(/\$\$|\$\((\w+)\)/g, (text, key: string | undefined) => (key ? env[key] ?? text : '$')));

beforeAll(async () => {
  // Basic auth and the token for /, the Bearer token for /bearer, nothing for /open: a probe that lost one gets a 401.
  server = createServer((request, response) => {
    const basic = `Basic ${Buffer.from('user:hunter2').toString('base64')}`;
    const bearer = request.headers.authorization === 'Bearer bearer-sekrit-999';
    const ok = request.url === '/open' || (request.url === '/bearer' ? bearer : request.url === '/basic' ? request.headers.authorization === basic : request.url === '/?token=abc123' && request.headers.authorization === basic);
    response.writeHead(ok ? 200 : 401).end(ok ? 'ok' : '');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  port = (server.address() as AddressInfo).port;
  const record = (name: string) => ['sh', '-c', 'printf "%s\\n" "$@" > "$0"', written(name)];
  const dir = makeProject({
    config: {
      app: 'qapp',
      tiers: {
        api: { command: [...record('cmd'), '--api-key=cmdkey-999', 'plain'], ready: { http: `http://user:hunter2@127.0.0.1:${port}/?token=abc123` } },
        svc: {
          command: ['sleep', '100'],
          ready: { exec: [...record('ready'), '--password', 'pw-plain-123'] },
          liveness: { exec: ['curl', '-fsS', '-H', 'Authorization: Bearer bearer-sekrit-999', `http://127.0.0.1:${port}/bearer`] },
          stop: { command: ['sh', '-c', `echo stopping --token tok-sekrit-777 > ${written('stop')}`] },
        },
        net: { command: ['sleep', '100'], ready: { tcp: port }, liveness: { http: `http://localhost:${port}/open` } },
        // A secret inside a shell line, and curl's -u user:password (given apart, and inside a script).
        line: { shell: true, command: `sh -c 'curl -fsS -H "Authorization: Bearer bearer-sekrit-999" http://127.0.0.1:${port}/bearer && echo ok > ${written('line')}'` },
        basic: {
          command: ['curl', '-fsS', '-o', written('basic'), '-u', 'user:hunter2', `http://127.0.0.1:${port}/basic`],
          ready: { exec: ['sh', '-c', `curl -fsS --user user:hunter2 http://127.0.0.1:${port}/basic`] },
        },
        args: { command: [...record('args'), ...URL_ARGS] },
        far: { command: ['sleep', '100'], ready: { tcp: 5432, host: 'db.internal' }, liveness: { http: 'http://web.internal:8080/health?deep=1' } },
      },
    },
  });
  outputs = await exportEach(dir, root);
}, 120_000);

afterAll(async () => {
  removeProjects();
  rmSync(root, { recursive: true, force: true });
  await new Promise((closed) => server.close(closed));
});

describe('land export: secrets in commands, probes and stop commands', () => {
  it('every engine: no secret outside the 0600 files, nor on the terminal', () => {
    for (const engine of ['systemd', 'compose', 'kubernetes'] as const) {
      const { code, stdout, stderr } = outputs[engine]!;
      expect(code, stderr).toBe(0);
      for (const secret of SECRETS) expect(stdout + stderr).not.toContain(secret);
      const files = allFiles(out(engine));
      for (const file of files) {
        const holds = SECRETS.filter((secret) => file.text.includes(secret));
        if (fileMode(join(out(engine), file.name)) !== 0o600) expect(holds, `${engine} ${file.name}`).toEqual([]);
      }
      // Each secret is in a 0600 file.
      const secretText = files.filter((file) => fileMode(join(out(engine), file.name)) === 0o600).map((file) => file.text).join('\n');
      for (const secret of SECRETS) expect(secretText, `${engine} ${secret}`).toContain(secret);
    }
  });

  it('systemd: the units verify; command, probes, liveness check and stop command run as written, the secrets read from the EnvironmentFile=', async () => {
    const dir = out('systemd');
    const verified = await verifyUnits(dir);
    expect(verified.stderr).toBe('');
    const api = readUnit(join(dir, 'qapp-api.service')).Service!;
    const svc = readUnit(join(dir, 'qapp-svc.service')).Service!;
    const apiEnv = readEnvironmentFile(join(dir, 'qapp-api.secrets.env'));
    const svcEnv = readEnvironmentFile(join(dir, 'qapp-svc.secrets.env'));
    expect(api.EnvironmentFile).toEqual(['/etc/land/qapp/qapp-api.secrets.env']);
    clear();
    expect(await run(execArgv(api.ExecStart![0]!, apiEnv), {})).toBe(0);
    expect(argvWritten('cmd')).toBe('--api-key=cmdkey-999\nplain\n');
    // The readiness wait passes only with the URL's user:password and its ?token=.
    expect(await run(execArgv(api.ExecStartPost![0]!, apiEnv), apiEnv)).toBe(0);
    expect(await run(execArgv(svc.ExecStartPost![0]!, svcEnv), svcEnv)).toBe(0);
    expect(argvWritten('ready')).toBe('--password\npw-plain-123\n');
    expect(await run(execArgv(svc.ExecStop![0]!, svcEnv), svcEnv)).toBe(0);
    expect(argvWritten('stop')).toBe('stopping --token tok-sekrit-777\n');
    // The liveness unit reads the tier's secrets file too; its check, run alone, passes with the Bearer token.
    const liveness = readUnit(join(dir, 'qapp-svc-liveness.service')).Service!;
    expect(liveness.EnvironmentFile).toEqual(['/etc/land/qapp/qapp-svc.secrets.env']);
    const check = /if timeout \d+ (.*) >\/dev\/null 2>&1; then/.exec(execArgv(liveness.ExecStart![0]!, svcEnv)[2]!)![1]!;
    expect(await run(['sh', '-c', check], svcEnv)).toBe(0);
    expect(await run(['sh', '-c', check], {})).not.toBe(0);
  });

  it('compose: the file validates; the command and healthchecks run as written with the env_file the service gets', async () => {
    const { code, stderr, config } = await composeConfig(out('compose'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const api = config.services.api!;
    const svc = config.services.svc!;
    clear();
    expect(await run(api.command, api.environment)).toBe(0);
    expect(argvWritten('cmd')).toBe('--api-key=cmdkey-999\nplain\n');
    expect(api.healthcheck.test[0]).toBe('CMD');
    expect(await run(api.healthcheck.test.slice(1), api.environment)).toBe(0);
    expect(await run(svc.healthcheck.test.slice(1), svc.environment)).toBe(0);
    expect(argvWritten('ready')).toBe('--password\npw-plain-123\n');
    // Without the secrets the service gets from its env_file, the healthcheck fails: the value is not in compose.yaml.
    const { LAND_READY_SECRET_1: _, ...withoutSecret } = api.environment as Record<string, string>;
    expect(await run(api.healthcheck.test.slice(1), withoutSecret)).not.toBe(0);
  });

  it('kubernetes: the objects validate; command, probes and preStop hook run as written with the Secret; loopback probes run inside the container', async () => {
    const { container, secretOf } = kubernetesExport();
    clear();
    expect(await run(expand(container('api').command, secretOf('api')), {})).toBe(0);
    expect(argvWritten('cmd')).toBe('--api-key=cmdkey-999\nplain\n');
    for (const probe of ['startupProbe', 'readinessProbe']) {
      expect(container('api')[probe].httpGet).toBeUndefined();
      expect(await run(container('api')[probe].exec.command, secretOf('api'))).toBe(0);
    }
    expect(await run(container('svc').readinessProbe.exec.command, secretOf('svc'))).toBe(0);
    expect(argvWritten('ready')).toBe('--password\npw-plain-123\n');
    expect(await run(container('svc').livenessProbe.exec.command, secretOf('svc'))).toBe(0);
    expect(await run(container('svc').lifecycle.preStop.exec.command, secretOf('svc'))).toBe(0);
    expect(argvWritten('stop')).toBe('stopping --token tok-sekrit-777\n');
    // Loopback: checked from inside the container, where a server listening on 127.0.0.1 answers.
    expect(container('net').readinessProbe.exec.command).toEqual(['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
    expect(container('net').livenessProbe.exec.command[0]).toBe('sh');
    expect(await run(container('net').readinessProbe.exec.command, {})).toBe(0);
    expect(await run(container('net').livenessProbe.exec.command, {})).toBe(0);
    // Another host: the kubelet probes it, as before.
    expect(container('far').readinessProbe).toMatchObject({ tcpSocket: { port: 5432, host: 'db.internal' } });
    expect(container('far').livenessProbe).toMatchObject({ httpGet: { path: '/health?deep=1', port: 8080, host: 'web.internal', scheme: 'HTTP' } });
  });
});

describe('land export: a secret inside a shell line moves alone; curl -u user:password', () => {
  /** The line's words a person reads in the file: all but the token. */
  const visible = ['curl -fsS -H', 'Authorization: Bearer ', '/bearer && echo ok > '];

  it('systemd: only the token of the line is in its secrets file; the line and curl -u run with it, and fail without', async () => {
    const dir = out('systemd');
    const line = readUnit(join(dir, 'qapp-line.service')).Service!.ExecStart![0]!;
    const lineEnv = readEnvironmentFile(join(dir, 'qapp-line.secrets.env'));
    expect(lineEnv).toEqual({ LAND_COMMAND_SECRET_1: 'bearer-sekrit-999' });
    for (const text of visible) expect(line).toContain(text);
    clear();
    expect(await run(execArgv(line, lineEnv), {})).not.toBe(0);
    expect(await run(execArgv(line, lineEnv), lineEnv)).toBe(0);
    expect(argvWritten('line')).toBe('ok\n');
    const basic = readUnit(join(dir, 'qapp-basic.service')).Service!;
    const basicEnv = readEnvironmentFile(join(dir, 'qapp-basic.secrets.env'));
    expect(basicEnv).toEqual({ LAND_COMMAND_SECRET_1: 'hunter2', LAND_READY_SECRET_1: 'hunter2' });
    expect(basic.ExecStartPost![0]).toContain('curl -fsS --user user:');
    expect(await run(execArgv(basic.ExecStart![0]!, basicEnv), {})).toBe(0);
    expect(argvWritten('basic')).toBe('ok');
    expect(await run(execArgv(basic.ExecStartPost![0]!, basicEnv), basicEnv)).toBe(0);
  });

  it('compose: the same, with the env_file the service gets', async () => {
    const { code, config } = await composeConfig(out('compose'));
    expect(code).toBe(0);
    const line = config.services.line!;
    for (const text of visible) expect(line.command.join(' ')).toContain(text);
    const { LAND_COMMAND_SECRET_1: token, ...withoutSecret } = line.environment as Record<string, string>;
    expect(token).toBe('bearer-sekrit-999');
    clear();
    expect(await run(line.command, withoutSecret)).not.toBe(0);
    expect(await run(line.command, line.environment)).toBe(0);
    expect(argvWritten('line')).toBe('ok\n');
    const basic = config.services.basic!;
    expect(await run(basic.command, basic.environment)).toBe(0);
    expect(argvWritten('basic')).toBe('ok');
    expect(await run(basic.healthcheck.test.slice(1), basic.environment)).toBe(0);
  });

  it('kubernetes: the same, with the Secret in the container environment', async () => {
    const { container, secretOf } = kubernetesExport();
    expect(secretOf('line')).toEqual({ LAND_COMMAND_SECRET_1: 'bearer-sekrit-999' });
    const line = container('line').command as string[];
    for (const text of visible) expect(line.join(' ')).toContain(text);
    clear();
    expect(await run(expand(line, secretOf('line')), secretOf('line'))).toBe(0);
    expect(argvWritten('line')).toBe('ok\n');
    expect(await run(expand(container('basic').command, secretOf('basic')), secretOf('basic'))).toBe(0);
    expect(argvWritten('basic')).toBe('ok');
    expect(await run(container('basic').readinessProbe.exec.command, secretOf('basic'))).toBe(0);
  });
});

describe('land export: an argument that is not a shell script keeps its words; only its secrets move', () => {
  const expected = `${URL_ARGS.join('\n')}\n`;
  const visible = ['--url=http://u:', '@h/x?a=', '--token=', ' it'];
  /** The tier's secrets: each secret alone, not the argument that holds it. */
  const alone = { LAND_COMMAND_SECRET_1: 'urlpw-555', LAND_COMMAND_SECRET_2: 'argtok-444' };

  it('systemd: ${KEY} inside the word; the argv is the same', async () => {
    const line = readUnit(join(out('systemd'), 'qapp-args.service')).Service!.ExecStart![0]!;
    const env = readEnvironmentFile(join(out('systemd'), 'qapp-args.secrets.env'));
    expect(env).toEqual(alone);
    for (const text of visible) expect(line).toContain(text);
    clear();
    expect(await run(execArgv(line, env), {})).toBe(0);
    expect(argvWritten('args')).toBe(expected);
  });

  it('compose: through sh, the secret quoted inside the word', async () => {
    const { code, config } = await composeConfig(out('compose'));
    expect(code).toBe(0);
    const service = config.services.args!;
    const { LAND_COMMAND_SECRET_1, LAND_COMMAND_SECRET_2 } = service.environment as Record<string, string>;
    expect({ LAND_COMMAND_SECRET_1, LAND_COMMAND_SECRET_2 }).toEqual(alone);
    for (const text of visible) expect(service.command.join(' ')).toContain(text);
    clear();
    expect(await run(service.command, service.environment)).toBe(0);
    expect(argvWritten('args')).toBe(expected);
  });

  it('kubernetes: $(KEY) inside the word', async () => {
    const { container, secretOf } = kubernetesExport();
    expect(secretOf('args')).toEqual(alone);
    const command = container('args').command as string[];
    for (const text of visible) expect(command.join(' ')).toContain(text);
    clear();
    expect(await run(expand(command, secretOf('args')), {})).toBe(0);
    expect(argvWritten('args')).toBe(expected);
  });
});
