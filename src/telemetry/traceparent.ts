/**
 * W3C `traceparent` (version-traceid-parentid-flags) built and read through OpenTelemetry's own propagator, and carried
 * in environment variables through the env carrier (the OpenTelemetry convention for crossing a process boundary).
 */
import { ROOT_CONTEXT, TraceFlags, trace, type SpanContext, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator, parseTraceParent } from '@opentelemetry/core';
import { EnvironmentGetter, EnvironmentSetter } from '@opentelemetry/propagator-env-carrier';
import { isSpanId, isTraceId } from './ids.js';

export interface Traceparent {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

export type TraceparentResult = ({ ok: true } & Traceparent) | { ok: false; reason: string };

const propagator = new W3CTraceContextPropagator();

/** `00-<traceId>-<spanId>-01` (sampled: every span of a boot is recorded). */
export function buildTraceparent(traceId: string, spanId: string, sampled = true): string {
  if (!isTraceId(traceId)) throw new TypeError('trace id must be 32 lowercase hex digits, not all zero');
  if (!isSpanId(spanId)) throw new TypeError('span id must be 16 lowercase hex digits, not all zero');
  return `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`;
}

/** Parse a traceparent; acceptance is OpenTelemetry's, the reason on rejection is ours (for one-line user errors). */
export function parseTraceparent(text: string): TraceparentResult {
  const parsed = parseTraceParent(text);
  if (parsed) {
    return {
      ok: true,
      traceId: parsed.traceId,
      spanId: parsed.spanId,
      sampled: (parsed.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
    };
  }
  return { ok: false, reason: explainRejection(text) };
}

/** Why the W3C grammar rejected a value, checked part by part. */
function explainRejection(text: string): string {
  const value = text.trim();
  if (value === '') return 'traceparent is empty';
  const parts = value.split('-');
  if (parts.length < 4) return 'expected version-traceid-parentid-flags (4 parts separated by "-")';
  const [version = '', traceId = '', spanId = '', flags = ''] = parts;
  if (!/^[0-9a-f]{2}$/.test(version)) return 'version must be 2 lowercase hex digits';
  if (version === 'ff') return 'version ff is invalid';
  if (version === '00' && parts.length > 4) return 'version 00 allows exactly 4 parts';
  if (!/^[0-9a-f]{32}$/.test(traceId)) return 'trace id must be 32 lowercase hex digits';
  if (/^0+$/.test(traceId)) return 'trace id must not be all zero';
  if (!/^[0-9a-f]{16}$/.test(spanId)) return 'parent id must be 16 lowercase hex digits';
  if (/^0+$/.test(spanId)) return 'parent id must not be all zero';
  if (!/^[0-9a-f]{2}$/.test(flags)) return 'flags must be 2 lowercase hex digits';
  return 'not a valid W3C traceparent';
}

/** A getter over an env record with the env carrier's key rule (`traceparent` → `TRACEPARENT`). */
class RecordEnvironmentGetter implements TextMapGetter<void> {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}
  get(_carrier: void, key: string): string | undefined {
    return this.env[key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')];
  }
  keys(): string[] {
    return Object.keys(this.env).filter((key) => /^[A-Z_][A-Z0-9_]*$/.test(key));
  }
}

/**
 * The remote span context a process was started under (its TRACEPARENT), or undefined when absent or invalid.
 * process.env is read through the env carrier's EnvironmentGetter; another record through the same key rule.
 */
export function traceparentFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SpanContext | undefined {
  const getter: TextMapGetter<void> = env === process.env ? new EnvironmentGetter() : new RecordEnvironmentGetter(env);
  const context = propagator.extract(ROOT_CONTEXT, undefined, getter);
  return trace.getSpanContext(context);
}

/** `{ TRACEPARENT: '00-…-01' }` for a child's environment, written by the env carrier's EnvironmentSetter. */
export function traceparentEnv(traceId: string, spanId: string): Record<string, string> {
  const env: Record<string, string> = {};
  const spanContext: SpanContext = { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
  propagator.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), undefined, new EnvironmentSetter(env));
  return env;
}
