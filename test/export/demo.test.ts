/**
 * The demo stack (land.config.ts, its profiles) exported to each engine by the real CLI, validated by the engine's
 * tool or the official schemas, and its mapping checked tier by tier against the resolved config and plan.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { resolvePlan } from '../../src/config/plan.js';
import type { BootPlan, ResolvedTier } from '../../src/config/types.js';
import { ROOT, landDone } from '../helpers/land.js';
import { composeConfig, readKubernetes, readUnit, unitEnvironment, verifyUnits } from './helpers.js';

const out = mkdtempSync(join(tmpdir(), 'land-export-demo-'));
const plans: Record<string, BootPlan> = {};
const stdout: Record<string, string> = {};
const PROFILES = ['debug', 'debug-kernel'] as const;
const ENGINES = ['systemd', 'compose', 'kubernetes'] as const;
/** The demo's one-shot: sky waits for wind to complete (sidecar completes too, but nothing waits for it: a service). */
const ONE_SHOTS = new Set(['wind']);

// The demo's ports come from the shell when set: keep the defaults, as land.config.ts documents them.
const env = { AIR_PORT: undefined, COCOON_PORT: undefined, SKY_PORT: undefined, TRACEPARENT: undefined, Spawn: undefined, Render: undefined };

beforeAll(async () => {
  const config = await loadConfig({ cwd: ROOT });
  for (const profile of PROFILES) plans[profile] = resolvePlan(config, { profile, shellEnv: { PATH: process.env.PATH } });
  await Promise.all(
    PROFILES.flatMap((profile) =>
      ENGINES.map(async (engine) => {
        const result = await landDone(['export', engine, '--profile', profile, '--out', join(out, profile, engine)], ROOT, env);
        expect(result.code, result.stderr).toBe(0);
        stdout[`${profile}/${engine}`] = result.stdout;
      }),
    ),
  );
}, 120_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const started = (profile: string): ResolvedTier[] => {
  const enabled = new Set(plans[profile]!.tiers.filter((tier) => tier.enabled).map((tier) => tier.name));
  return plans[profile]!.config.tiers.filter((tier) => enabled.has(tier.name));
};

describe.each(PROFILES)('the demo stack under %s, exported', (profile) => {
  it('systemd: verified, and each unit carries its tier', async () => {
    const dir = join(out, profile, 'systemd');
    const verified = await verifyUnits(dir);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(readUnit(join(dir, 'land.target')).Unit!.Wants![0]!.split(' ')).toEqual(started(profile).map((tier) => `land-${tier.name}.service`));
    const traces = new Set<string>();
    for (const tier of started(profile)) {
      const unit = readUnit(join(dir, `land-${tier.name}.service`));
      const service = unit.Service!;
      expect(service.ExecStart![0]!.split(' ').slice(1)).toEqual(tier.command.slice(1));
      expect(service).toMatchObject({ WorkingDirectory: [tier.cwd], KillSignal: [tier.stop.signal], TimeoutStopSec: [`${tier.stop.timeoutMs}ms`], KillMode: ['control-group'] });
      expect(service.Type).toEqual([ONE_SHOTS.has(tier.name) ? 'oneshot' : 'exec']);
      expect(service.Restart).toEqual([tier.restart.policy === 'never' ? 'no' : tier.restart.policy]);
      expect(service.RestartSec).toEqual([`${tier.restart.backoff.initialMs}ms`]);
      expect(service.ExecStartPost !== undefined).toBe(tier.ready !== undefined);
      const deps = Object.keys(tier.dependsOn).map((name) => `land-${name}.service`);
      expect(unit.Unit!.Requires ?? []).toEqual(deps.length > 0 ? [deps.join(' ')] : []);
      const tierEnv = unitEnvironment(service.Environment!);
      expect(tierEnv).toMatchObject({ LAND_TIER: tier.tier, LAND_PROFILE: profile, OTEL_SERVICE_NAME: `land-${tier.tier}` });
      traces.add(tierEnv.TRACEPARENT!.split('-')[1]!);
    }
    expect(traces.size).toBe(1);
  });

  it('compose: docker-compose config accepts it, and each service carries its tier', async () => {
    const { code, stderr, config } = await composeConfig(join(out, profile, 'compose'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(Object.keys(config.services).sort()).toEqual(started(profile).map((tier) => tier.name).sort());
    for (const tier of started(profile)) {
      const service = config.services[tier.name]!;
      expect(service).toMatchObject({ command: tier.command, working_dir: '/app', stop_signal: tier.stop.signal, stop_grace_period: `${tier.stop.timeoutMs}ms`, image: 'land:0.0.0' });
      const conditions = { started: 'service_started', ready: 'service_healthy', completed: 'service_completed_successfully' } as const;
      const expected = Object.fromEntries(
        Object.entries(tier.dependsOn).map(([name, condition]) => {
          const dependency = started(profile).find((t) => t.name === name)!;
          // A dependency whose readiness is a log line has no healthcheck: waiting for it means waiting for its start.
          const mapped = condition === 'ready' && (!dependency.ready || 'log' in dependency.ready) ? 'service_started' : conditions[condition];
          return [name, { condition: mapped }];
        }),
      );
      expect(service.depends_on ?? {}).toEqual(expected);
      expect(service.healthcheck !== undefined).toBe(tier.ready !== undefined && !('log' in tier.ready));
      expect(service.environment).toMatchObject({ LAND_TIER: tier.tier, LAND_PROFILE: profile });
    }
  });

  it('kubernetes: every object passes the official schema, and each workload carries its tier', () => {
    const objects = readKubernetes(join(out, profile, 'kubernetes', 'land.yaml'));
    for (const tier of started(profile)) {
      const workload = objects.find((o) => (o.kind === 'Deployment' || o.kind === 'Job') && o.metadata.name === `land-${tier.name}`)!;
      expect(workload.kind).toBe(ONE_SHOTS.has(tier.name) ? 'Job' : 'Deployment');
      const pod = workload.spec.template.spec;
      expect(pod.containers[0]).toMatchObject({ command: tier.command, workingDir: '/app' });
      expect(pod.terminationGracePeriodSeconds).toBe(Math.ceil(tier.stop.timeoutMs / 1000));
      expect((pod.initContainers ?? []).map((c: { name: string }) => c.name)).toEqual(Object.keys(tier.dependsOn).map((name) => `wait-${name}`));
      expect(pod.containers[0].readinessProbe !== undefined).toBe(tier.ready !== undefined && !('log' in tier.ready));
      const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `land-${tier.name}-env`)!;
      expect(configMap.data).toMatchObject({ LAND_TIER: tier.tier, LAND_PROFILE: profile, OTEL_SERVICE_NAME: `land-${tier.tier}` });
    }
    const gatedOff = plans[profile]!.tiers.filter((tier) => !tier.enabled);
    for (const tier of gatedOff) expect(objects.some((o) => o.metadata.name === `land-${tier.name}`)).toBe(false);
    if (profile === 'debug-kernel') expect(stdout[`${profile}/kubernetes`]).not.toMatch(/cocoon/);
  });
});
