import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hydrateChildEnv, type InjectedEnv } from '../../src/config/hydrate.js';
import { resolvePlan } from '../../src/config/plan.js';
import { resolveConfig } from '../../src/config/resolve.js';
import type { BootPlan, TierConfig } from '../../src/config/types.js';
import { replicaConfig } from '../../src/supervisor/replicas.js';
import { makeTempProject, type TempProject } from './temp-project.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const injected: InjectedEnv = {
  bootId: 'boot-1',
  traceId: TRACE_ID,
  traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
};

let project: TempProject;
beforeEach(() => {
  project = makeTempProject('land-hydrate-');
});
afterEach(() => {
  project.remove();
});

/** A plan over real files: .env.Land, .env.Land.PostHog and profiles/<profile>.env. */
function planFor(options: {
  tier?: Partial<TierConfig>;
  land?: string;
  posthog?: string;
  profile?: string;
  shellEnv?: Record<string, string>;
}): BootPlan {
  project.write('.env.Land', options.land ?? '');
  project.write('.env.Land.PostHog', options.posthog ?? '');
  project.write('profiles/debug.env', options.profile ?? '');
  const config = resolveConfig(
    { app: 'land', tiers: { cocoon: { command: ['node', 'cocoon.js'], ...options.tier } } },
    path.join(project.dir, 'land.config.ts'),
    'land.config.ts',
  );
  return resolvePlan(config, { shellEnv: options.shellEnv ?? {} });
}

function childEnv(plan: BootPlan, extra: Partial<InjectedEnv> = {}): Record<string, string> {
  return hydrateChildEnv(plan, plan.config.tiers[0]!, { ...injected, ...extra });
}

