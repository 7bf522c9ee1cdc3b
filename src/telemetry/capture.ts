/**
 * Events: the identity every event carries, and the fan-out to PostHog and the local recording.
 * Names follow `land:<tier>:<what>`; `$tier` is the tier the event is about (mountain may speak for a child).
 */
import { arch, platform } from 'node:os';
import { oneLine } from '../errors.js';
import type { DeferredPostHog } from './deferred-posthog.js';
import type { Recorder } from './recorder.js';

export type EventProperties = Record<string, string | number | boolean | null | undefined | string[] | number[] | Record<string, unknown>>;

export interface EventIdentity {
  app: string;
  version: string;
  mode: string;
  tier: string;
  traceId: string;
}

export interface CaptureOptions {
  /** The tier the event is about (default: the process's own). */
  tier?: string;
  /** `$component` (default `<app>-<tier>`): a library inside a tier (echo, mist) names itself here. */
  component?: string;
}

export interface RecordedEvent {
  event: string;
  distinct_id: string;
  timestamp: string;
  properties: Record<string, unknown>;
}

export class EventCapture {
  constructor(
    private readonly identity: EventIdentity,
    private readonly distinctId: string,
    private readonly posthog: DeferredPostHog | undefined,
    private readonly recorder: Recorder | undefined,
  ) {}

  get tier(): string {
    return this.identity.tier;
  }

  /** The identity stamp: `$app`, `$app_version`, `$build_mode`, `$component`, `$tier`, `$lib`, `$trace_id`. */
  identityProperties(options: CaptureOptions = {}): Record<string, string> {
    const tier = options.tier ?? this.identity.tier;
    return {
      $app: this.identity.app,
      $app_version: this.identity.version,
      $build_mode: this.identity.mode,
      $component: options.component ?? `${this.identity.app}-${tier}`,
      $tier: tier,
      $lib: 'land',
      $trace_id: this.identity.traceId,
    };
  }

  captureEvent(event: string, properties: EventProperties = {}, options: CaptureOptions = {}): void {
    if (!this.posthog && !this.recorder) return;
    const merged: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(properties)) if (value !== undefined) merged[key] = value;
    Object.assign(merged, this.identityProperties(options));
    this.posthog?.send(this.distinctId, event, merged);
    this.recorder?.recordEvent({ event, distinct_id: this.distinctId, timestamp: new Date().toISOString(), properties: merged } satisfies RecordedEvent);
  }

  /**
   * A PostHog group identify: sets `traits` on the group `groupType`/`groupKey` (what a dashboard reads as the
   * group's latest state). Recorded as the `$groupidentify` event posthog-node sends, with the identity stamp.
   */
  identifyGroup(groupType: string, groupKey: string, traits: Record<string, unknown>): void {
    if (!this.posthog && !this.recorder) return;
    this.posthog?.groupIdentify(this.distinctId, groupType, groupKey, traits);
    const properties = { $group_type: groupType, $group_key: groupKey, $group_set: traits, ...this.identityProperties() };
    this.recorder?.recordEvent({ event: '$groupidentify', distinct_id: this.distinctId, timestamp: new Date().toISOString(), properties } satisfies RecordedEvent);
  }

  /** `land:<tier>:error` with `error_tag` and a one-line `error_message`. */
  captureError(tag: string, error: unknown, options: CaptureOptions = {}, properties: EventProperties = {}): void {
    const tier = options.tier ?? this.identity.tier;
    this.captureEvent(`land:${tier}:error`, { ...properties, error_tag: tag, error_message: oneLine(error) }, options);
  }

  /** `land:<tier>:session:start` with pid, os, arch (plus what the caller adds: profile, boot_id, restart). */
  captureSession(properties: EventProperties = {}, options: CaptureOptions = {}): void {
    // Both pipes off (the default): nothing to build, as captureEvent would drop it (one per spawn in a boot).
    if (!this.posthog && !this.recorder) return;
    const tier = options.tier ?? this.identity.tier;
    this.captureEvent(`land:${tier}:session:start`, { pid: process.pid, os: platform(), arch: arch(), ...properties }, options);
  }
}
