/**
 * land's CPU time for /metrics, since land started. prom-client's default counters count from their registration
 * (they add the difference between scrapes), and prom-client is loaded at the first scrape (metrics.ts): a land that
 * booted a stack an hour ago would say it had used the CPU of the last few milliseconds. process.cpuUsage() is since
 * the process started, so these counters read it whole at each scrape, under prom-client's names and types.
 */
import { Counter, type Registry } from 'prom-client';

const NAMES = {
  user: 'process_cpu_user_seconds_total',
  system: 'process_cpu_system_seconds_total',
  total: 'process_cpu_seconds_total',
} as const;

/** Replaces prom-client's CPU counters (registered by collectDefaultMetrics) in `registry` with land's. */
export function registerProcessCpu(registry: Registry): void {
  for (const name of Object.values(NAMES)) registry.removeSingleMetric(name);
  const registers = [registry];
  // One reading per scrape, taken by the first counter collected (registration order), so total = user + system.
  let usage = process.cpuUsage();
  const counter = (name: string, help: string, seconds: () => number, read = false) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        if (read) usage = process.cpuUsage();
        this.reset();
        this.inc(seconds());
      },
    });
  counter(NAMES.user, 'Total user CPU time spent in seconds, since land started.', () => usage.user / 1e6, true);
  counter(NAMES.system, 'Total system CPU time spent in seconds, since land started.', () => usage.system / 1e6);
  counter(NAMES.total, 'Total user and system CPU time spent in seconds, since land started.', () => (usage.user + usage.system) / 1e6);
}
