/**
 * The Metrics page's charts: one per tier and metric. A metric sent with several sets of attributes (one series per
 * route, per replica, per user) is one chart with a line per series and a legend, not a chart per series: at most
 * MAX_LINES of them, those with the highest latest values, and the count of the rest for a note. A metric with one
 * series keeps its own chart (a histogram's percentiles as more lines).
 */
import type { MetricSeriesView } from '../wire.js';
import { seriesColor } from './series-colors.js';

export const MAX_LINES = 12;

export interface ChartLine {
  label: string;
  values: Array<number | null>;
  /** A group's line: its series' colour (series-colors.ts), whichever others are drawn beside it. */
  color?: string;
}

export interface ChartGroup {
  /** Tier and metric: stable while the page polls. */
  key: string;
  tier: string;
  title: string;
  unit?: string;
  description?: string;
  /** The x axis, in seconds (uPlot's), oldest first: the union of the drawn series' times. */
  times: number[];
  lines: ChartLine[];
  /** A metric of one series: that series (its latest value and percentiles go in the caption). */
  single?: MetricSeriesView;
  /** Series of the metric. */
  series: number;
  /** Series of the metric not drawn (beyond MAX_LINES). */
  left: number;
}

const latest = (series: MetricSeriesView) => series.points.at(-1)?.[1] ?? -Infinity;

function singleChart(key: string, series: MetricSeriesView): ChartGroup {
  const quantiles = series.quantiles ?? [];
  return {
    key,
    tier: series.tier,
    title: series.name,
    unit: series.unit,
    description: series.description,
    times: series.points.map(([at]) => at / 1000),
    lines: [{ label: quantiles.length > 0 ? 'mean' : series.name, values: series.points.map(([, value]) => value) }, ...quantiles],
    single: series,
    series: 1,
    left: 0,
  };
}

/** Several series of one metric on one time axis (a series without a value at a time has a gap there). */
function groupChart(key: string, all: MetricSeriesView[]): ChartGroup {
  const drawn = [...all].sort((a, b) => latest(b) - latest(a)).slice(0, MAX_LINES);
  // In the legend by name, so that the legend's order does not follow the ranking.
  drawn.sort((a, b) => (a.labels ?? a.name).localeCompare(b.labels ?? b.name));
  const times = [...new Set(drawn.flatMap((series) => series.points.map(([at]) => at)))].sort((a, b) => a - b);
  const column = new Map(times.map((at, i) => [at, i]));
  const lines = drawn.map((series) => {
    const values: Array<number | null> = new Array<number | null>(times.length).fill(null);
    for (const [at, value] of series.points) values[column.get(at)!] = value;
    const label = series.labels ?? series.name;
    return { label, values, color: seriesColor(label) };
  });
  const first = all[0]!;
  return {
    key,
    tier: first.tier,
    title: first.metric ?? first.name,
    unit: first.unit,
    description: all.find((series) => series.description)?.description,
    times: times.map((at) => at / 1000),
    lines,
    series: all.length,
    left: all.length - drawn.length,
  };
}

/** The charts of `series` (those with a value), in the order their metrics first appear. */
export function chartGroups(series: readonly MetricSeriesView[]): ChartGroup[] {
  const byMetric = new Map<string, MetricSeriesView[]>();
  for (const one of series) {
    if (one.points.length === 0) continue;
    const key = `${one.tier}\u0000${one.metric ?? one.name}`;
    const list = byMetric.get(key);
    if (list) list.push(one);
    else byMetric.set(key, [one]);
  }
  return [...byMetric].map(([key, list]) => (list.length === 1 ? singleChart(key, list[0]!) : groupChart(key, list)));
}
