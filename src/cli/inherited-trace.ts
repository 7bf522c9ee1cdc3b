/** The trace context land was started under, for `land up`'s boot and `land run`'s command alike. */
import { bootTrace, type BootTrace } from '../telemetry/boot-trace.js';
import { warnAtStart } from './background-channel.js';

/**
 * The trace of this boot (or `land run`'s command): the TRACEPARENT, TRACESTATE and BAGGAGE land was started with,
 * carried in when valid, each reported in one line and ignored when not.
 */
export function inheritedTrace(env: NodeJS.ProcessEnv): BootTrace {
  const trace = bootTrace(env);
  for (const warning of trace.warnings) warnAtStart(`land: ${warning}`);
  return trace;
}
