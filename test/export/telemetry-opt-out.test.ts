/**
 * `telemetryEnv: false` in `land export`: the tier gets none of the telemetry keys of the env files and profile
 * (the PostHog key above all), as `land up` gives it none; a tier that did not opt out keeps them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landDone, makeProject, removeProjects } from '../helpers/land.js';
import { composeConfig, readEnvironmentFile, readKubernetes, readUnit, unitEnvironment } from './helpers.js';

const KEY = 'phc_optout_secret_577215';

const CONFIG = {
  app: 'opt',
  defaultProfile: 'dev',
  tiers: {
    a: { command: ['sh', '-c', 'echo A=$Authorize; sleep 30'], gate: 'Spawn' },
    b: { command: ['sh', '-c', 'echo B=$Authorize; sleep 30'], telemetryEnv: false },
    c: { command: ['sh', '-c', 'echo C=$Authorize; sleep 30'], telemetryEnv: false, env: { Capture: 'own' } },
  },
};

let project = '';
const out = mkdtempSync(join(tmpdir(), 'land-export-optout-'));
const dir = (engine: string) => join(out, engine);

beforeAll(async () => {
  project = makeProject({
    config: CONFIG,
    profiles: { dev: 'Spawn=true\nSHARED=yes\n' },
    files: { '.env.Land.PostHog': `Authorize=${KEY}\nCapture=false\n` },
  });
  const results = await Promise.all(['systemd', 'compose', 'kubernetes'].map((engine) => landDone(['export', engine, '--out', dir(engine)], project)));
  for (const result of results) expect(result.code, result.stderr).toBe(0);
}, 120_000);

afterAll(() => {
  removeProjects();
  rmSync(out, { recursive: true, force: true });
});

/** What b and c must (not) carry, whatever the engine; a keeps the telemetry keys. */
function expectOptedOut(tiers: Record<'a' | 'b' | 'c', { env: Record<string, string>; secrets: Record<string, string> }>) {
  expect(tiers.a.secrets.Authorize).toBe(KEY);
  expect(tiers.a.env.Capture).toBe('false');
  for (const name of ['b', 'c'] as const) {
    const { env, secrets } = tiers[name];
    expect(secrets.Authorize, name).toBeUndefined();
    expect(env.Authorize, name).toBeUndefined();
    expect(env.SHARED, name).toBe('yes');
    expect(env.LAND_TIER, name).toBe(name);
  }
  expect(tiers.b.env.Capture).toBeUndefined();
  // The tier's own env still names a telemetry key when it wants one.
  expect(tiers.c.env.Capture).toBe('own');
}

describe('land export: a tier with telemetryEnv: false', () => {
  it('systemd: no telemetry key in its unit or its secrets file', () => {
    const tier = (name: string) => {
      const secretsFile = join(dir('systemd'), `opt-${name}.secrets.env`);
      return {
        env: unitEnvironment(readUnit(join(dir('systemd'), `opt-${name}.service`)).Service!.Environment!),
        secrets: existsSync(secretsFile) ? readEnvironmentFile(secretsFile) : {},
      };
    };
    expectOptedOut({ a: tier('a'), b: tier('b'), c: tier('c') });
  });

  it('compose: no telemetry key in its environment or its env file', async () => {
    const { code, stderr, config } = await composeConfig(dir('compose'));
    expect(code, stderr).toBe(0);
    const tier = (name: string) => ({ env: config.services[name]!.environment as Record<string, string>, secrets: {} as Record<string, string> });
    const tiers = { a: tier('a'), b: tier('b'), c: tier('c') };
    // Compose merges env_file into environment: the secrets are read back from the files themselves.
    for (const [name, value] of Object.entries(tiers)) {
      const file = join(dir('compose'), `${name}.secrets.env`);
      if (existsSync(file)) for (const line of readFileSync(file, 'utf8').split('\n')) if (line.includes('=')) value.secrets[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
    expectOptedOut(tiers);
  });

  it('kubernetes: no telemetry key in its ConfigMap, and no Secret for it', () => {
    const objects = [...readKubernetes(join(dir('kubernetes'), 'opt.yaml')), ...readKubernetes(join(dir('kubernetes'), 'opt-secrets.yaml'))];
    const named = (kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);
    const tier = (name: string) => ({
      env: named('ConfigMap', `opt-${name}-env`)!.data as Record<string, string>,
      secrets: (named('Secret', `opt-${name}-secrets`)?.stringData ?? {}) as Record<string, string>,
    });
    expectOptedOut({ a: tier('a'), b: tier('b'), c: tier('c') });
    const envFrom = named('Deployment', 'opt-b')!.spec.template.spec.containers[0].envFrom as Array<Record<string, unknown>>;
    expect(envFrom.some((source) => 'secretRef' in source)).toBe(false);
  });
});
