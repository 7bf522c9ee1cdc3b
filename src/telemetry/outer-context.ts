/**
 * The trace context land itself was started under, read from its environment by the names of OpenTelemetry's
 * environment-variable carrier (`TRACEPARENT`, `TRACESTATE`, `BAGGAGE`) and carried whole into the boot: the boot's
 * spans (trace state in their span context, baggage entries as attributes) and every child's environment.
 *
 * Each variable is checked on its own; a malformed one is dropped with a one-line reason (the caller prints it)
 * while the others still count. Acceptance is OpenTelemetry's (W3CTraceContextPropagator, TraceState,
 * W3CBaggagePropagator); the reasons are ours, and never quote a value (baggage may carry anything).
 */
import { ROOT_CONTEXT, TraceFlags, propagation, trace, type Attributes, type Baggage, type SpanContext, type TraceState as ApiTraceState } from '@opentelemetry/api';
import { TraceState, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { EnvironmentSetter } from '@opentelemetry/propagator-env-carrier';
import { parseTraceparent } from './traceparent.js';

export interface OuterContext {
  /** The span land was started under: land.boot becomes its child. */
  parent?: { traceId: string; spanId: string; traceState?: ApiTraceState };
  /** W3C baggage: its entries go on land's spans and, whole, to every child. */
  baggage?: Baggage;
  /** One line per variable that was dropped: `ignoring TRACESTATE from the environment: …`. */
  warnings: string[];
}

/** The W3C limits (trace-context §3.3, baggage §3.3.1). */
const TRACESTATE_MAX_MEMBERS = 32;
const TRACESTATE_MAX_LENGTH = 512;
const BAGGAGE_MAX_MEMBERS = 180;
const BAGGAGE_MAX_LENGTH = 8192;
/** A baggage key is an RFC 7230 token; a value is baggage-octets (percent-encoded otherwise). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAGGAGE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;

const traceContext = new W3CTraceContextPropagator();
const baggagePropagator = new W3CBaggagePropagator();

function listMembers(text: string): string[] {
  return text
    .split(',')
    .map((member) => member.trim())
    .filter((member) => member !== '');
}

/** Why a tracestate is not W3C, or undefined when it is. */
export function explainTraceState(text: string): string | undefined {
  const members = listMembers(text);
  if (members.length === 0) return 'tracestate has no list member';
  if (members.length > TRACESTATE_MAX_MEMBERS) return `more than ${TRACESTATE_MAX_MEMBERS} list members (${members.length})`;
  if (text.trim().length > TRACESTATE_MAX_LENGTH) return `longer than ${TRACESTATE_MAX_LENGTH} characters`;
  const keys = new Set<string>();
  for (const [index, member] of members.entries()) {
    if (new TraceState(member).serialize() === '') {
      return `list member ${index + 1} is not key=value with a W3C key (lowercase letter first; a-z 0-9 _ - * /; tenant@vendor) and value`;
    }
    const key = member.slice(0, member.indexOf('='));
    if (keys.has(key)) return `list member ${index + 1} repeats the key "${key}"`;
    keys.add(key);
  }
  return undefined;
}

/** Why a baggage header is not W3C, or undefined when it is. */
export function explainBaggage(text: string): string | undefined {
  const members = listMembers(text);
  if (members.length === 0) return 'baggage has no list member';
  if (members.length > BAGGAGE_MAX_MEMBERS) return `more than ${BAGGAGE_MAX_MEMBERS} list members (${members.length})`;
  if (text.trim().length > BAGGAGE_MAX_LENGTH) return `longer than ${BAGGAGE_MAX_LENGTH} characters`;
  for (const [index, member] of members.entries()) {
    const pair = member.split(';')[0]!;
    const equals = pair.indexOf('=');
    const key = equals < 0 ? '' : pair.slice(0, equals).trim();
    const value = equals < 0 ? '' : pair.slice(equals + 1).trim();
    if (equals < 0) return `list member ${index + 1} is not key=value`;
    if (!TOKEN.test(key)) return `list member ${index + 1} has a key that is not a token`;
    if (!BAGGAGE_VALUE.test(value)) return `list member ${index + 1} has a value with a space, quote, comma, semicolon or backslash (percent-encode them)`;
    try {
      decodeURIComponent(value);
    } catch {
      return `list member ${index + 1} has a value that is not valid percent-encoding`;
    }
  }
  return undefined;
}

/** A record as the env carrier reads it: `traceparent` → `TRACEPARENT`. */
function envCarrierGetter(env: Readonly<Record<string, string | undefined>>) {
  return {
    get: (_carrier: unknown, key: string) => env[key.toUpperCase()],
    keys: () => Object.keys(env),
  };
}

/** TRACEPARENT, TRACESTATE and BAGGAGE of `env`, each checked; see the module comment. */
export function readOuterContext(env: Readonly<Record<string, string | undefined>>): OuterContext {
  const warnings: string[] = [];
  const ignore = (name: string, reason: string) => warnings.push(`ignoring ${name} from the environment: ${reason}`);
  const present = (name: string) => env[name] !== undefined && env[name] !== '';
  const outer: OuterContext = { warnings };

  if (present('TRACEPARENT')) {
    const parsed = parseTraceparent(env.TRACEPARENT!);
    if (parsed.ok) outer.parent = { traceId: parsed.traceId, spanId: parsed.spanId };
    else ignore('TRACEPARENT', parsed.reason);
  }
  if (present('TRACESTATE')) {
    const reason = outer.parent ? explainTraceState(env.TRACESTATE!) : 'it goes with a TRACEPARENT, and there is no valid one';
    if (reason !== undefined) ignore('TRACESTATE', reason);
    else {
      const extracted = traceContext.extract(ROOT_CONTEXT, undefined, envCarrierGetter({ TRACEPARENT: env.TRACEPARENT, TRACESTATE: env.TRACESTATE }));
      outer.parent!.traceState = trace.getSpanContext(extracted)?.traceState;
    }
  }
  if (present('BAGGAGE')) {
    const reason = explainBaggage(env.BAGGAGE!);
    if (reason !== undefined) ignore('BAGGAGE', reason);
    else outer.baggage = propagation.getBaggage(baggagePropagator.extract(ROOT_CONTEXT, undefined, envCarrierGetter({ BAGGAGE: env.BAGGAGE })));
  }
  return outer;
}

/** Baggage entries as span attributes, under their own keys (the convention of OpenTelemetry's BaggageSpanProcessor). */
export function baggageAttributes(baggage: Baggage | undefined): Attributes {
  return Object.fromEntries((baggage?.getAllEntries() ?? []).map(([key, entry]) => [key, entry.value]));
}

/**
 * A child's trace context variables, written by the env carrier's EnvironmentSetter through the W3C propagators:
 * `TRACEPARENT` (its spawn span), plus `TRACESTATE` and `BAGGAGE` when land was started with them.
 */
export function traceContextEnv(traceId: string, spanId: string, outer: Pick<OuterContext, 'parent' | 'baggage'> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  const spanContext: SpanContext = { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: outer.parent?.traceState };
  let context = trace.setSpanContext(ROOT_CONTEXT, spanContext);
  if (outer.baggage) context = propagation.setBaggage(context, outer.baggage);
  const setter = new EnvironmentSetter(env);
  traceContext.inject(context, undefined, setter);
  baggagePropagator.inject(context, undefined, setter);
  return env;
}
