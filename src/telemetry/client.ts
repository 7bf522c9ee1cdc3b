/**
 * One process's telemetry: the three pipes (PostHog, OTLP, recording) behind their gates, the event identity, and a
 * bounded shutdown. The library's `initialize` holds one of these per process; mountain builds its own.
 */
import type { Attributes, Span, SpanContext } from '@opentelemetry/api';
import type { PipeStatus, TelemetryStatus } from '../supervisor/types.js';
import { EventCapture, type CaptureOptions, type EventProperties } from './capture.js';
import { otlpGate, postHogGate, readConfiguration, recordGate, type Env, type TelemetryConfiguration } from './configuration.js';
import { distinctId } from './distinct-id.js';
import { DeferredPostHog } from './deferred-posthog.js';
import { recorderFor, recordingDir, type Recorder } from './recorder.js';
import type { SpanSink } from './span-sdk.js';
import { SpanPipe } from './spans.js';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2000;

export interface TelemetryClientOptions {
  tier: string;
  app: string;
  version: string;
  traceId: string;
  /** The remote span this process's root spans are children of. */
  parent?: SpanContext;
  /** Where the keys are read from (default process.env). */
  env?: Env;
  configuration?: TelemetryConfiguration;
  /** The recording goes to `recordingDir(bootId)` unless `recordDir` says otherwise. */
  bootId: string;
  recordDir?: string;
  /** The project root for `.land/telemetry` (default: the working directory). */
  rootDir?: string;
  resourceAttributes?: Attributes;
  /**
   * Import the pipes' libraries only when `loadPipes()` is called (mountain: once the stack is up), not at once.
   * Until then events and spans wait, bounded by `Buffer`.
   */
  deferLoading?: boolean;
  /** Also given every ended span (mountain: the receiver's store). */
  spanSink?: SpanSink;
}

function offStatus(reason: string | undefined): PipeStatus {
  return { state: 'off', sent: 0, dropped: 0, reason };
}

export class TelemetryClient {
  readonly tier: string;
  readonly traceId: string;
  readonly bootId: string;
  readonly config: TelemetryConfiguration;
  readonly events: EventCapture;
  readonly spans: SpanPipe;
  private readonly posthog: DeferredPostHog | undefined;
  private readonly recorder: Recorder | undefined;
  private readonly offReasons: { posthog?: string; otlp?: string; record?: string };
  private closing: Promise<void> | undefined;

  constructor(options: TelemetryClientOptions) {
    const env = options.env ?? process.env;
    this.config = options.configuration ?? readConfiguration(env);
    this.tier = options.tier;
    this.bootId = options.bootId;
    const posthogGate = postHogGate(this.config);
    const otlp = otlpGate(this.config);
    const record = recordGate(this.config);
    this.offReasons = { posthog: posthogGate.reason, otlp: otlp.reason, record: record.reason };

    this.posthog = posthogGate.allowed
      ? new DeferredPostHog({ apiKey: this.config.authorize, host: this.config.beam, buffer: this.config.buffer })
      : undefined;
    this.recorder = record.allowed
      ? recorderFor(options.recordDir ?? recordingDir(options.bootId, env, options.rootDir ?? process.cwd()))
      : undefined;
    const serviceName = `${options.app}-${options.tier}`;
    this.spans = new SpanPipe({
      serviceName,
      tier: options.tier,
      traceId: options.traceId,
      parent: options.parent,
      otlp: otlp.allowed ? { endpoint: this.config.otlpEndpoint, buffer: this.config.buffer } : undefined,
      recorder: this.recorder,
      sink: options.spanSink,
      resourceAttributes: options.resourceAttributes,
      buffer: this.config.buffer,
    });
    this.traceId = this.spans.traceId;
    this.events = new EventCapture(
      { app: options.app, version: options.version, mode: this.config.mode, tier: options.tier, traceId: this.traceId },
      distinctId(this.config, env),
      this.posthog,
      this.recorder,
    );
    if (!options.deferLoading) void this.loadPipes();
  }

  /** Whether an open pipe has a library to import (PostHog, or OTLP/recording spans). */
  get hasPipesToLoad(): boolean {
    return this.posthog !== undefined || this.spans.hasSdk;
  }

  /** Import what the open pipes need (posthog-node, the OpenTelemetry SDK); resolves when done. Never rejects. */
  async loadPipes(): Promise<void> {
    await Promise.all([this.posthog?.load(), this.spans.load()]);
  }

  captureEvent(event: string, properties?: EventProperties, options?: CaptureOptions): void {
    if (this.closing) return;
    this.events.captureEvent(event, properties, options);
  }

  captureError(tag: string, error: unknown, options?: CaptureOptions, properties?: EventProperties): void {
    if (this.closing) return;
    this.events.captureError(tag, error, options, properties);
  }

  captureSession(properties?: EventProperties, options?: CaptureOptions): void {
    if (this.closing) return;
    this.events.captureSession(properties, options);
  }

  /** Set `traits` on a PostHog group (a `$groupidentify` event); recorded too. */
  identifyGroup(groupType: string, groupKey: string, traits: Record<string, unknown>): void {
    if (this.closing) return;
    this.events.identifyGroup(groupType, groupKey, traits);
  }

  startSpan(name: string, attributes?: Attributes, parent?: Span | SpanContext): Span {
    return this.spans.startSpan(name, { attributes, parent });
  }

  withSpan<T>(name: string, fn: (span: Span) => T | Promise<T>, attributes?: Attributes): Promise<T> {
    return this.spans.withSpan(name, fn, attributes);
  }

  status(): TelemetryStatus {
    return {
      posthog: this.posthog?.status() ?? offStatus(this.offReasons.posthog),
      otlp: this.spans.otlpStatus() ?? offStatus(this.offReasons.otlp),
      record: this.recorder?.status() ?? offStatus(this.offReasons.record),
    };
  }

  /** Flush every pipe within `timeoutMs` (all in parallel), then close them. Never rejects; idempotent. */
  shutdown(timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<void> {
    this.closing ??= this.close(timeoutMs);
    return this.closing;
  }

  private async close(timeoutMs: number): Promise<void> {
    await Promise.all([
      this.spans.shutdown(timeoutMs).catch(() => undefined),
      this.posthog?.shutdown(timeoutMs).catch(() => undefined),
    ]);
    try {
      this.recorder?.flush();
    } catch {
      // the recorder latches its own failures; nothing to add at shutdown
    }
  }
}
