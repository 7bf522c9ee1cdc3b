/**
 * `replicas: N` in `land export`: systemd's template unit and its N instances (LAND_REPLICA from `%i`, PORT shifted
 * per replica, the probes on the replica's own port), Compose's `deploy.replicas` and the Deployment's `replicas`
 * (with what they cannot give a replica said), and each replica's `service.instance.id`. The systemd part runs what
 * systemd would run for each replica here: the ExecStart= line with LAND_REPLICA=n, a real server that listens on
 * $PORT, then the readiness wait and the liveness check, which pass only on that replica's own port; the ids are read
 * from what each engine's command prints.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, ROOT } from '../helpers/land.js';
import { composeConfig, execArgv, exportEach, readEnvironmentFile, readKubernetes, readUnit, unitEnvironment, verifyUnits, type Exported, type KubeObject } from './helpers.js';

const TOKEN = 'tok-replica-secret-8675309';
const SERVER = join(ROOT, 'test', 'fixtures', 'replica-server.mjs');
/** A base port with room for 3 replicas and a 4th that nothing serves. */
const BASE = 41000 + Math.floor(Math.random() * 8000);
const root = mkdtempSync(join(tmpdir(), 'land-export-replicas-'));
const events = join(root, 'events.txt');
const out = (engine: string) => join(root, engine);
let outputs: Record<string, Exported>;
const children: ChildProcess[] = [];

function run(argv: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    execFile(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (error) => {
      done(error ? (typeof error.code === 'number' ? error.code : 1) : 0);
    });
  });
}

beforeAll(async () => {
  const dir = makeProject({
    config: {
      app: 'rep',
      version: '1.0.0',
      tiers: {
        api: {
          command: ['node', SERVER, '--events', events],
          replicas: 3,
          port: BASE,
          ready: { http: `http://127.0.0.1:${BASE}/health?token=${TOKEN}`, timeoutMs: 20_000 },
          liveness: { tcp: BASE },
          restart: { policy: 'always' },
        },
        web: { command: ['node', SERVER, '--events', events], dependsOn: { api: 'ready' } },
      },
    },
  });
  outputs = await exportEach(dir, root);
}, 120_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  removeProjects();
  rmSync(root, { recursive: true, force: true });
});

