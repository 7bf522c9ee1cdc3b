/**
 * Prometheus text for /metrics, from the supervisor's snapshot at scrape time, on a private prom-client Registry
 * (never the global one: two stacks or a test runner in one process must not share series).
 *
 * Per tier: land_tier_up, land_tier_ready, land_tier_restarts_total, land_tier_uptime_seconds,
 * land_tier_last_exit_code (only once the tier has exited; a signal death reads as 128 + the signal's number, the
 * shell's convention). Per telemetry pipe: land_telemetry_events_sent_total, land_telemetry_events_dropped_total,
 * land_telemetry_pipe_up. The boot: land_boot_info{boot_id, profile, trace_id} 1. Plus land's own process metrics.
 */
import { constants } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { ExitInfo, StackSnapshot, SupervisorControl, TierSnapshot } from '../supervisor/types.js';
import type { Metrics } from './metrics.js';
import { registerProcessCpu } from './process-cpu.js';
import { registerReceiverMetrics } from './receiver-metrics.js';

const RUNNING_STATES = new Set(['starting', 'ready', 'stopping']);

function isUp(tier: TierSnapshot): boolean {
  return tier.pid !== undefined && RUNNING_STATES.has(tier.state);
}

export function exitCodeOf(exit: ExitInfo): number {
  if (exit.code !== null) return exit.code;
  const number = exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined;
  return number === undefined ? -1 : 128 + number;
}

export function createPrometheusMetrics(control: SupervisorControl): Metrics & { eventLoopSampled(): boolean } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Its CPU counters would count from this first scrape: land's since it started instead (process-cpu.ts).
  registerProcessCpu(registry);
  // A twin of prom-client's event-loop delay monitor (same resolution, started with it): once it has a sample, so has
  // prom-client's, and the first scrape can say something other than NaN.
  const twin = monitorEventLoopDelay({ resolution: 10 });
  twin.enable();
  // One snapshot per scrape, so every series of a scrape describes the same moment.
  let current: StackSnapshot | undefined;
  let now = Date.now();
  const registers = [registry];

  const perTier = (name: string, help: string, value: (tier: TierSnapshot) => number | undefined) =>
    new Gauge({
      name,
      help,
      labelNames: ['tier'],
      registers,
      collect() {
        this.reset();
        for (const tier of current?.tiers ?? []) {
          const v = value(tier);
          if (v !== undefined) this.set({ tier: tier.name }, v);
        }
      },
    });

  perTier('land_tier_up', '1 while the tier has a live process', (tier) => (isUp(tier) ? 1 : 0));
  perTier('land_tier_ready', '1 while the tier is ready', (tier) => (tier.state === 'ready' ? 1 : 0));
  perTier('land_tier_uptime_seconds', 'seconds since the current process started (0 when not running)', (tier) =>
    isUp(tier) && tier.startedAt !== undefined ? Math.max(0, now - tier.startedAt) / 1000 : 0,
  );
  perTier('land_tier_last_exit_code', 'exit code of the last process (128+signal for a signal)', (tier) =>
    tier.lastExit ? exitCodeOf(tier.lastExit) : undefined,
  );
  new Counter({
    name: 'land_tier_restarts_total',
    help: 'restarts of the tier in this boot',
    labelNames: ['tier'],
    registers,
    collect() {
      this.reset();
      for (const tier of current?.tiers ?? []) this.inc({ tier: tier.name }, tier.restarts);
    },
  });

  type Pipe = StackSnapshot['telemetry']['otlp'];
  const pipes = () => {
    const list = Object.entries(current?.telemetry ?? {}) as Array<[string, Pipe]>;
    // The receiver's forwarding to the collector is a pipe too.
    if (current?.receiver && current.receiver.forward.state !== 'off') list.push(['forward', current.receiver.forward]);
    return list;
  };
  const pipeCounter = (name: string, help: string, value: (pipe: Pipe) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['pipe'],
      registers,
      collect() {
        this.reset();
        for (const [pipe, status] of pipes()) this.inc({ pipe }, value(status));
      },
    });
  pipeCounter('land_telemetry_events_sent_total', 'events and spans the pipe delivered', (pipe) => pipe.sent);
  pipeCounter('land_telemetry_events_dropped_total', 'events and spans the pipe dropped', (pipe) => pipe.dropped);
  new Gauge({
    name: 'land_telemetry_pipe_up',
    help: '1 while the pipe is on',
    labelNames: ['pipe'],
    registers,
    collect() {
      this.reset();
      for (const [pipe, status] of pipes()) this.set({ pipe }, status.state === 'on' ? 1 : 0);
    },
  });

  new Gauge({
    name: 'land_boot_info',
    help: 'the running boot (always 1)',
    labelNames: ['boot_id', 'profile', 'trace_id'],
    registers,
    collect() {
      this.reset();
      if (current) this.set({ boot_id: current.bootId, profile: current.profile, trace_id: current.traceId }, 1);
    },
  });

  registerReceiverMetrics(registry, () => current);

  return {
    eventLoopSampled() {
      if (twin.count === 0) return false;
      twin.disable();
      return true;
    },
    async render() {
      current = control.snapshot();
      now = Date.now();
      // prom-client spells a missing value `Nan` (an event-loop window with no sample yet); the exposition format's
      // spelling is `NaN`.
      return { contentType: registry.contentType, text: (await registry.metrics()).replace(/ Nan$/gm, ' NaN') };
    },
  };
}
