/**
 * A span written straight into a SpanSink, without the OpenTelemetry SDK: what SpanPipe makes when the sink (the
 * receiver's store) is its only span pipe, as in a boot whose OTLP export and recording are off. The record is the
 * one the SDK's RecordingProcessor writes (span-sdk.ts), by the SDK's rules (sdk-trace 2.x `SpanImpl`): attributes
 * sanitized and limited (OTEL_*_ATTRIBUTE_* as the SDK reads them), OK outranks ERROR, nothing changes after end().
 * Why: loading the SDK and passing each span through it was ~half of land's CPU after a 64-child wave's forks
 * (docs/decisions.md, "Boot per child, seventh wave").
 */
import {
  SpanStatusCode,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Link,
  type Span,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
} from '@opentelemetry/api';
import type { SpanSink } from './span-sdk.js';
import type { RecordedSpan } from './spans.js';

/** Where a SinkSpan's record goes, and what it is told about its process. */
export interface SinkTarget {
  sink: SpanSink;
  tier: string;
  service: string;
  /** Attribute limits, read once (spanLimitsFromEnv). */
  limits: SpanLimits;
}

export interface SpanLimits {
  attributeCount: number;
  valueLength: number;
}

/** The SDK's default limits and the variables that override them (sdk-trace-base's reconfigureLimits). */
export function spanLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): SpanLimits {
  const number = (key: string): number | undefined => {
    const raw = env[key];
    if (raw == null || raw.trim() === '') return undefined;
    const value = Number(raw);
    return Number.isNaN(value) ? undefined : value;
  };
  return {
    attributeCount: number('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? number('OTEL_ATTRIBUTE_COUNT_LIMIT') ?? 128,
    valueLength: number('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? number('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? Infinity,
  };
}

const PRIMITIVES = new Set(['string', 'number', 'boolean']);

/** @opentelemetry/core's isAttributeValue: a primitive, or an array of one primitive type (null holes allowed). */
function isAttributeValue(value: unknown): boolean {
  if (!Array.isArray(value)) return PRIMITIVES.has(typeof value);
  let type: string | undefined;
  for (const element of value as unknown[]) {
    if (element == null) continue;
    const elementType = typeof element;
    if (type === undefined && PRIMITIVES.has(elementType)) type = elementType;
    else if (elementType !== type) return false;
  }
  return true;
}

/** A time as the SDK takes it (epoch milliseconds, a Date, or [seconds, nanoseconds]), in epoch milliseconds. */
function epochMs(time: TimeInput): number {
  if (Array.isArray(time)) return time[0] * 1e3 + time[1] / 1e6;
  const ms = time instanceof Date ? time.getTime() : time;
  // The SDK keeps whole nanoseconds (millisToHrTime, then hrTimeToMilliseconds): the same value, the same rounding.
  return Math.trunc(ms / 1000) * 1e3 + Math.round((ms % 1000) * 1e6) / 1e6;
}

export class SinkSpan implements Span {
  private ended = false;
  private status: SpanStatus = { code: SpanStatusCode.UNSET };
  private readonly attributes: Attributes = {};
  private attributeCount = 0;
  private readonly startMs: number;
  private readonly performanceStart: number;
  private readonly performanceOffset: number;
  private readonly startProvided: boolean;

  constructor(
    private name: string,
    private readonly context: SpanContext,
    private readonly parentSpanId: string | undefined,
    attributes: Attributes | undefined,
    startTime: TimeInput | undefined,
    private readonly target: SinkTarget,
  ) {
    // The SDK's clocks (SpanImpl): the start from the wall clock, an end without a time from the monotonic clock's
    // elapsed time since (so a span's length survives a wall clock step), a small number as a performance time.
    const now = Date.now();
    this.performanceStart = performance.now();
    this.performanceOffset = now - (this.performanceStart + performance.timeOrigin);
    this.startProvided = startTime != null;
    this.startMs = this.timeMs(startTime ?? now);
    if (attributes) this.setAttributes(attributes);
  }

  /** A time as the SDK's `_getTime` reads it, in epoch milliseconds. */
  private timeMs(time: TimeInput | undefined): number {
    if (typeof time === 'number' && time <= performance.now()) return epochMs(performance.timeOrigin + time + this.performanceOffset);
    if (time != null) return epochMs(time);
    if (this.startProvided) return epochMs(Date.now());
    return this.startMs + epochMs(performance.now() - this.performanceStart);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (value == null || this.ended || key === '' || !isAttributeValue(value)) return this;
    const isNew = !Object.prototype.hasOwnProperty.call(this.attributes, key);
    if (isNew && this.attributeCount >= this.target.limits.attributeCount) return this;
    this.attributes[key] = this.truncated(value);
    if (isNew) this.attributeCount += 1;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) this.setAttribute(key, attributes[key] as AttributeValue);
    }
    return this;
  }

  private truncated(value: AttributeValue): AttributeValue {
    const limit = this.target.limits.valueLength;
    const cut = (text: string) => (text.length <= limit ? text : text.substring(0, limit));
    if (!(limit > 0)) return value;
    if (typeof value === 'string') return cut(value);
    if (Array.isArray(value)) return value.map((element) => (typeof element === 'string' ? cut(element) : element)) as AttributeValue;
    return value;
  }

  /** Events and links are not part of the record (the SDK's RecordingProcessor leaves them out as well). */
  addEvent(): this {
    return this;
  }
  addLink(_link: Link): this {
    return this;
  }
  addLinks(_links: Link[]): this {
    return this;
  }
  recordException(_exception: Exception, _time?: TimeInput): void {}

  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return this;
    this.status = status.code === SpanStatusCode.ERROR && typeof status.message === 'string' ? { code: status.code, message: status.message } : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  isRecording(): boolean {
    return !this.ended;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    // An end before the start is the start (the SDK's rule).
    const endMs = Math.max(this.startMs, this.timeMs(endTime));
    const tier = this.attributes['land.tier'];
    const { code, message } = this.status;
    const record: RecordedSpan = {
      name: this.name,
      traceId: this.context.traceId,
      spanId: this.context.spanId,
      parentSpanId: this.parentSpanId,
      tier: typeof tier === 'string' ? tier : this.target.tier,
      service: this.target.service,
      startMs: this.startMs,
      endMs,
      durationMs: endMs - this.startMs,
      status: code === SpanStatusCode.ERROR ? 'error' : code === SpanStatusCode.OK ? 'ok' : 'unset',
      statusMessage: message,
      traceState: this.context.traceState?.serialize() || undefined,
      attributes: this.attributes,
    };
    this.target.sink.recordSpan(record);
  }
}
