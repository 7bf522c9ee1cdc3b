/** The spawn tracer when telemetry is off: it only makes the ids every child's TRACEPARENT needs. */
import { newSpanId, newTraceId } from '../telemetry/ids.js';
import { buildTraceparent } from '../telemetry/traceparent.js';
import type { SpawnTracer } from './types.js';

export function localTracer(traceId = newTraceId()): SpawnTracer {
  return {
    traceId,
    startSpawn() {
      const spanId = newSpanId();
      return { spanId, traceparent: buildTraceparent(traceId, spanId), end() {} };
    },
  };
}
