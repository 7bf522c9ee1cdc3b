/**
 * /metrics, with prom-client imported at the first scrape (prometheus.ts): a stack nobody scrapes never parses it,
 * and `land up` spawns its children sooner.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SupervisorControl } from '../supervisor/types.js';

export interface Metrics {
  /** The Prometheus text of this moment, with its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

/**
 * prom-client's event-loop delay histogram starts empty when the default metrics are registered; one sampling
 * interval (10 ms) later it has a value instead of NaN.
 */
const FIRST_SAMPLE_MS = 30;

export function createMetrics(control: SupervisorControl): Metrics {
  let metrics: Promise<Metrics> | undefined;
  return {
    async render() {
      metrics ??= import('./prometheus.js').then(async ({ createPrometheusMetrics }) => {
        const created = createPrometheusMetrics(control);
        await sleep(FIRST_SAMPLE_MS);
        return created;
      });
      return (await metrics).render();
    },
  };
}
