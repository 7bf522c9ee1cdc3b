/** Mountain's telemetry for one boot: the spawn tracer, the pipes' status, and a bounded shutdown. */
import type { BootPlan } from '../config/types.js';
import type { PipeStatus, TelemetryStatus } from '../supervisor/types.js';
import { createMountainTelemetry, type MountainTelemetry } from '../telemetry/mountain.js';
import { newTraceId } from '../telemetry/ids.js';
import { parseTraceparent } from '../telemetry/traceparent.js';

/** A TRACEPARENT land was started with: joined when valid, reported in one line and ignored when not. */
export function inheritedParent(env: NodeJS.ProcessEnv): { traceId: string; spanId: string } | undefined {
  const value = env.TRACEPARENT;
  if (value === undefined || value === '') return undefined;
  const parsed = parseTraceparent(value);
  if (parsed.ok) return { traceId: parsed.traceId, spanId: parsed.spanId };
  process.stderr.write(`land: ignoring TRACEPARENT from the environment: ${parsed.reason}\n`);
  return undefined;
}

/** The boot's telemetry, read from the same layered env the children get (shell, env files, profile). */
export function startMountainTelemetry(plan: BootPlan, bootId: string): MountainTelemetry {
  const parent = inheritedParent(process.env);
  const env = { ...plan.shellEnv, ...plan.profileEnv };
  return createMountainTelemetry({
    app: plan.config.app,
    version: plan.config.version,
    profile: plan.profile,
    bootId,
    traceId: parent?.traceId ?? newTraceId(),
    parent,
    env,
    rootDir: plan.config.rootDir,
    rollupIntervalMs: plan.config.rollupIntervalMs,
    tiersStarted: plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name),
    tiersGatedOff: plan.tiers.filter((tier) => !tier.enabled).map((tier) => tier.name),
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
