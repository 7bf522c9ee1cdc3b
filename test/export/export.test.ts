/**
 * `land export` round trips: a stack with every feature, exported by the real CLI to each engine, validated by the
 * engine's own tool (systemd-analyze verify, docker-compose config) or the official Kubernetes schemas
 * (kubernetes-models), then read back field by field against the config and profile it came from.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHILD, landDone, makeProject, removeProjects } from '../helpers/land.js';
import { allFiles, composeConfig, ENGINES, exportEach, fileMode, readKubernetes, readUnit, unitEnvironment, verifyUnits, type Exported, type KubeObject } from './helpers.js';

const KEY = 'phc_export_secret_key_271828';
const TOKEN = 'tok-export-secret-314159';
/** A password inside a URL, under a key that does not say secret: it goes to the secret files too. */
const DB_PASSWORD = 'pw-export-161803';
const DATABASE_URL = `postgres://shop:${DB_PASSWORD}@db.internal/shop`;
const OUTER_TRACE = '0af7651916cd43dd8448eb211c80319c';

/** Every feature land's model has, in one stack. */
const CONFIG = `
const child = (...args) => ['node', ${JSON.stringify(CHILD)}, ...args];
export default {
  app: 'shop',
  version: '2.1.0',
  tiers: {
    db: { command: 'echo "db up"; exec sleep 300', shell: true, ready: { tcp: 55432, timeoutMs: 20000 }, stop: { signal: 'SIGINT', timeoutMs: 7000 } },
    migrate: { command: child('--exit', '0'), dependsOn: { db: 'ready' }, restart: { policy: 'never' }, exitWith: true },
    api: {
      description: 'the HTTP API',
      command: child('--http', '58080'),
      cwd: 'services/api',
      env: { API_MODE: 'strict', PRICE: '$5 is 100% "quoted"', API_TOKEN: '${TOKEN}', DATABASE_URL: '${DATABASE_URL}' },
      dependsOn: { db: 'ready', migrate: 'completed' },
      ready: { http: 'http://127.0.0.1:58080/health?deep=1' },
      liveness: { tcp: 58080, intervalMs: 2000, timeoutMs: 1500, failureThreshold: 3 },
      restart: { policy: 'always', maxRestarts: 3, backoff: { initialMs: 500, maxMs: 4000 }, resetAfterMs: 10000 },
      limits: { memory: '512M' },
    },
    worker: {
      command: child('--say', 'worker ready'),
      dependsOn: { api: 'started' },
      ready: { log: 'worker ready' },
      when: (env) => env.Workers !== 'off',
      limits: { memory: '1.5G' },
    },
    checker: { command: child('--say', 'hi'), ready: { exec: ['test', '-d', '.'] }, restart: { policy: 'on-failure', maxRestarts: 2 }, replicas: 2, port: 58090, watch: 'src/**' },
    extra: { command: child('--say', 'extra'), gate: 'Extra' },
  },
};
`;

const PROFILE = [
  'Capture=true',
  'Report=true',
  `Authorize=${KEY}`,
  'OTLPEnabled=true',
  'OTLPEndpoint=http://collector.internal:4318',
  'Extra=false',
  'SHARED=from-profile',
].join('\n');

let project = '';
const exportsRoot = mkdtempSync(join(tmpdir(), 'land-export-'));
const outDirs: Record<string, string> = Object.fromEntries(ENGINES.map((engine) => [engine, join(exportsRoot, engine)]));
let outputs: Record<string, Exported>;

beforeAll(async () => {
  project = makeProject({ config: { tiers: {} }, profiles: { prod: PROFILE }, files: { '.env.Land': 'SHARED=from-env-file\nLAND_LOG_LEVEL=warn\n', 'services/api/.keep': '' } });
  writeFileSync(join(project, 'land.config.mjs'), CONFIG);
  outputs = await exportEach(project, exportsRoot, ['--profile', 'prod'], {
    TRACEPARENT: `00-${OUTER_TRACE}-b7ad6b7169203331-01`,
    BAGGAGE: 'release=2.1.0',
  });
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(exportsRoot, { recursive: true, force: true });
});

