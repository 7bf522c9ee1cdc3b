import path from 'node:path';
import { TELEMETRY_KEYS } from '../telemetry/mist.js';
import type { BootPlan, ResolvedTier } from './types.js';

export interface InjectedEnv {
  bootId: string;
  traceId: string;
  /** `00-<traceId>-<spawn span id>-01` for this child. */
  traceparent: string;
  /** TRACEPARENT again, with the TRACESTATE and BAGGAGE land was started with (they win over `traceparent`). */
  traceContext?: Record<string, string>;
  /**
   * Where OpenTelemetry SDKs export: land's own receiver (then with `otlpProtocol` and for land's library too), or
   * with the receiver off the collector, and only when the OTLP pipe is on. A tier's own `env` wins over both.
   */
  otlpEndpoint?: string;
  /** `http/protobuf` when otlpEndpoint is land's receiver. */
  otlpProtocol?: string;
}

/** What a tier with `inheritEnv: false` still gets from land's environment (besides its `allowEnv`). */
export const ALWAYS_INHERITED = ['PATH', 'HOME', 'USER', 'LANG', 'TZ', 'TERM'] as const;

/**
 * Telemetry keys that were renamed: [old name, newer name]. Children are given both spellings so old and new
 * sidecars agree. When both are set, the newer name wins (it is what current files and docs write).
 */
export const RENAMED_KEYS = [
  ['OTLPEnabled', 'Emit'],
  ['OTLPEndpoint', 'Pipe'],
] as const;

/**
 * Never inherited from land's environment: trace context (an inherited one would attach the child to someone else's
 * trace), and `_`, the path of the program a shell last ran (`/usr/bin/node` for land: a shell sets its own).
 */
const NOT_INHERITED = ['TRACEPARENT', 'TRACESTATE', 'BAGGAGE', '_'];

/** Land's environment as what it starts beside a tier (an exec probe) inherits it: without NOT_INHERITED's keys. */
export function inheritable(shellEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env = { ...shellEnv } as Record<string, string>;
  for (const key of NOT_INHERITED) delete env[key];
  return env;
}

/** Layer 1: land's own environment, or only the allow-list when the tier does not inherit. */
function inheritedLayer(shellEnv: Record<string, string>, tier: ResolvedTier): Record<string, string> {
  let layer: Record<string, string>;
  if (tier.inheritEnv) {
    layer = { ...shellEnv };
  } else {
    const allowed = new Set<string>([...ALWAYS_INHERITED, ...tier.allowEnv]);
    layer = {};
    for (const [key, value] of Object.entries(shellEnv)) {
      if (allowed.has(key) || key.startsWith('NODE_')) layer[key] = value;
    }
  }
  for (const key of NOT_INHERITED) delete layer[key];
  return layer;
}

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

/**
 * Copies whichever spelling of a renamed key is set onto the other, into `over`; with both set, the newer name wins.
 * A key is read from `over`, else from `base` (the layers below it).
 */
function alignRenamedKeys(over: Record<string, string>, base: Readonly<Record<string, string>>): void {
  const read = (key: string) => (Object.hasOwn(over, key) ? over[key] : Object.hasOwn(base, key) ? base[key] : undefined);
  for (const [oldName, newName] of RENAMED_KEYS) {
    const value = isSet(read(newName)) ? read(newName) : read(oldName);
    if (isSet(value)) {
      over[oldName] = value;
      over[newName] = value;
    }
  }
}

/**
 * With land's receiver, the SDKs' export delays cut to a second, as the Aspire dashboard sets them for what it starts:
 * by default a Node SDK sends metrics every 60 s and batches spans and records for 5 s and 1 s, so for a minute land
 * would show no point. Each group only where no layer (the shell, an env file, the profile, the tier) set one of it:
 * the metric timeout goes with the interval, as some SDKs refuse an interval shorter than the timeout (30 s by
 * default: sdk-metrics 2.x throws when a caller passes both, as NodeSDK's env reading does).
 */
export const QUICK_EXPORT: ReadonlyArray<Readonly<Record<string, string>>> = [
  { OTEL_METRIC_EXPORT_INTERVAL: '1000', OTEL_METRIC_EXPORT_TIMEOUT: '1000' },
  { OTEL_BSP_SCHEDULE_DELAY: '1000' },
  { OTEL_BLRP_SCHEDULE_DELAY: '1000' },
];

/** The OTLP endpoint (and protocol) for the child's SDKs, unless the tier's own env names them. */
function injectOtlp(env: Record<string, string>, own: Record<string, string>, injected: InjectedEnv, base: Readonly<Record<string, string>>): void {
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && !isSet(own[key])) env[key] = value;
  };
  set('OTEL_EXPORTER_OTLP_ENDPOINT', injected.otlpEndpoint);
  set('OTEL_EXPORTER_OTLP_PROTOCOL', injected.otlpProtocol);
  if (injected.otlpProtocol === undefined) return;
  for (const group of QUICK_EXPORT) if (Object.keys(group).every((key) => !isSet(own[key]) && !isSet(base[key]))) Object.assign(env, group);
  // land's receiver: land's own library in the child sends there too (one egress; land forwards to the collector).
  const keys = ['OTLPEndpoint', 'Pipe'];
  if (keys.some((key) => isSet(own[key]))) return;
  for (const key of keys) env[key] = injected.otlpEndpoint!;
}

