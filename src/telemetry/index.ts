/** land's telemetry library (`land/telemetry`): one library for mountain and every TypeScript sidecar. */
export { TIERS, isTier, type Tier } from './tiers.js';
export {
  TelemetryConfiguration,
  readConfiguration,
  processConfiguration,
  resetConfigurationCache,
  postHogGate,
  otlpGate,
  recordGate,
  DEFAULT_BEAM,
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_BUFFER,
  type Env,
  type Gate,
} from './configuration.js';
export { distinctId } from './distinct-id.js';
export { newTraceId, newSpanId, newBootId, isTraceId, isSpanId } from './ids.js';
export {
  buildTraceparent,
  parseTraceparent,
  traceparentFromEnv,
  traceparentEnv,
  type Traceparent,
  type TraceparentResult,
} from './traceparent.js';
export { recordingDir, recorderFor, EVENTS_FILE, SPANS_FILE, Recorder } from './recorder.js';
export type { EventProperties, CaptureOptions, RecordedEvent, EventIdentity } from './capture.js';
export type { RecordedSpan } from './spans.js';
export { TelemetryClient, DEFAULT_SHUTDOWN_TIMEOUT_MS, type TelemetryClientOptions } from './client.js';
export {
  initialize,
  captureEvent,
  captureError,
  captureSession,
  startSpan,
  withSpan,
  status,
  shutdown,
  currentTier,
  currentTraceId,
  resetTelemetry,
  type InitializeOptions,
} from './initialize.js';
export { createMountainTelemetry, type MountainTelemetry, type MountainTelemetryOptions } from './mountain.js';
export { renderTrace, findLatestBoot, type RenderTraceOptions } from './trace-view.js';