describe('land export: replicas', () => {
  it('systemd: a template unit whose instances the target wants and a dependent requires; it verifies', async () => {
    expect(outputs.systemd!.code, outputs.systemd!.stderr).toBe(0);
    expect((await verifyUnits(out('systemd'))).stderr).toBe('');
    expect(existsSync(join(out('systemd'), 'rep-api.service'))).toBe(false);
    const instances = ['rep-api@1.service', 'rep-api@2.service', 'rep-api@3.service'];
    expect(readUnit(join(out('systemd'), 'rep.target')).Unit!.Wants![0]!.split(' ')).toEqual([...instances, 'rep-web.service']);
    const web = readUnit(join(out('systemd'), 'rep-web.service')).Unit!;
    expect(web.Requires![0]!.split(' ')).toEqual(instances);
    expect(web.After![0]!.split(' ')).toEqual(instances);
    const api = readUnit(join(out('systemd'), 'rep-api@.service'));
    expect(api.Service!.Environment).toContain('LAND_REPLICA=%i');
    // PORT is the replica's: set by the command's shell, not one Environment= for all.
    expect(unitEnvironment(api.Service!.Environment!).PORT).toBeUndefined();
    expect(api.Unit!.Wants).toEqual(['rep-api-liveness@%i.timer']);
    expect(readUnit(join(out('systemd'), 'rep-api-liveness@.timer')).Unit!.BindsTo).toEqual(['rep-api@%i.service']);
    expect(outputs.systemd!.stdout).not.toContain('not mapped: exported as one instance');
  });

  it('systemd: each replica runs with its LAND_REPLICA and PORT, and its readiness and liveness checks hit its own port', async () => {
    const dir = out('systemd');
    const api = readUnit(join(dir, 'rep-api@.service')).Service!;
    const secrets = readEnvironmentFile(join(dir, 'rep-api.secrets.env'));
    const liveness = readUnit(join(dir, 'rep-api-liveness@.service')).Service!;
    const check = /if timeout \d+ (.*) >\/dev\/null 2>&1; then/.exec(execArgv(liveness.ExecStart![0]!, secrets)[2]!)![1]!;
    const shift = /^(PORT=.*?export PORT; )/.exec(execArgv(liveness.ExecStart![0]!, secrets)[2]!)![1]!;
    for (const replica of ['1', '2', '3']) {
      const env = { ...unitEnvironment(api.Environment!.filter((line) => !line.includes('%i'))), ...secrets, LAND_REPLICA: replica };
      const [file, ...args] = execArgv(api.ExecStart![0]!, env);
      const child = spawn(file!, args, { env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' });
      children.push(child);
      // The readiness wait ends only once this replica listens on BASE + n - 1 (and the token is sent).
      expect(await run(execArgv(api.ExecStartPost![0]!, env), env)).toBe(0);
      expect(readFileSync(events, 'utf8')).toContain(`up ${replica} ${child.pid}`);
      expect(await run(['sh', '-c', `${shift}${check}`], env)).toBe(0);
    }
    // A 4th replica's port has no server: its check fails, so the checks do read the replica's port.
    expect(await run(['sh', '-c', `${shift}${check}`], { LAND_REPLICA: '4' })).not.toBe(0);
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((exited) => (child.exitCode !== null ? exited(null) : child.once('exit', exited)))));
    expect(readFileSync(events, 'utf8').match(/^down /gm)).toHaveLength(3);
  }, 90_000);

  it('compose: deploy.replicas, which docker-compose accepts; what a replica misses, and the restart budget, said', async () => {
    const { code, stderr, config } = await composeConfig(out('compose'));
    expect(code, stderr).toBe(0);
    expect(config.services.api!.deploy).toEqual({ replicas: 3 });
    expect(config.services.web!.deploy).toBeUndefined();
    const { stdout } = outputs.compose!;
    expect(stdout).toContain(`tier api: replicas 3 mapped to deploy.replicas: no replica gets LAND_REPLICA (Compose gives identical copies no number), and each gets PORT=${BASE}`);
    expect(stdout).toContain('tier api: restart budget (5 restarts) not mapped: restart: always restarts the container without limit');
    expect(stdout).not.toMatch(/tier web: restart budget/);
  });

  it('kubernetes: the Deployment runs 3 replicas, with the same warning', () => {
    const objects = readKubernetes(join(out('kubernetes'), 'rep.yaml'));
    const deployment = (name: string) => objects.find((o: KubeObject) => o.kind === 'Deployment' && o.metadata.name === name)!;
    expect(deployment('rep-api').spec.replicas).toBe(3);
    expect(deployment('rep-web').spec.replicas).toBe(1);
    expect(outputs.kubernetes!.stdout).toContain("tier api: replicas 3 mapped to the Deployment's replicas: no replica gets LAND_REPLICA");
  });

  it("gives each replica the service.instance.id land gives it where the engine numbers them, and says what names it where not", async () => {
    const print = ['node', '-e', 'console.log(process.env.OTEL_RESOURCE_ATTRIBUTES + " " + process.env.LAND_REPLICA)'];
    const dir = makeProject({
      config: {
        app: 'ids',
        tiers: { say: { command: print, replicas: 2 }, own: { command: print, replicas: 2, env: { OTEL_RESOURCE_ATTRIBUTES: 'team=a,service.instance.id=own-id' } } },
      },
    });
    const where = join(root, 'ids');
    const exported = await exportEach(dir, where);
    for (const engine of ['systemd', 'compose', 'kubernetes'] as const) expect(exported[engine]!.code, exported[engine]!.stderr).toBe(0);
    const printed = (argv: string[], env: Record<string, string>) =>
      new Promise<string>((done, fail) => execFile(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (error, stdout) => (error ? fail(error) : done(stdout.trim()))));
    const idOf = (text: string) => /service\.instance\.id=([^, ]*)/.exec(text)?.[1];

    // systemd: `%i` is the replica's number, as in LAND_REPLICA.
    for (const name of ['say', 'own']) {
      const unit = readUnit(join(where, 'systemd', `ids-${name}@.service`)).Service!;
      for (const replica of ['1', '2']) {
        const env = { ...unitEnvironment(unit.Environment!.filter((line) => line !== 'LAND_REPLICA=%i').map((line) => line.replace(/(?<!%)%i/g, replica))), LAND_REPLICA: replica };
        const said = await printed(execArgv(unit.ExecStart![0]!, env), env);
        expect(idOf(said), said).toBe(name === 'say' ? `say.${replica}` : 'own-id');
        expect(said.endsWith(` ${replica}`), said).toBe(true);
      }
    }
    expect((await verifyUnits(join(where, 'systemd'))).stderr).toBe('');

    // Compose: no number to give; the container's hostname (its id) names the replica.
    const { code, stderr, config } = await composeConfig(join(where, 'compose'));
    expect(code, stderr).toBe(0);
    const inContainer = (name: string) => printed(config.services[name]!.command as string[], { ...(config.services[name]!.environment as Record<string, string>), HOSTNAME: 'c0ffee12' });
    expect(idOf(await inContainer('say'))).toBe('say.c0ffee12');
    expect(idOf(await inContainer('own'))).toBe('own-id');
    expect(config.services.own!.command).toEqual(print);
    expect(exported.compose!.stdout).toContain("its service.instance.id is say.<its container id> (Docker's $HOSTNAME, added by /bin/sh before the command), not say.<n>");
    expect(exported.compose!.stdout).not.toMatch(/tier own: .*its service\.instance\.id/);

    // Kubernetes: the pod's name, from the downward API, over the ConfigMap's value.
    const objects = readKubernetes(join(where, 'kubernetes', 'ids.yaml'));
    const containerOf = (name: string) => objects.find((o: KubeObject) => o.kind === 'Deployment' && o.metadata.name === `ids-${name}`)!.spec.template.spec.containers[0];
    const shared = objects.find((o: KubeObject) => o.kind === 'ConfigMap' && o.metadata.name === 'ids-say-env')!.data.OTEL_RESOURCE_ATTRIBUTES as string;
    expect(containerOf('say').env).toEqual([
      { name: 'LAND_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'OTEL_RESOURCE_ATTRIBUTES', value: `${shared},service.instance.id=$(LAND_POD_NAME)` },
    ]);
    expect(containerOf('own').env).toBeUndefined();
    expect(idOf(objects.find((o: KubeObject) => o.kind === 'ConfigMap' && o.metadata.name === 'ids-own-env')!.data.OTEL_RESOURCE_ATTRIBUTES)).toBe('own-id');
    expect(exported.kubernetes!.stdout).toContain("its service.instance.id is its pod's name (the downward API's metadata.name), not say.<n>");
  }, 90_000);

  it('never prints the probe token', () => {
    for (const engine of ['systemd', 'compose', 'kubernetes'] as const) expect(outputs[engine]!.stdout + outputs[engine]!.stderr).not.toContain(TOKEN);
  });
});
