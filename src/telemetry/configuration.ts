/**
 * The telemetry keys of `.env.Land.PostHog`, read at runtime from an env record (land hydrates them into every child).
 * The API key is held in a private field: it never shows up in JSON, util.inspect, or string conversion.
 */
import { inspect } from 'node:util';
import { readFlag } from '../config/flags.js';

export const DEFAULT_BEAM = 'https://eu.i.posthog.com';
export const DEFAULT_OTLP_ENDPOINT = 'http://127.0.0.1:4318';
export const DEFAULT_BUFFER = 1000;

export type Env = Readonly<Record<string, string | undefined>>;

/** The first of several spellings that is set and not empty (newer name first). */
function firstSet(env: Env, ...keys: readonly string[]): string | undefined {
  const key = firstSetKey(env, keys);
  return key === undefined ? undefined : env[key]!.trim();
}

function firstSetKey(env: Env, keys: readonly string[]): string | undefined {
  return keys.find((key) => env[key] !== undefined && env[key].trim() !== '');
}

/** The spellings of the collector's address, the one that wins first. */
const OTLP_ENDPOINT_KEYS = ['Pipe', 'OTLPEndpoint', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;

/** Which key gave the collector's address, or undefined when it is the default (for a message naming it). */
export function otlpEndpointKey(env: Env): string | undefined {
  return firstSetKey(env, OTLP_ENDPOINT_KEYS);
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

export class TelemetryConfiguration {
  readonly #authorize: string;
  readonly beam: string;
  readonly capture: boolean;
  readonly report: boolean;
  readonly otlpEnabled: boolean;
  readonly otlpEndpoint: string;
  readonly brand: string | undefined;
  readonly record: boolean;
  readonly buffer: number;
  /** Build mode: `release` makes every call a no-op. */
  readonly mode: string;

  constructor(env: Env) {
    this.#authorize = (env.Authorize ?? '').trim();
    this.beam = (firstSet(env, 'Beam') ?? DEFAULT_BEAM).replace(/\/+$/, '');
    this.capture = readFlag(env.Capture, false);
    this.report = readFlag(env.Report, false);
    this.otlpEnabled = readFlag(firstSet(env, 'Emit', 'OTLPEnabled'), false);
    this.otlpEndpoint = (firstSet(env, ...OTLP_ENDPOINT_KEYS) ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '');
    this.brand = firstSet(env, 'Brand');
    this.record = readFlag(env.Record, false);
    this.buffer = positiveInt(firstSet(env, 'Buffer'), DEFAULT_BUFFER);
    this.mode = (firstSet(env, 'Mode', 'LAND_BUILD_MODE') ?? 'debug').toLowerCase();
  }

  /** The PostHog project key (a secret: pass it to the client, never into a string that is shown). */
  get authorize(): string {
    return this.#authorize;
  }

  get hasAuthorize(): boolean {
    return this.#authorize !== '';
  }

  get release(): boolean {
    return this.mode === 'release';
  }

  toJSON(): Record<string, unknown> {
    return {
      authorize: this.hasAuthorize ? '[redacted]' : '',
      beam: this.beam,
      capture: this.capture,
      report: this.report,
      otlpEnabled: this.otlpEnabled,
      otlpEndpoint: this.otlpEndpoint,
      brand: this.brand,
      record: this.record,
      buffer: this.buffer,
      mode: this.mode,
    };
  }

  toString(): string {
    return `TelemetryConfiguration ${JSON.stringify(this.toJSON())}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

export interface Gate {
  allowed: boolean;
  /** Why the pipe is off (names keys, never values of secrets). */
  reason?: string;
}

export function postHogGate(config: TelemetryConfiguration): Gate {
  if (config.release) return { allowed: false, reason: 'release build' };
  if (!config.capture) return { allowed: false, reason: 'Capture is off' };
  if (!config.report) return { allowed: false, reason: 'Report is off' };
  if (!config.hasAuthorize) return { allowed: false, reason: 'Authorize is not set' };
  return { allowed: true };
}

export function otlpGate(config: TelemetryConfiguration): Gate {
  if (config.release) return { allowed: false, reason: 'release build' };
  if (!config.capture) return { allowed: false, reason: 'Capture is off' };
  if (!config.otlpEnabled) return { allowed: false, reason: 'OTLPEnabled is off' };
  return { allowed: true };
}

/** The local NDJSON recording is its own pipe: it needs only Record=1 (and not a release build). */
export function recordGate(config: TelemetryConfiguration): Gate {
  if (config.release) return { allowed: false, reason: 'release build' };
  if (!config.record) return { allowed: false, reason: 'Record is off' };
  return { allowed: true };
}

let cached: TelemetryConfiguration | undefined;

/** Read once per process from process.env (a hot path must not re-parse the environment). */
export function processConfiguration(): TelemetryConfiguration {
  cached ??= new TelemetryConfiguration(process.env);
  return cached;
}

/** Read from a given env record; process.env goes through the per-process cache. */
export function readConfiguration(env: Env = process.env): TelemetryConfiguration {
  return env === process.env ? processConfiguration() : new TelemetryConfiguration(env);
}

/** For tests: forget the cached read of process.env. */
export function resetConfigurationCache(): void {
  cached = undefined;
}
