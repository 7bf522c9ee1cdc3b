/**
 * The per-process telemetry of a tier: `initialize(tier)` once at boot, then the capture and span helpers anywhere.
 * Before initialize, and in a release build, every call is a no-op.
 *
 * A child of land finds everything in its environment: the keys of `.env.Land.PostHog`, TRACEPARENT (its spawn span:
 * the process's spans become its children), OTLP_TRACE_ID, LAND_BOOT_ID, LAND_PROFILE, and LAND_SUPERVISED=1 (mountain
 * already sent this child's session:start, so initialize does not send a second one).
 */
import { INVALID_SPAN_CONTEXT, trace, type Attributes, type Span } from '@opentelemetry/api';
import type { TelemetryStatus } from '../supervisor/types.js';
import { readFlag } from '../config/flags.js';
import type { EventProperties } from './capture.js';
import { DEFAULT_SHUTDOWN_TIMEOUT_MS, TelemetryClient } from './client.js';
import { readConfiguration, type Env } from './configuration.js';
import { isTraceId, newBootId, newTraceId } from './ids.js';
import type { Tier } from './tiers.js';
import { traceparentFromEnv } from './traceparent.js';

export interface InitializeOptions {
  /** Where to read the keys and the injected variables (default process.env). */
  env?: Env;
  /** `$app` and the service name prefix (default LAND_APP, else the prefix of OTEL_SERVICE_NAME, else `land`). */
  app?: string;
  /** `$app_version` (default LAND_APP_VERSION, else npm_package_version, else 0.0.0). */
  version?: string;
  /** The recording's boot folder (default LAND_BOOT_ID, else a new id). */
  bootId?: string;
  /** The project root for `.land/telemetry` (default the working directory). */
  rootDir?: string;
}

let client: TelemetryClient | undefined;

function appName(tier: string, env: Env): string {
  if (env.LAND_APP) return env.LAND_APP;
  const service = env.OTEL_SERVICE_NAME;
  if (service && service.endsWith(`-${tier}`) && service.length > tier.length + 1) return service.slice(0, -(tier.length + 1));
  return 'land';
}

/** Start this process's telemetry as `tier`. Idempotent: later calls return the first result. */
export function initialize(tier: Tier | (string & {}), options: InitializeOptions = {}): TelemetryClient | undefined {
  if (client) return client;
  const env = options.env ?? process.env;
  const configuration = readConfiguration(env);
  if (configuration.release) return undefined;

  const parent = traceparentFromEnv(env);
  const injected = env.OTLP_TRACE_ID?.trim();
  const traceId = parent?.traceId ?? (isTraceId(injected) ? injected : newTraceId());
  client = new TelemetryClient({
    tier,
    app: options.app ?? appName(tier, env),
    version: options.version ?? env.LAND_APP_VERSION ?? env.npm_package_version ?? '0.0.0',
    traceId,
    parent,
    env,
    configuration,
    bootId: options.bootId ?? env.LAND_BOOT_ID ?? newBootId(),
    rootDir: options.rootDir,
  });
  if (!readFlag(env.LAND_SUPERVISED, false)) {
    client.captureSession({ profile: env.LAND_PROFILE, boot_id: client.bootId, restart: 0 });
  }
  return client;
}

/** The tier this process initialised as, if any. */
export function currentTier(): string | undefined {
  return client?.tier;
}

/** The trace id every span and event of this process carries, once initialised. */
export function currentTraceId(): string | undefined {
  return client?.traceId;
}

/** Emit a named event (`land:<tier>:<what>`), stamped with the identity and `$trace_id`. */
export function captureEvent(name: string, properties?: EventProperties): void {
  client?.captureEvent(name, properties);
}

/** Emit `land:<tier>:error` with `error_tag` and `error_message`. */
export function captureError(tag: string, error: unknown, properties?: EventProperties): void {
  client?.captureError(tag, error, undefined, properties);
}

/** Emit `land:<tier>:session:start` with pid, os, arch and `extra`. */
export function captureSession(extra?: EventProperties): void {
  client?.captureSession(extra);
}

/** Start a span (child of the enclosing withSpan, else of the process's TRACEPARENT); a non-recording span before initialize. */
export function startSpan(name: string, attributes?: Attributes): Span {
  if (client) return client.startSpan(name, attributes);
  return nonRecordingSpan();
}

/** Run `fn` in a span that ends when fn settles (error status when it throws). */
export function withSpan<T>(name: string, fn: (span: Span) => T | Promise<T>, attributes?: Attributes): Promise<T> {
  if (client) return client.withSpan(name, fn, attributes);
  return Promise.resolve().then(() => fn(nonRecordingSpan()));
}

const NOT_INITIALIZED = { state: 'off', sent: 0, dropped: 0, reason: 'not initialized' } as const;

export function status(): TelemetryStatus {
  return client?.status() ?? { posthog: { ...NOT_INITIALIZED }, otlp: { ...NOT_INITIALIZED }, record: { ...NOT_INITIALIZED } };
}

/** Flush every pipe within `timeoutMs`; never rejects; nothing it started keeps the process alive afterwards. */
export async function shutdown(timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<void> {
  await client?.shutdown(timeoutMs);
}

/** For tests: shut down and forget the process's client so initialize can run again. */
export async function resetTelemetry(): Promise<void> {
  const previous = client;
  client = undefined;
  await previous?.shutdown(0);
}

function nonRecordingSpan(): Span {
  return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
}
