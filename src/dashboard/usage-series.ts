/**
 * CPU and memory of each tier's process tree, sampled every 2 s (the TUI's sampler, src/usage/tree-usage.ts) while at least
 * one page is open, kept as short series for the Tiers page (the latest value) and the Metrics page (charts).
 */
import type { SupervisorControl } from '../supervisor/types.js';
import { newTreeMemory, sampleTreeUsage, usageOfTier, usageRootsOf } from '../usage/tree-usage.js';
import type { MetricSeriesView, TierUsage } from './wire.js';

const SAMPLE_EVERY_MS = 2000;
/** Ten minutes at one sample every 2 s. */
const POINTS = 300;

interface Series {
  cpu: Array<[number, number]>;
  memory: Array<[number, number]>;
}

export class UsageSeries {
  private readonly series = new Map<string, Series>();
  private readonly latest = new Map<string, TierUsage>();
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;
  /** The trees sampled, so that between full passes over /proc only their processes are read (as the UI does). */
  private readonly trees = newTreeMemory();

  constructor(private readonly control: SupervisorControl) {}

  /** Sampling runs only while someone looks. */
  setActive(active: boolean): void {
    if (active && !this.timer) {
      this.timer = setInterval(() => void this.sample(), SAMPLE_EVERY_MS);
      this.timer.unref();
      void this.sample();
    } else if (!active && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const tiers = this.control.snapshot().tiers.filter((tier) => tier.pid !== undefined);
      const usage = await sampleTreeUsage(tiers.flatMap((tier) => usageRootsOf(tier)), this.trees);
      const at = Date.now();
      this.latest.clear();
      for (const tier of tiers) {
        const tree = usageOfTier(usage, tier);
        if (!tree) continue;
        this.latest.set(tier.name, { cpu: tree.cpu, memory: tree.memory });
        const series = this.series.get(tier.name) ?? { cpu: [], memory: [] };
        push(series.cpu, [at, tree.cpu]);
        push(series.memory, [at, tree.memory]);
        this.series.set(tier.name, series);
      }
    } finally {
      this.sampling = false;
    }
  }

  now(): Record<string, TierUsage> {
    return Object.fromEntries(this.latest);
  }

  /** land's own samples, in the shape of the metrics children send. */
  asMetrics(): MetricSeriesView[] {
    const out: MetricSeriesView[] = [];
    for (const [tier, series] of this.series) {
      out.push({ tier, name: 'land.tree.cpu', unit: '%', points: series.cpu });
      out.push({ tier, name: 'land.tree.memory', unit: 'By', points: series.memory });
    }
    return out;
  }

  close(): void {
    this.setActive(false);
  }
}

function push(points: Array<[number, number]>, point: [number, number]): void {
  points.push(point);
  if (points.length > POINTS) points.splice(0, points.length - POINTS);
}
