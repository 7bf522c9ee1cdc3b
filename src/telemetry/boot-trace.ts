/**
 * What a boot's telemetry starts from, shared by `land up` (mountain's telemetry), `land run` and `land export`: the
 * trace it joins (the one land was started under, when its TRACEPARENT is valid, else a new one) and the collector
 * children export to when no receiver of land's is in between.
 */
import { otlpGate, type TelemetryConfiguration } from './configuration.js';
import { newTraceId } from './ids.js';
import { readOuterContext, type OuterContext } from './outer-context.js';

export interface BootTrace extends OuterContext {
  /** The inherited TRACEPARENT's trace id, or a new one. */
  traceId: string;
}

/** The trace of a boot started with `env`: TRACEPARENT (with TRACESTATE) and BAGGAGE carried in when valid. */
export function bootTrace(env: Readonly<Record<string, string | undefined>>): BootTrace {
  const outer = readOuterContext(env);
  return { ...outer, traceId: outer.parent?.traceId ?? newTraceId() };
}

/** The OTLP endpoint children are told about with no receiver of land's in between: only with the OTLP pipe on. */
export function collectorEndpoint(config: TelemetryConfiguration): string | undefined {
  return otlpGate(config).allowed ? config.otlpEndpoint : undefined;
}
