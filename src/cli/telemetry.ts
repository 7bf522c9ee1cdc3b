/** Mountain's telemetry for one boot: the spawn tracer, the pipes' status, and a bounded shutdown. */
import type { BootPlan } from '../config/types.js';
import type { PipeStatus, TelemetryStatus } from '../supervisor/types.js';
import { createMountainTelemetry, type MountainTelemetry } from '../telemetry/mountain.js';
import { telemetryEnvOf } from '../config/plan.js';
import type { SpanSink } from '../telemetry/span-sdk.js';
import { inheritedTrace } from './inherited-trace.js';

/** The boot's telemetry, read from the same layered env the children get (shell, env files, profile). */
export function startMountainTelemetry(plan: BootPlan, bootId: string, spanSink?: SpanSink): MountainTelemetry {
  const { traceId, parent, baggage } = inheritedTrace(process.env);
  const env = telemetryEnvOf(plan);
  return createMountainTelemetry({
    app: plan.config.app,
    version: plan.config.version,
    profile: plan.profile,
    bootId,
    traceId,
    parent,
    baggage,
    env,
    rootDir: plan.config.rootDir,
    rollupIntervalMs: plan.config.rollupIntervalMs,
    tiersStarted: plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name),
    tiersGatedOff: plan.tiers.filter((tier) => !tier.enabled).map((tier) => tier.name),
    spanSink,
  });
}

function describePipe(name: string, pipe: PipeStatus): string {
  const counts = pipe.state === 'off' ? '' : ` (sent ${pipe.sent}, dropped ${pipe.dropped})`;
  return `${name} ${pipe.state}${counts}`;
}

/** One line for the end of a boot: what each pipe did (never a secret: reasons are the library's own words). */
export function describeTelemetry(status: TelemetryStatus): string {
  return `telemetry: ${[describePipe('posthog', status.posthog), describePipe('otlp', status.otlp), describePipe('record', status.record)].join(' · ')}`;
}
