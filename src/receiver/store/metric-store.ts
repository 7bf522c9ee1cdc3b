/** Metric points: grouped into series (tier, metric name, point attributes), by tier and name. */
import type { Attributes, MetricType, StoredMetricPoint } from '../model/types.js';
import { SignalStore } from './signal-store.js';

export interface MetricSeries {
  tier: string;
  service: string;
  name: string;
  type: MetricType;
  unit?: string;
  attributes: Attributes;
  /** Oldest first. */
  points: StoredMetricPoint[];
}

export class MetricStore extends SignalStore<StoredMetricPoint> {
  /** The series in memory; `tier` and `name` filter. */
  series(query: { tier?: string; name?: string } = {}): MetricSeries[] {
    const series = new Map<string, MetricSeries>();
    for (const point of this.select((p) => (query.tier === undefined || p.tier === query.tier) && (query.name === undefined || p.name === query.name))) {
      const key = `${point.tier}\u0000${point.name}\u0000${JSON.stringify(point.attributes)}`;
      let entry = series.get(key);
      if (!entry) {
        entry = { tier: point.tier, service: point.service, name: point.name, type: point.type, unit: point.unit, attributes: point.attributes, points: [] };
        series.set(key, entry);
      }
      entry.points.push(point);
    }
    return [...series.values()];
  }

  /** Metric names in memory per tier. */
  names(tier?: string): string[] {
    return [...new Set(this.select((p) => tier === undefined || p.tier === tier).map((p) => p.name))].sort();
  }
}
