/**
 * Mountain's telemetry bridge: the spawn tracer the supervisor asks for span ids, and a subscriber that turns
 * supervisor events into the telemetry contract (session:start/end and error per child life, the periodic rollup,
 * echo's line accounting, mist's hydration report). Events about a child carry that child's `$tier`.
 *
 * Spans: `land.boot` (root; a child of the TRACEPARENT land was started with, if any) → one `land.spawn <tier>` per
 * start (spawn to ready, or to exit with error status) and `land.shutdown` for the stop. All share the boot's trace id.
 */
import { SpanStatusCode, TraceFlags, type Attributes, type Span } from '@opentelemetry/api';
import type {
  SpawnSpan,
  SpawnTracer,
  StackSnapshot,
  SupervisorControl,
  SupervisorEvent,
  TelemetryStatus,
} from '../supervisor/types.js';
import { TelemetryClient } from './client.js';
import { otlpGate, readConfiguration } from './configuration.js';
import { Echo } from './echo.js';
import { ExitSpans, exitAttributes } from './exit-spans.js';
import type { SpanSink } from './span-sdk.js';
import { FirstWave } from './first-wave.js';
import { SpareCore } from './spare-core.js';
import { baggageAttributes, traceContextEnv, type OuterContext } from './outer-context.js';
import { buildTraceparent } from './traceparent.js';
import { collectorEndpoint } from './boot-trace.js';
import { Mist } from './mist.js';
import { recordingDir } from './recorder.js';

export const DEFAULT_ROLLUP_INTERVAL_MS = 60_000;
/** The PostHog group type the stack's latest state is set on at each rollup; the group key is the app. */
export const STACK_GROUP_TYPE = 'land_stack';
const SHUTDOWN_FLUSH_MS = 2000;
/**
 * The pipes' libraries load this long after no tier is pending or starting, or PIPE_LOAD_DELAY_MS after attach, once
 * the machine has a core to spare (spare-core.ts, asked every SPARE_CHECK_MS), and PIPE_LOAD_BY_MS after attach at
 * the latest: queued events and spans are bounded, a tier restarting in a loop never lets the wave settle, and a
 * machine busy with something else may never spare a core.
 */
export const SETTLED_GRACE_MS = 500;
export const PIPE_LOAD_DELAY_MS = 1500;
export const PIPE_LOAD_BY_MS = 4000;
const SPARE_CHECK_MS = 200;

export interface MountainTelemetryOptions {
  app: string;
  version: string;
  profile: string;
  bootId: string;
  traceId: string;
  /** The span land itself was started under (its TRACEPARENT, with its TRACESTATE): land.boot becomes its child. */
  parent?: OuterContext['parent'];
  /** The BAGGAGE land was started with: its entries go on land's spans, and it goes on to every child. */
  baggage?: OuterContext['baggage'];
  /** The boot's env (profile layered over the env files, the shell winning): the telemetry keys are read here. */
  env: Record<string, string>;
  rootDir: string;
  rollupIntervalMs?: number;
  tiersStarted: string[];
  tiersGatedOff: string[];
  /** Also given every ended span (the receiver's store). */
  spanSink?: SpanSink;
}

export interface MountainTelemetry {
  readonly tracer: SpawnTracer;
  readonly traceId: string;
  /** The OTLP endpoint children are told about (OTEL_EXPORTER_OTLP_ENDPOINT), when the OTLP pipe is allowed. */
  readonly otlpEndpoint: string | undefined;
  /** Where Record=1 writes this boot's NDJSON (whether or not recording is on). */
  readonly recordDir: string;
  readonly client: TelemetryClient;
  attach(control: SupervisorControl): () => void;
  status(): TelemetryStatus;
  /** Start the `land.shutdown` span (idempotent); shutdown() ends it. */
  beginShutdown(): void;
  /** End the boot's spans, send the last events, flush within 2 s. Never rejects; idempotent. */
  shutdown(): Promise<void>;
}