/**
 * What a tier gets of land's layers (its shell, env files, profile): a tier that opted out (`telemetryEnv: false`)
 * gets no telemetry key, the PostHog key above all, unless its own env names one. `land export` applies it too.
 */
export function withoutOptedOutTelemetry(env: Record<string, string>, tier: Pick<ResolvedTier, 'telemetryEnv'>): Record<string, string> {
  if (!tier.telemetryEnv) for (const name of TELEMETRY_KEYS) delete env[name];
  return env;
}

/**
 * Layers 1 to 3 depend on the boot and on a tier's `inheritEnv`, `allowEnv` and `telemetryEnv` only: they are made
 * once per boot for each such setting and copied for every child (a plan's envs never change once made).
 */
const sharedLayers = new WeakMap<BootPlan, Map<string, Readonly<Record<string, string>>>>();

export function sharedLayersFor(plan: BootPlan, tier: ResolvedTier): Readonly<Record<string, string>> {
  const key = `${tier.inheritEnv ? 'all' : `only ${tier.allowEnv.join('\0')}`} telemetry ${tier.telemetryEnv}`;
  let layers = sharedLayers.get(plan);
  if (!layers) sharedLayers.set(plan, (layers = new Map()));
  let env = layers.get(key);
  if (!env) {
    const made = withoutOptedOutTelemetry({ ...inheritedLayer(plan.shellEnv, tier), ...plan.profileEnv }, tier);
    layers.set(key, (env = made));
  }
  return env;
}

/** `service.instance.id` as an OTEL_RESOURCE_ATTRIBUTES value sets it (W3C baggage-like `key=value,…`). */
/** The `service.instance.id` an OTEL_RESOURCE_ATTRIBUTES value sets, if any. */
export function ownInstanceId(value: string | undefined): string | undefined {
  const pair = value?.split(',').find((entry) => entry.split('=')[0]?.trim() === 'service.instance.id');
  return pair?.slice(pair.indexOf('=') + 1).trim() || undefined;
}

/**
 * `,service.instance.id=…` for land's OTEL_RESOURCE_ATTRIBUTES: a replica's own name (`web.2`), so its telemetry can
 * be told from its siblings' (`land logs web.2`); an id the tier's environment already sets is kept, since land's
 * value replaces the whole variable. Nothing for a tier without replicas.
 */
function instanceAttribute(tier: ResolvedTier, over: Readonly<Record<string, string>>, base: Readonly<Record<string, string>>): string {
  const own = ownInstanceId(over.OTEL_RESOURCE_ATTRIBUTES ?? base.OTEL_RESOURCE_ATTRIBUTES);
  const id = own ?? (tier.replica !== undefined ? tier.name : undefined);
  return id === undefined ? '' : `,service.instance.id=${id}`;
}

/**
 * The environment a tier's process starts with. Layers, lowest first (a higher one wins): (1) land's environment
 * (or the allow-list), without any inherited TRACEPARENT/TRACESTATE/BAGGAGE nor `_`; (2+3) the env files and the profile (already
 * merged with the shell's exported values in plan.profileEnv), without the telemetry keys for a tier with
 * `telemetryEnv: false`; (4) the tier's own env files (`fileEnv`), then its `env`; (5) what land injects.
 */
export function hydrateChildEnv(plan: BootPlan, tier: ResolvedTier, injected: InjectedEnv): Record<string, string> {
  const base = sharedLayersFor(plan, tier);
  return Object.assign({ ...base }, childEnvOverlay(plan, tier, injected, base));
}

/**
 * Layers 4 and 5 over `base` (sharedLayersFor): every key they set, with its value. The environment is `base` with
 * these set over it (hydrateChildEnv): a key already in `base` keeps its place, a new one comes after, in this
 * order. The preflight sizes a tier's environment from this and `base`'s sizes, made once (preflight-env.ts).
 */
export function childEnvOverlay(plan: BootPlan, tier: ResolvedTier, injected: InjectedEnv, base: Readonly<Record<string, string>>): Record<string, string> {
  const over: Record<string, string> = { ...tier.fileEnv, ...tier.env };
  alignRenamedKeys(over, base);

  Object.assign(over, {
    OTLP_TRACE_ID: injected.traceId,
    TRACEPARENT: injected.traceparent,
    LAND_TIER: tier.tier,
    LAND_PROFILE: plan.profile,
    LAND_BOOT_ID: injected.bootId,
    LAND_SUPERVISED: '1',
    OTEL_SERVICE_NAME: `${plan.config.app}-${tier.tier}`,
    OTEL_RESOURCE_ATTRIBUTES: `land.tier=${tier.tier},land.profile=${plan.profile},land.boot_id=${injected.bootId}${instanceAttribute(tier, over, base)}`,
    // So a child's own recording (Record=1) lands beside mountain's, and its events carry the stack's identity.
    LAND_TELEMETRY_DIR: path.join(plan.config.rootDir, '.land', 'telemetry'),
    LAND_APP: plan.config.app,
    LAND_APP_VERSION: plan.config.version,
  });
  Object.assign(over, injected.traceContext);
  injectOtlp(over, tier.env, injected, base);
  // A replica's own copy of the tier carries its number and its port (src/supervisor/replicas.ts).
  if (tier.replica !== undefined) over.LAND_REPLICA = String(tier.replica);
  if (tier.port !== undefined) over.PORT = String(tier.port);
  return over;
}
