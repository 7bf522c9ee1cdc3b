/** Mountain's telemetry for one boot: the spawn tracer, the pipes' status, and a bounded shutdown. */
import type { BootPlan } from '../config/types.js';
import { localTracer } from '../supervisor/local-tracer.js';
import type { SpawnTracer, SupervisorControl, TelemetryStatus } from '../supervisor/types.js';
import { parseTraceparent } from '../telemetry/traceparent.js';

export interface BootTelemetry {
  tracer: SpawnTracer;
  otlpEndpoint?: string;
  attach(control: SupervisorControl): void;
  status(): TelemetryStatus;
  beginShutdown(): void;
  shutdown(): Promise<void>;
}

/** A TRACEPARENT land was started with: joined when valid, reported in one line and ignored when not. */
export function inheritedParent(env: NodeJS.ProcessEnv): { traceId: string; spanId: string } | undefined {
  const value = env.TRACEPARENT;
  if (value === undefined || value === '') return undefined;
  const parsed = parseTraceparent(value);
  if (parsed.ok) return { traceId: parsed.traceId, spanId: parsed.spanId };
  process.stderr.write(`land: ignoring TRACEPARENT from the environment: ${parsed.reason}\n`);
  return undefined;
}

export function startMountainTelemetry(plan: BootPlan, bootId: string): BootTelemetry {
  void plan;
  void bootId;
  const parent = inheritedParent(process.env);
  const off = { state: 'off' as const, sent: 0, dropped: 0, reason: 'not configured' };
  return {
    tracer: localTracer(parent?.traceId),
    attach() {},
    status: () => ({ posthog: off, otlp: off, record: off }),
    beginShutdown() {},
    shutdown: async () => {},
  };
}
