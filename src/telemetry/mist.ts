/**
 * mist: environment hydration, a library inside mountain. Every child gets the telemetry keys of
 * `.env.Land.PostHog` (both spellings of renamed keys) plus the variables land injects; mist reports how many per
 * spawn (`land:mist:hydrated`, stamped `$tier=mountain`). Counts only: never names' values.
 */
import type { TelemetryClient } from './client.js';

/** The keys of `.env.Land.PostHog` land passes to children. */
export const TELEMETRY_KEYS = [
  'Authorize',
  'Beam',
  'Capture',
  'Report',
  'OTLPEnabled',
  'Emit',
  'OTLPEndpoint',
  'Pipe',
  'Brand',
  'Record',
  'Throttle',
  'Buffer',
  'Batch',
  'Cap',
  'Trace',
  'Replay',
  'Ask',
] as const;

/** What land injects into every child (DESIGN: "The environment a child receives", layer 5). */
export const INJECTED_VARIABLES = [
  'OTLP_TRACE_ID',
  'TRACEPARENT',
  'LAND_TIER',
  'LAND_PROFILE',
  'LAND_BOOT_ID',
  'LAND_SUPERVISED',
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
] as const;

export class Mist {
  private readonly telemetryKeys: number;
  private readonly injected: number;

  constructor(
    private readonly client: TelemetryClient,
    private readonly component: string,
    env: Readonly<Record<string, string | undefined>>,
    otlpEndpointInjected: boolean,
  ) {
    this.telemetryKeys = TELEMETRY_KEYS.filter((key) => env[key] !== undefined && env[key] !== '').length;
    this.injected = INJECTED_VARIABLES.length + (otlpEndpointInjected ? 1 : 0);
  }

  /** How many variables a spawn of `tier` received from mist. */
  get variables(): number {
    return this.telemetryKeys + this.injected;
  }

  hydrated(tier: string, restart: number): void {
    this.client.captureEvent(
      'land:mist:hydrated',
      { tier, restart, variables: this.variables, telemetry_keys: this.telemetryKeys, injected: this.injected },
      { tier: 'mountain', component: this.component },
    );
  }
}