/** What every engine must carry for a tier, from the config and profile above. */
function expectContract(env: Record<string, string>, tier: string) {
  expect(env.OTEL_SERVICE_NAME).toBe(`shop-${tier}`);
  expect(env.OTEL_RESOURCE_ATTRIBUTES).toMatch(new RegExp(`^land\\.tier=${tier},land\\.profile=prod,land\\.boot_id=\\S+$`));
  expect(env.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector.internal:4318');
  expect(env.TRACEPARENT).toMatch(new RegExp(`^00-${OUTER_TRACE}-[0-9a-f]{16}-01$`));
  expect(env.BAGGAGE).toBe('release=2.1.0');
  expect(env.OTLP_TRACE_ID).toBe(OUTER_TRACE);
  expect(env).toMatchObject({ LAND_TIER: tier, LAND_PROFILE: 'prod', LAND_APP: 'shop', LAND_APP_VERSION: '2.1.0', SHARED: 'from-profile', LAND_LOG_LEVEL: 'warn' });
  // Both spellings of the renamed keys, as land hydrates them.
  expect(env).toMatchObject({ OTLPEnabled: 'true', Emit: 'true', OTLPEndpoint: 'http://collector.internal:4318', Pipe: 'http://collector.internal:4318' });
  expect(env.LAND_SUPERVISED).toBeUndefined();
  for (const value of Object.values(env)) expect(value).not.toContain(KEY);
  expect(env.Authorize).toBeUndefined();
}

describe('land export: every feature, each engine, read back field by field', () => {
  it('prints files and warnings but never a secret; secret files are 0600 and hold the only copy of each secret', () => {
    for (const engine of ['systemd', 'compose', 'kubernetes'] as const) {
      const { code, stdout, stderr } = outputs[engine]!;
      expect(code, stderr).toBe(0);
      expect(stdout + stderr).not.toContain(KEY);
      expect(stdout + stderr).not.toContain(TOKEN);
      expect(stdout + stderr).not.toContain(DB_PASSWORD);
      expect(stdout).toMatch(/warning: tier worker: its `when` predicate was decided at export time, under profile prod/);
      const files = allFiles(outDirs[engine]!);
      const secretFiles = files.filter((file) => file.text.includes(KEY));
      expect(secretFiles.length, engine).toBeGreaterThan(0);
      for (const file of files) {
        const secret = file.text.includes(KEY) || file.text.includes(TOKEN) || file.text.includes(DB_PASSWORD);
        expect(fileMode(join(outDirs[engine]!, file.name)), `${engine} ${file.name}`).toBe(secret ? 0o600 : 0o644);
        if (secret) expect(stdout).toContain(`${file.name}  (secrets, mode 0600)`);
      }
      expect(files.some((file) => file.text.includes('Not exported (gated off by the profile): extra (Extra=false).'))).toBe(true);
    }
  });

  it('systemd: systemd-analyze verify accepts the units; each unit maps its tier', async () => {
    const dir = outDirs.systemd!;
    const verified = await verifyUnits(dir);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    const target = readUnit(join(dir, 'shop.target'));
    // checker's 2 replicas: the instances of its template unit.
    expect(target.Unit!.Wants![0]!.split(' ').sort()).toEqual(['api', 'checker@1', 'checker@2', 'db', 'migrate', 'worker'].map((t) => `shop-${t}.service`));
    const unit = (tier: string) => readUnit(join(dir, `shop-${tier === 'checker' ? 'checker@' : tier}.service`));

    const api = unit('api');
    expect(api.Unit).toMatchObject({ Description: ['shop api: the HTTP API'], PartOf: ['shop.target'], Requires: ['shop-db.service shop-migrate.service'], After: ['shop-db.service shop-migrate.service'] });
    // Budget: 3 restarts (4 starts) within the backoff delays 0.5 + 1 + 2 s plus resetAfter 10 s.
    expect(api.Unit).toMatchObject({ StartLimitBurst: ['4'], StartLimitIntervalSec: ['14'] });
    expect(api.Service).toMatchObject({
      Type: ['exec'],
      WorkingDirectory: [join(project, 'services/api')],
      Restart: ['always'],
      RestartSec: ['500ms'],
      KillSignal: ['SIGTERM'],
      TimeoutStopSec: ['5000ms'],
      KillMode: ['control-group'],
      TimeoutStartSec: ['30'],
      EnvironmentFile: ['/etc/land/shop/shop-api.secrets.env'],
    });
    expect(api.Service!.ExecStart![0]).toMatch(new RegExp(`^/\\S+/node ${CHILD} --http 58080$`));
    expect(api.Service!.ExecStartPost![0]).toContain('http://127.0.0.1:58080/health?deep=1');
    const apiEnv = unitEnvironment(api.Service!.Environment!);
    expectContract(apiEnv, 'api');
    expect(apiEnv).toMatchObject({ API_MODE: 'strict', PRICE: '$5 is 100% "quoted"' });
    expect(apiEnv.API_TOKEN).toBeUndefined();
    expect(apiEnv.DATABASE_URL).toBeUndefined();
    const apiSecrets = readFileSync(join(dir, 'shop-api.secrets.env'), 'utf8');
    expect(apiSecrets).toContain(`Authorize="${KEY}"`);
    expect(apiSecrets).toContain(`API_TOKEN="${TOKEN}"`);
    expect(apiSecrets).toContain(`DATABASE_URL="${DATABASE_URL}"`);
    // Liveness: a timer bound to the unit checks every 2 s; the third failure in a row restarts the tier.
    expect(api.Unit!.Wants).toEqual(['shop-api-liveness.timer']);
    const timer = readUnit(join(dir, 'shop-api-liveness.timer'));
    expect(timer).toMatchObject({ Unit: { BindsTo: ['shop-api.service'] }, Timer: { OnUnitActiveSec: ['2000ms'] }, Install: { WantedBy: ['shop-api.service'] } });
    const check = readUnit(join(dir, 'shop-api-liveness.service')).Service!.ExecStart![0]!;
    expect(check).toContain('timeout 2 bash -c');
    expect(check).toContain('/dev/tcp/127.0.0.1/58080');
    expect(check).toContain('-ge 3 ]; then rm -f \\"$$state\\"; exec systemctl restart shop-api.service');

    const db = unit('db');
    expect(db.Service).toMatchObject({ Type: ['exec'], KillSignal: ['SIGINT'], TimeoutStopSec: ['7000ms'], TimeoutStartSec: ['20'], Restart: ['on-failure'] });
    expect(db.Service!.ExecStart![0]).toBe('/bin/sh -c "echo \\"db up\\"; exec sleep 300"');
    expect(db.Service!.ExecStartPost![0]).toContain('/dev/tcp/127.0.0.1/55432');
    expect(unit('migrate').Service).toMatchObject({ Type: ['oneshot'], RemainAfterExit: ['yes'], Restart: ['no'] });
    expect(unit('migrate').Unit).toMatchObject({ Requires: ['shop-db.service'], After: ['shop-db.service'] });
    const worker = unit('worker');
    expect(worker.Unit).toMatchObject({ Requires: ['shop-api.service'], After: ['shop-api.service'] });
    expect(worker.Service!.ExecStartPost![0]).toContain('_SYSTEMD_INVOCATION_ID=\\"$$INVOCATION_ID\\"');
    expect(worker.Service!.ExecStartPost![0]).toMatch(/"worker ready"$/);
    expect(unit('checker').Service!.ExecStartPost![0]).toContain('test -d .');
    expect(unit('checker').Unit).toMatchObject({ StartLimitBurst: ['3'] });
    // One deploy trace, one span id per tier.
    const parents = ['api', 'db', 'migrate', 'worker', 'checker'].map((tier) => unitEnvironment(unit(tier).Service!.Environment!).TRACEPARENT);
    expect(new Set(parents).size).toBe(5);
  });

  it('compose: docker-compose config accepts the file; each service maps its tier', async () => {
    const dir = outDirs.compose!;
    const main = readFileSync(join(dir, 'compose.yaml'), 'utf8');
    expect(main).not.toContain(KEY);
    expect(main).not.toContain(TOKEN);
    expect(main).toMatch(/# warning: readiness probe log worker ready not mapped/);
    const { code, stderr, config } = await composeConfig(dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(Object.keys(config.services).sort()).toEqual(['api', 'checker', 'db', 'migrate', 'worker']);
    const api = config.services.api!;
    expect(api).toMatchObject({
      image: 'shop:2.1.0',
      working_dir: '/app/services/api',
      command: ['node', CHILD, '--http', '58080'],
      restart: 'always',
      stop_signal: 'SIGTERM',
      stop_grace_period: '5000ms',
      depends_on: { db: { condition: 'service_healthy' }, migrate: { condition: 'service_completed_successfully' } },
      healthcheck: { interval: '1s', retries: 3, start_period: '30s' },
    });
    expect(api.healthcheck.test).toEqual(['CMD', 'sh', '-c', 'curl -fsS -o /dev/null --max-time 2 "$1" || wget -q -T 2 -O /dev/null "$1"', 'http-probe', 'http://127.0.0.1:58080/health?deep=1']);
    // docker-compose config merged the secret env file: the values arrive, from outside compose.yaml.
    const { Authorize: merged, API_TOKEN: token, DATABASE_URL: url, ...plain } = api.environment as Record<string, string>;
    expect([merged, token, url]).toEqual([KEY, TOKEN, DATABASE_URL]);
    expectContract(plain, 'api');
    expect(api.environment).toMatchObject({ API_MODE: 'strict', PRICE: '$5 is 100% "quoted"', Authorize: KEY, API_TOKEN: TOKEN });
    expect(config.services.db).toMatchObject({ command: ['/bin/sh', '-c', 'echo "db up"; exec sleep 300'], stop_signal: 'SIGINT', stop_grace_period: '7000ms', restart: 'on-failure:5' });
    expect(config.services.db!.healthcheck.test).toEqual(['CMD', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/55432']);
    expect(config.services.migrate).toMatchObject({ restart: 'no', depends_on: { db: { condition: 'service_healthy' } } });
    // worker waits for api to start; its own log probe has no healthcheck.
    expect(config.services.worker).toMatchObject({ depends_on: { api: { condition: 'service_started' } } });
    expect(config.services.worker!.healthcheck).toBeUndefined();
    expect(config.services.checker!.healthcheck.test).toEqual(['CMD', 'test', '-d', '.']);
    expect(config.services.checker!.restart).toBe('on-failure:2');
    // land's development features are said, not silently dropped; the first instance's PORT carries over.
    expect(config.services.checker!.environment.PORT).toBe('58090');
    expect(config.services.checker!.deploy).toEqual({ replicas: 2 });
    expect(main).toMatch(/# warning: replicas 2 mapped to deploy.replicas: no replica gets LAND_REPLICA/);
    expect(outputs.compose!.stdout).toMatch(/warning: tier checker: watch \(restart on file changes\) not exported/);
  });

  it('kubernetes: every object passes the official schema; Deployments, a Job, probes, init containers, ConfigMaps and Secrets map each tier', () => {
    const dir = outDirs.kubernetes!;
    const objects = readKubernetes(join(dir, 'shop.yaml'));
    const secrets = readKubernetes(join(dir, 'shop-secrets.yaml'));
    const named = (kind: string, name: string) => [...objects, ...secrets].find((o) => o.kind === kind && o.metadata.name === name) as KubeObject;
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(['shop-api', 'shop-checker', 'shop-db', 'shop-worker']);
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['shop-migrate']);
    expect(secrets.every((o) => o.kind === 'Secret')).toBe(true);
    expect(readFileSync(join(dir, 'shop.yaml'), 'utf8')).not.toContain(KEY);

    const api = named('Deployment', 'shop-api');
    const pod = api.spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(5);
    expect(pod.serviceAccountName).toBe('shop-wait-deps');
    expect(pod.initContainers.map((c: { name: string; command: string[] }) => [c.name, c.command[2]])).toEqual([
      ['wait-db', expect.stringContaining('kubectl wait --for=condition=Ready pod -l app.kubernetes.io/part-of=shop,app.kubernetes.io/component=db')],
      ['wait-migrate', expect.stringContaining('kubectl wait --for=condition=complete job/shop-migrate')],
    ]);
    const container = pod.containers[0];
    expect(container).toMatchObject({ name: 'api', image: 'shop:2.1.0', workingDir: '/app/services/api', command: ['node', CHILD, '--http', '58080'] });
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'shop-api-env' } }, { secretRef: { name: 'shop-api-secrets' } }]);
    // Probes of 127.0.0.1 run inside the container (the kubelet would reach the pod's address, not its loopback).
    const httpCheck = ['sh', '-c', 'curl -fsS -o /dev/null --max-time 2 "$1" || wget -q -T 2 -O /dev/null "$1"', 'http-probe', 'http://127.0.0.1:58080/health?deep=1'];
    expect(container.readinessProbe).toMatchObject({ exec: { command: httpCheck } });
    expect(container.startupProbe).toMatchObject({ exec: { command: httpCheck }, periodSeconds: 1, failureThreshold: 30 });
    expect(container.livenessProbe).toEqual({ exec: { command: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/58080'] }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 3 });
    expectContract(named('ConfigMap', 'shop-api-env').data, 'api');
    expect(named('ConfigMap', 'shop-api-env').data).toMatchObject({ API_MODE: 'strict', PRICE: '$5 is 100% "quoted"' });
    expect(named('Secret', 'shop-api-secrets').stringData).toEqual({ API_TOKEN: TOKEN, Authorize: KEY, DATABASE_URL });

    const db = named('Deployment', 'shop-db').spec.template.spec;
    expect(db.terminationGracePeriodSeconds).toBe(7);
    expect(db.containers[0].lifecycle.preStop.exec.command).toEqual(['sh', '-c', 'kill -INT 1; sleep 7']);
    expect(db.containers[0].readinessProbe).toMatchObject({ exec: { command: ['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/55432'] } });
    expect(db.containers[0].startupProbe).toMatchObject({ failureThreshold: 20 });
    const migrate = named('Job', 'shop-migrate').spec;
    expect(migrate.backoffLimit).toBe(0);
    expect(migrate.template.spec.restartPolicy).toBe('Never');
    const worker = named('Deployment', 'shop-worker').spec.template.spec;
    expect(worker.initContainers[0].command[2]).toMatch(/kubectl get pod -l .*component=api .*Running\|Succeeded/);
    expect(worker.containers[0].readinessProbe).toBeUndefined();
    expect(named('Deployment', 'shop-checker').spec.template.spec.containers[0].readinessProbe).toEqual({ exec: { command: ['test', '-d', '.'] }, periodSeconds: 5, timeoutSeconds: 1, failureThreshold: 3 });
    expect(outputs.kubernetes!.stdout).toMatch(/warning: tier worker: readiness probe log worker ready not mapped/);
  });

  it.each([
    ['compose', /Compose has no key for it: run `docker compose up --exit-code-from migrate`/],
    ['systemd', /systemd has no unit setting that stops a target/],
    ['kubernetes', /a Deployment keeps running: a Job that ends with its pod/],
  ])('%s: exitWith is said to be unmapped, with what comes closest, on stdout and in a comment', (engine, closest) => {
    expect(outputs[engine]!.stdout).toMatch(new RegExp(`warning: tier migrate: exitWith not mapped: ${closest.source}`));
    const files = allFiles(outDirs[engine]!).map((file) => file.text).join('\n');
    expect(files).toMatch(new RegExp(`# ?warning: exitWith not mapped: ${closest.source}`));
  });
});

describe('land export: a memory limit', () => {
  it("maps limits.memory to each engine's own, in its units, with a warning that the engine kills rather than stops", async () => {
    const warning = /memory limit 512 MiB mapped to (MemoryMax=|mem_limit|resources\.limits\.memory): the kernel kills the tier \(OOM, SIGKILL, no stop signal\)/;
    const unit = (tier: string) => readUnit(join(outDirs.systemd!, `shop-${tier}.service`)).Service!;
    expect(unit('api').MemoryMax).toEqual(['512M']);
    expect(unit('worker').MemoryMax).toEqual(['1536M']);
    expect(unit('db').MemoryMax).toBeUndefined();
    expect(readFileSync(join(outDirs.systemd!, 'shop-api.service'), 'utf8')).toMatch(new RegExp(`# warning: ${warning.source}`));

    const { config } = await composeConfig(outDirs.compose!);
    expect(config.services.api!.mem_limit).toBe('512m');
    expect(config.services.worker!.mem_limit).toBe('1536m');
    expect(config.services.db!.mem_limit).toBeUndefined();
    expect(readFileSync(join(outDirs.compose!, 'compose.yaml'), 'utf8')).toMatch(new RegExp(`# warning: ${warning.source}`));

    const objects = readKubernetes(join(outDirs.kubernetes!, 'shop.yaml'));
    const containerOf = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec.containers[0];
    // Mi, not M: in Kubernetes M is 10^6 bytes.
    expect(containerOf('shop-api').resources).toEqual({ limits: { memory: '512Mi' } });
    expect(containerOf('shop-worker').resources).toEqual({ limits: { memory: '1536Mi' } });
    expect(containerOf('shop-db').resources).toBeUndefined();
    for (const engine of ['systemd', 'compose', 'kubernetes'] as const) expect(outputs[engine]!.stdout).toMatch(new RegExp(`warning: tier api: ${warning.source}`));
  });
});

describe('land export: which values move to the secret file', () => {
  it('moves a URL password, a token as a URL user, a ?token=, a Bearer token; keeps a user without password and names that only contain a secret word', async () => {
    const harmless = {
      PG: 'postgres://postgres@localhost/app',
      AMQP: 'amqp://guest@rabbit:5672/',
      REPO: 'git+ssh://git@github.com/acme/shop.git',
      MONGO: 'mongodb://db/shop?authSource=admin',
      CACHE: 'redis://cache/0?keyPrefix=shop:',
      COUCH: 'http://couch/_view?design=orders',
      ARGS: '--workers=2 --ssl-keyfile=/etc/ssl/shop.key',
    };
    const secret = {
      PG_FULL: 'postgres://u:pw@db/x',
      HOOK: 'https://hooks.example/in?token=abc123def',
      SIGNED: 'https://cdn.example/a.png?X-Amz-Signature=deadbeef',
      CALL: 'curl -H "Authorization: Bearer abc.def.ghi" https://api',
      ARGV: '--api-key=k-123456',
      // A token as the URL's user, no password: a token's characters, 20 or more, with a digit.
      GIT_TOKEN: 'https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/acme/shop.git',
    };
    const dir = makeProject({ config: { app: 'sec', tiers: { api: { command: ['sleep', '60'], env: { ...harmless, ...secret } } } } });
    const out = join(dir, 'out');
    const result = await landDone(['export', 'systemd', '--out', out], dir);
    expect(result.code, result.stderr).toBe(0);
    const env = unitEnvironment(readUnit(join(out, 'sec-api.service')).Service!.Environment!);
    expect(env).toMatchObject(harmless);
    const secrets = readFileSync(join(out, 'sec-api.secrets.env'), 'utf8');
    for (const [key, value] of Object.entries(secret)) {
      expect(env[key], key).toBeUndefined();
      expect(secrets).toContain(`${key}=`);
      expect(secrets).toContain(value.replaceAll('"', '\\"'));
    }
  });
});