interface Statistics {
  starts: Record<string, number>;
  crashes: Record<string, number>;
  restarts: Record<string, number>;
}

function bump(counts: Record<string, number>, tier: string): void {
  counts[tier] = (counts[tier] ?? 0) + 1;
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((total, n) => total + n, 0);
}

export function createMountainTelemetry(options: MountainTelemetryOptions): MountainTelemetry {
  const startedAt = Date.now();
  const config = readConfiguration(options.env);
  const otlp = otlpGate(config);
  const recordDir = recordingDir(
    options.bootId,
    { LAND_TELEMETRY_DIR: options.env.LAND_TELEMETRY_DIR ?? process.env.LAND_TELEMETRY_DIR },
    options.rootDir,
  );
  const parent = options.parent
    ? { traceId: options.parent.traceId, spanId: options.parent.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: options.parent.traceState }
    : undefined;
  const client = new TelemetryClient({
    tier: 'mountain',
    app: options.app,
    version: options.version,
    traceId: options.parent?.traceId ?? options.traceId,
    parent,
    env: options.env,
    configuration: config,
    bootId: options.bootId,
    recordDir,
    rootDir: options.rootDir,
    resourceAttributes: { 'land.profile': options.profile, 'land.boot_id': options.bootId },
    // Parsing posthog-node and the OpenTelemetry SDK must not delay the children's start: see loadWhenSettled.
    deferLoading: true,
    spanSink: options.spanSink,
  });
  const exits = new ExitSpans(client);
  const traceId = client.traceId;
  const echo = new Echo(client, `${options.app}-echo`);
  const mist = new Mist(client, `${options.app}-mist`, options.env, otlp.allowed);

  // Baggage entries ride on each of land's spans (land's own attributes win a clash).
  const baggage = baggageAttributes(options.baggage);
  const startSpan = (name: string, attributes: Attributes, parentSpan?: Span): Span => client.startSpan(name, { ...baggage, ...attributes }, parentSpan);
  const withOuterContext = options.parent?.traceState !== undefined || options.baggage !== undefined;

  const bootSpan = startSpan('land.boot', {
    'land.profile': options.profile,
    'land.boot_id': options.bootId,
    'land.tiers.started': options.tiersStarted,
    'land.tiers.gated_off': options.tiersGatedOff,
  });
  client.captureSession({ profile: options.profile, boot_id: options.bootId, restart: 0 });

  const openSpawns = new Set<Span>();
  const tracer: SpawnTracer = {
    traceId,
    bootSpanId: bootSpan.spanContext().spanId,
    bootContextEnv: withOuterContext ? traceContextEnv(traceId, bootSpan.spanContext().spanId, options) : undefined,
    startSpawn(name: string, tier: string, restart: number): SpawnSpan {
      const span = startSpan(`land.spawn ${tier}`, { 'land.tier': tier, 'land.tier.name': name, 'land.restart': restart }, bootSpan);
      openSpawns.add(span);
      const spanId = span.spanContext().spanId;
      let ended = false;
      return {
        spanId,
        traceparent: buildTraceparent(traceId, spanId),
        contextEnv: withOuterContext ? traceContextEnv(traceId, spanId, options) : undefined,
        end(outcome) {
          if (ended) return;
          ended = true;
          openSpawns.delete(span);
          if (outcome.pid !== undefined) span.setAttribute('land.pid', outcome.pid);
          if (outcome.reason) span.setAttribute('land.outcome', outcome.reason);
          if (outcome.exit) span.setAttributes(exitAttributes(tier, outcome.exit));
          span.setStatus(outcome.ok ? { code: SpanStatusCode.OK } : { code: SpanStatusCode.ERROR, message: outcome.reason ?? 'failed' });
          span.end();
        },
      };
    },
  };

  let statistics: Statistics = { starts: {}, crashes: {}, restarts: {} };
  let rollupTimer: NodeJS.Timeout | undefined;
  let lastRollup = Date.now();
  let control: SupervisorControl | undefined;
  let shutdownSpan: Span | undefined;
  let closing: Promise<void> | undefined;
  const tierOfName = new Map<string, string>();

  /** Supervisor events name a tier entry; `$tier` is its telemetry tier (usually the same word). */
  const tierOf = (name: string): string => {
    if (!tierOfName.has(name) && control) {
      for (const tier of safeSnapshot(control)?.tiers ?? []) tierOfName.set(tier.name, tier.tier);
    }
    return tierOfName.get(name) ?? name;
  };

  const rollup = (): void => {
    const now = Date.now();
    const snapshot = control ? safeSnapshot(control) : undefined;
    const alive = (snapshot?.tiers ?? []).filter((t) => t.state === 'starting' || t.state === 'ready').map((t) => t.name);
    const ready = (snapshot?.tiers ?? []).filter((t) => t.state === 'ready').map((t) => t.name);
    const current = statistics;
    statistics = { starts: {}, crashes: {}, restarts: {} };
    // Traits now: on the event (this window's picture) and on the stack's group (the latest state, overwritten).
    const traits = {
      profile: options.profile,
      boot_id: options.bootId,
      trace_id: traceId,
      app_version: options.version,
      tiers_alive: alive.length,
      tiers_ready: ready.length,
      alive,
      ready,
      states: Object.fromEntries((snapshot?.tiers ?? []).map((t) => [t.name, t.state])),
      rollup_at: new Date(now).toISOString(),
    };
    client.captureEvent('land:mountain:rollup', {
      $groups: { [STACK_GROUP_TYPE]: options.app },
      interval_ms: now - lastRollup,
      profile: options.profile,
      boot_id: options.bootId,
      starts: current.starts,
      crashes: current.crashes,
      restarts: current.restarts,
      starts_total: sum(current.starts),
      crashes_total: sum(current.crashes),
      restarts_total: sum(current.restarts),
      tiers_alive: alive.length,
      tiers_ready: ready.length,
      alive,
      ready,
    });
    client.identifyGroup(STACK_GROUP_TYPE, options.app, traits);
    lastRollup = now;
  };

  let loadTimer: NodeJS.Timeout | undefined;
  let loadDueAt = Infinity;
  // Nothing to load when every pipe is off.
  let loadStarted = !client.hasPipesToLoad;
  let loadBy = Infinity;
  const spareCore = new SpareCore();
  const loadPipes = (): void => {
    if (loadStarted) return;
    loadStarted = true;
    if (loadTimer) clearTimeout(loadTimer);
    void client.loadPipes();
  };
  const later = (ms: number, then: () => void): void => {
    if (loadTimer) clearTimeout(loadTimer);
    loadTimer = setTimeout(then, ms);
    loadTimer.unref();
  };
  // Due: load once a core is spare, asked again until then (the first ask only takes the machine's reading).
  const loadWhenSpare = (): void => {
    if (loadStarted) return;
    if (Date.now() >= loadBy || spareCore.spare() === true) loadPipes();
    else later(Math.min(SPARE_CHECK_MS, Math.max(0, loadBy - Date.now())), loadWhenSpare);
  };
  const loadIn = (ms: number): void => {
    if (loadStarted || Date.now() + ms >= loadDueAt) return;
    loadDueAt = Date.now() + ms;
    later(ms, loadWhenSpare);
  };
  // Seeded from one snapshot at attach, then followed through the state events. A tier without a readiness probe
  // is "ready" after 150 ms of uptime, while its process may still be starting: the grace keeps the libraries'
  // parsing off the CPU the children are still booting on.
  const firstWave = new FirstWave();
  const loadWhenSettled = (event: SupervisorEvent): void => {
    if (event.type === 'state' && firstWave.update(event.tier, event.to)) loadIn(SETTLED_GRACE_MS);
  };

  const onEvent = (event: SupervisorEvent): void => {
    if (!loadStarted) loadWhenSettled(event);
    switch (event.type) {
      case 'spawn': {
        const tier = tierOf(event.tier);
        bump(statistics.starts, tier);
        if (event.restart > 0) bump(statistics.restarts, tier);
        client.captureSession(
          { pid: event.pid, profile: options.profile, boot_id: options.bootId, restart: event.restart, span_id: event.spanId },
          { tier },
        );
        mist.hydrated(tier, event.restart);
        exits.spawned(event);
        break;
      }
      case 'exit': {
        const tier = tierOf(event.tier);
        if (event.why === 'crashed' || event.why === 'probe-failed' || event.why === 'memory-limit') bump(statistics.crashes, tier);
        exits.exited(event, tier);
        client.captureEvent(
          `land:${tier}:session:end`,
          {
            pid: event.pid,
            exit_code: event.code,
            signal: event.signal,
            uptime_ms: event.uptimeMs,
            time_to_ready_ms: event.timeToReadyMs ?? null,
            restarts: event.restarts,
            why: event.why,
            profile: options.profile,
            boot_id: options.bootId,
          },
          { tier },
        );
        break;
      }
      case 'error': {
        const tier = tierOf(event.tier);
        client.captureEvent(`land:${tier}:error`, { error_tag: event.tag, error_message: event.message, boot_id: options.bootId }, { tier });
        break;
      }
      case 'log':
        echo.lines(tierOf(event.tier), event.at, event.count ?? event.lines.length);
        break;
      case 'shutdown':
        if (event.phase === 'begin') beginShutdown();
        break;
      case 'state':
        break;
    }
  };

  function beginShutdown(): void {
    if (shutdownSpan || closing) return;
    shutdownSpan = startSpan('land.shutdown', { 'land.boot_id': options.bootId }, bootSpan);
  }

  async function close(): Promise<void> {
    try {
      if (rollupTimer) clearInterval(rollupTimer);
      if (loadTimer) clearTimeout(loadTimer);
      rollupTimer = undefined;
      beginShutdown();
      for (const span of openSpawns) {
        span.setAttribute('land.outcome', 'stopped before ready');
        span.end();
      }
      openSpawns.clear();
      echo.summarize();
      client.captureEvent('land:mountain:session:end', {
        uptime_ms: Date.now() - startedAt,
        profile: options.profile,
        boot_id: options.bootId,
        why: 'shutdown',
      });
      shutdownSpan?.setStatus({ code: SpanStatusCode.OK });
      shutdownSpan?.end();
      bootSpan.end();
    } catch {
      // ending spans and queuing events cannot fail the stop; flush what there is
    }
    await client.shutdown(SHUTDOWN_FLUSH_MS).catch(() => undefined);
  }

  return {
    tracer,
    traceId,
    otlpEndpoint: collectorEndpoint(config),
    recordDir,
    client,
    attach(supervisor: SupervisorControl): () => void {
      control = supervisor;
      const unsubscribe = supervisor.subscribe(onEvent);
      if (!rollupTimer && !closing) {
        lastRollup = Date.now();
        rollupTimer = setInterval(rollup, options.rollupIntervalMs ?? DEFAULT_ROLLUP_INTERVAL_MS);
        rollupTimer.unref();
      }
      if (!loadStarted) for (const tier of safeSnapshot(supervisor)?.tiers ?? []) firstWave.update(tier.name, tier.state);
      loadBy = Date.now() + PIPE_LOAD_BY_MS;
      loadIn(PIPE_LOAD_DELAY_MS);
      return () => {
        unsubscribe();
        if (rollupTimer) clearInterval(rollupTimer);
        rollupTimer = undefined;
      };
    },
    status: () => client.status(),
    beginShutdown,
    shutdown(): Promise<void> {
      closing ??= close();
      return closing;
    },
  };
}

function safeSnapshot(control: SupervisorControl): StackSnapshot | undefined {
  try {
    return control.snapshot();
  } catch {
    return undefined;
  }
}
