/**
 * The receiver's series in /metrics: land_receiver_up, land_receiver_info{endpoint}, land_receiver_requests_total
 * {outcome}, per tier land_receiver_items_total{tier,signal}, land_receiver_dropped_total{tier} and
 * land_receiver_evicted_total{tier} (kept, then let go from memory to make room), and
 * land_receiver_unreadable_total (items accepted that could not be decoded when read); forwarding
 * shows as the `forward` pipe of the land_telemetry_* series.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { StackSnapshot } from '../supervisor/types.js';

const SIGNALS = [
  ['spans', 'spans'],
  ['logRecords', 'log_records'],
  ['metricPoints', 'metric_points'],
] as const;

export function registerReceiverMetrics(registry: Registry, current: () => StackSnapshot | undefined): void {
  const registers = [registry];
  const receiver = () => current()?.receiver;
  new Gauge({
    name: 'land_receiver_up',
    help: '1 while the OTLP receiver listens',
    registers,
    collect() {
      this.set(receiver()?.state === 'on' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'land_receiver_info',
    help: "the OTLP receiver's endpoint (always 1)",
    labelNames: ['endpoint'],
    registers,
    collect() {
      this.reset();
      const endpoint = receiver()?.endpoint;
      if (endpoint) this.set({ endpoint }, 1);
    },
  });
  new Counter({
    name: 'land_receiver_requests_total',
    help: 'OTLP requests answered: accepted (200), rejected (4xx/5xx), refused (429)',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(receiver()?.requests ?? {})) this.inc({ outcome }, n);
    },
  });
  new Counter({
    name: 'land_receiver_items_total',
    help: 'spans, log records and metric points kept per tier in this boot',
    labelNames: ['tier', 'signal'],
    registers,
    collect() {
      this.reset();
      for (const [tier, counts] of Object.entries(receiver()?.tiers ?? {})) {
        for (const [field, signal] of SIGNALS) this.inc({ tier, signal }, counts[field]);
      }
    },
  });
  new Counter({
    name: 'land_receiver_dropped_total',
    help: 'items a tier sent that were not kept (over a limit, malformed)',
    labelNames: ['tier'],
    registers,
    collect() {
      this.reset();
      for (const [tier, counts] of Object.entries(receiver()?.tiers ?? {})) this.inc({ tier }, counts.dropped);
    },
  });
  new Counter({
    name: 'land_receiver_evicted_total',
    help: 'items a tier sent that were kept, then let go from memory to make room (still in the boot record file)',
    labelNames: ['tier'],
    registers,
    collect() {
      this.reset();
      for (const [tier, counts] of Object.entries(receiver()?.tiers ?? {})) this.inc({ tier }, counts.evicted ?? 0);
    },
  });
  new Counter({
    name: 'land_receiver_unreadable_total',
    help: 'items of accepted requests that could not be decoded when read (lost after a 200)',
    registers,
    collect() {
      this.reset();
      this.inc(receiver()?.unreadable ?? 0);
    },
  });
}