describe('hydrateChildEnv', () => {
  it('layers shell < env files < profile < tier env < injected', () => {
    const plan = planFor({
      shellEnv: { ONLY_SHELL: 'shell', PATH: '/usr/bin', LAND_TIER: 'spoofed' },
      land: 'FILE_ONLY=file\nFILE_VS_PROFILE=file\nPROFILE_VS_TIER=file\n',
      profile: 'FILE_VS_PROFILE=profile\nPROFILE_VS_TIER=profile\nOTEL_SERVICE_NAME=profile-name\n',
      tier: { env: { PROFILE_VS_TIER: 'tier', TIER_ONLY: 'tier', LAND_BOOT_ID: 'tier-spoof' } },
    });
    expect(childEnv(plan)).toMatchObject({
      ONLY_SHELL: 'shell',
      PATH: '/usr/bin',
      FILE_ONLY: 'file',
      FILE_VS_PROFILE: 'profile',
      PROFILE_VS_TIER: 'tier',
      TIER_ONLY: 'tier',
      LAND_TIER: 'cocoon',
      LAND_BOOT_ID: 'boot-1',
      OTEL_SERVICE_NAME: 'land-cocoon',
    });
  });

  it('lets an exported shell value beat the files for keys they define (through profileEnv), but not the tier env', () => {
    const plan = planFor({
      shellEnv: { Mode: 'shell', Level: 'shell' },
      land: 'Mode=file\n',
      profile: 'Level=profile\n',
      tier: { env: { Level: 'tier' } },
    });
    expect(childEnv(plan)).toMatchObject({ Mode: 'shell', Level: 'tier' });
  });

  it('injects who the child is, the boot trace and its own traceparent', () => {
    const plan = planFor({ tier: { tier: 'cocoon-host' }, profile: 'Spawn=true\n' });
    const env = childEnv(plan);
    expect(env).toMatchObject({
      OTLP_TRACE_ID: TRACE_ID,
      TRACEPARENT: injected.traceparent,
      LAND_TIER: 'cocoon-host',
      LAND_PROFILE: 'debug',
      LAND_BOOT_ID: 'boot-1',
      LAND_SUPERVISED: '1',
      OTEL_SERVICE_NAME: 'land-cocoon-host',
      OTEL_RESOURCE_ATTRIBUTES: 'land.tier=cocoon-host,land.profile=debug,land.boot_id=boot-1',
    });
    expect(env).not.toHaveProperty('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(childEnv(plan, { otlpEndpoint: 'http://127.0.0.1:4318' }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://127.0.0.1:4318');
  });

  it('gives a replica service.instance.id=<tier>.<n>, keeps an id the tier sets, and none to a plain tier', () => {
    const plan = planFor({ tier: { replicas: 2 } });
    const attributes = (tier = plan.config.tiers[0]!) => hydrateChildEnv(plan, tier, injected).OTEL_RESOURCE_ATTRIBUTES;
    expect(attributes(replicaConfig(plan.config.tiers[0]!, 2))).toBe('land.tier=cocoon,land.profile=debug,land.boot_id=boot-1,service.instance.id=cocoon.2');
    expect(attributes()).toBe('land.tier=cocoon,land.profile=debug,land.boot_id=boot-1');
    const own = planFor({ tier: { replicas: 2, env: { OTEL_RESOURCE_ATTRIBUTES: 'team=a, service.instance.id = mine-1' } } });
    expect(hydrateChildEnv(own, replicaConfig(own.config.tiers[0]!, 1), injected).OTEL_RESOURCE_ATTRIBUTES).toMatch(/,service\.instance\.id=mine-1$/);
  });

  it("drops land's own TRACEPARENT/TRACESTATE: the child gets only its own context", () => {
    const plan = planFor({ shellEnv: { TRACEPARENT: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`, TRACESTATE: 'vendor=x' } });
    const env = childEnv(plan);
    expect(env.TRACEPARENT).toBe(injected.traceparent);
    expect(env).not.toHaveProperty('TRACESTATE');
  });

  it("drops land's own `_` (the program its shell ran, /usr/bin/node), with inheritEnv on or off; a tier's own env may set it", () => {
    const shellEnv = { _: '/usr/bin/node', PATH: '/bin' };
    expect(childEnv(planFor({ shellEnv }))).not.toHaveProperty('_');
    expect(childEnv(planFor({ shellEnv, tier: { inheritEnv: false, allowEnv: ['_'] } }))).not.toHaveProperty('_');
    expect(childEnv(planFor({ shellEnv })).PATH).toBe('/bin');
    expect(childEnv(planFor({ shellEnv, tier: { env: { _: '/bin/own' } } }))._).toBe('/bin/own');
  });

  it('with inheritEnv: false passes only PATH, HOME, USER, LANG, TZ, TERM, NODE_* and allowEnv from the shell', () => {
    const shellEnv = {
      PATH: '/bin',
      HOME: '/home/u',
      USER: 'u',
      LANG: 'C.UTF-8',
      TZ: 'UTC',
      TERM: 'xterm',
      NODE_OPTIONS: '--enable-source-maps',
      NODE_ENV: 'test',
      SSH_AUTH_SOCK: '/tmp/agent',
      AWS_SECRET_ACCESS_KEY: 'nope',
      SHELL: '/bin/bash',
    };
    const plan = planFor({ shellEnv, tier: { inheritEnv: false, allowEnv: ['SSH_AUTH_SOCK'], env: { OWN: '1' } }, profile: 'Spawn=true\n' });
    const env = childEnv(plan);
    const { AWS_SECRET_ACCESS_KEY: _secret, SHELL: _shell, ...allowed } = shellEnv;
    expect(env).toMatchObject(allowed);
    expect(env).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(env).not.toHaveProperty('SHELL');
    // The files and the profile are still layered in: they are land's inputs, not land's environment.
    expect(env).toMatchObject({ Spawn: 'true', OWN: '1', LAND_TIER: 'cocoon' });
  });

  it.each([
    ['old names only', 'OTLPEnabled=true\nOTLPEndpoint=http://old:4318\n', { OTLPEnabled: 'true', Emit: 'true', OTLPEndpoint: 'http://old:4318', Pipe: 'http://old:4318' }],
    ['new names only', 'Emit=true\nPipe=http://new:4318\n', { OTLPEnabled: 'true', Emit: 'true', OTLPEndpoint: 'http://new:4318', Pipe: 'http://new:4318' }],
    ['both: the newer name wins', 'OTLPEnabled=false\nEmit=true\nOTLPEndpoint=http://old:4318\nPipe=http://new:4318\n', { OTLPEnabled: 'true', Emit: 'true', OTLPEndpoint: 'http://new:4318', Pipe: 'http://new:4318' }],
    ['an empty newer name counts as unset', 'OTLPEnabled=true\nEmit=\n', { OTLPEnabled: 'true', Emit: 'true' }],
  ])('hydrates both spellings of the renamed telemetry keys: %s', (_name, posthog, expected) => {
    expect(childEnv(planFor({ posthog }))).toMatchObject(expected);
  });

  it('leaves the renamed keys out when neither spelling is set', () => {
    const env = childEnv(planFor({ posthog: 'Capture=true\n' }));
    for (const key of ['OTLPEnabled', 'Emit', 'OTLPEndpoint', 'Pipe']) expect(env).not.toHaveProperty(key);
  });

  it("points every child's OpenTelemetry SDK (and land's library) at land's receiver; a tier's own env wins", () => {
    const receiver = { otlpEndpoint: 'http://127.0.0.1:4711', otlpProtocol: 'http/protobuf' };
    const env = childEnv(planFor({ posthog: 'Emit=true\nPipe=http://collector:4318\n' }), receiver);
    expect(env).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4711',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      // One egress: children never need the collector; land forwards to it.
      Pipe: 'http://127.0.0.1:4711',
      OTLPEndpoint: 'http://127.0.0.1:4711',
      Emit: 'true',
    });
    const own = childEnv(
      planFor({ tier: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://mine:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', Pipe: 'http://mine:4318' } } }),
      receiver,
    );
    expect(own).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://mine:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', Pipe: 'http://mine:4318', OTLPEndpoint: 'http://mine:4318' });
    // The receiver off: the collector's endpoint, no protocol, the keys as the files say.
    const off = childEnv(planFor({ posthog: 'Pipe=http://collector:4318\n' }), { otlpEndpoint: 'http://collector:4318' });
    expect(off.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://collector:4318');
    expect(off).not.toHaveProperty('OTEL_EXPORTER_OTLP_PROTOCOL');
  });

  it("cuts the SDKs' export delays to a second with the receiver on, unless a layer set them; not with it off", () => {
    const receiver = { otlpEndpoint: 'http://127.0.0.1:4711', otlpProtocol: 'http/protobuf' };
    expect(childEnv(planFor({}), receiver)).toMatchObject({ OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '1000', OTEL_BSP_SCHEDULE_DELAY: '1000', OTEL_BLRP_SCHEDULE_DELAY: '1000' });
    const set = childEnv(
      planFor({ shellEnv: { OTEL_BSP_SCHEDULE_DELAY: '250' }, profile: 'OTEL_METRIC_EXPORT_INTERVAL=15000\n', tier: { env: { OTEL_BLRP_SCHEDULE_DELAY: '5000' } } }),
      receiver,
    );
    expect(set).toMatchObject({ OTEL_METRIC_EXPORT_INTERVAL: '15000', OTEL_BSP_SCHEDULE_DELAY: '250', OTEL_BLRP_SCHEDULE_DELAY: '5000' });
    // The timeout goes with the interval: one set, the other is left to the SDK (an interval under it may be refused).
    expect(set).not.toHaveProperty('OTEL_METRIC_EXPORT_TIMEOUT');
    expect(childEnv(planFor({ tier: { env: { OTEL_METRIC_EXPORT_TIMEOUT: '30000' } } }), receiver)).not.toHaveProperty('OTEL_METRIC_EXPORT_INTERVAL');
    const off = childEnv(planFor({}), { otlpEndpoint: 'http://collector:4318' });
    for (const key of ['OTEL_METRIC_EXPORT_INTERVAL', 'OTEL_METRIC_EXPORT_TIMEOUT', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BLRP_SCHEDULE_DELAY']) expect(off).not.toHaveProperty(key);
  });

  it("README's environment section names every variable land sets, and none it does not (PYTHONUNBUFFERED is the tier's to set)", () => {
    const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## The environment each child receives'), readme.indexOf('\n## Telemetry'));
    const plan = planFor({ tier: { port: 7000 }, posthog: 'Emit=true\n' });
    // Everything land can set at once: the receiver on, a replica with a port, trace context from land's own start.
    const env = hydrateChildEnv(plan, { ...plan.config.tiers[0]!, replica: 2 }, {
      ...injected,
      otlpEndpoint: 'http://127.0.0.1:4711',
      otlpProtocol: 'http/protobuf',
      traceContext: { TRACEPARENT: injected.traceparent, TRACESTATE: 'vendor=x', BAGGAGE: 'k=v' },
    });
    const undocumented = Object.keys(env).filter((key) => !section.includes(`\`${key}\``) && !section.includes(`\`${key}=`));
    expect(undocumented).toEqual([]);
    // What a Python tier needs for its lines to come as they are printed is said, as not set by land.
    expect(env).not.toHaveProperty('PYTHONUNBUFFERED');
    expect(section).toMatch(/`PYTHONUNBUFFERED=1`/);
  });
});
