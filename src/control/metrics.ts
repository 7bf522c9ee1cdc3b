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
 * interval (10 ms) later it has a value instead of NaN — on a busy machine a few intervals later, so the first
 * scrape waits for it (at most FIRST_SAMPLE_TRIES × FIRST_SAMPLE_MS). Later scrapes say NaN for a window with no
 * sample, as the exposition format allows.
 */
const FIRST_SAMPLE_MS = 30;
const FIRST_SAMPLE_TRIES = 30;

async function firstSample(histogramReady: () => boolean): Promise<void> {
  for (let tries = 0; tries < FIRST_SAMPLE_TRIES && !histogramReady(); tries += 1) await sleep(FIRST_SAMPLE_MS);
}

export function createMetrics(control: SupervisorControl): Metrics {
  let metrics: Promise<Metrics> | undefined;
  return {
    async render() {
      metrics ??= import('./prometheus.js').then(async ({ createPrometheusMetrics }) => {
        const created = createPrometheusMetrics(control);
        await sleep(FIRST_SAMPLE_MS);
        await firstSample(() => created.eventLoopSampled());
        return created;
      });
      return (await metrics).render();
    },
  };
}
