/**
 * The Metrics page's charts: one per tier and metric. A metric sent with several sets of attributes (one series per
 * route, per replica, per user) is one chart with a line per series and a legend, not a chart per series: at most
 * MAX_LINES of them, those with the highest latest values, and the count of the rest for a note. A metric with one
 * series keeps its own chart (a histogram's percentiles as more lines). A group can be narrowed to the series whose
 * labels hold a text, and a group of histograms draws one statistic of each series (P50 unless another is picked).
 */
import type { MetricSeriesView } from '../wire.js';
import { legendNames } from './legend-names.js';
import { seriesColor } from './series-colors.js';

export const MAX_LINES = 12;

/** What a group of histograms can draw of each series: a percentile from its buckets, or its mean. */
export const STATISTICS = ['P50', 'P90', 'P99', 'mean'] as const;

/** A group's view as its reader set it (metrics.tsx): text its series' labels must hold, the statistic drawn. */
export interface GroupView {
  match?: string;
  statistic?: string;
}

export interface ChartLine {
  /** Its name in the legend (a group's: legend-names.ts, cut to what tells it apart). */
  label: string;
  /** A group's line: the series' whole labels (the legend entry's title, what its colour and hiding go by). */
  whole?: string;
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
  /** Series of the metric not drawn (beyond MAX_LINES, or not matching the view's text). */
  left: number;
  /** Series whose labels hold the view's text (all of them without one). */
  matched: number;
  /** A group: the `key=value` pairs every drawn series shares (left out of the legend's names). */
  shared?: string[];
  /** A group of histograms: the statistic each line draws. */
  statistic?: string;
}

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
    matched: 1,
  };
}

/** A series' values as a group draws them: its points' (a histogram's mean), or one of its percentiles. */
function statisticOf(series: MetricSeriesView, statistic: string | undefined): { at: number; value: number | null }[] {
  const percentile = series.quantiles?.find((line) => line.label === statistic);
  return series.points.map(([at, value], i) => ({ at, value: percentile ? percentile.values[i] ?? null : value }));
}

const latestOf = (values: { value: number | null }[]) => values.findLast((point) => point.value !== null)?.value ?? -Infinity;

/**
 * Several series of one metric on one time axis (a series without a value at a time has a gap there): those whose
 * labels hold `view.match`, the MAX_LINES with the highest latest value of the statistic drawn.
 */
function groupChart(key: string, all: MetricSeriesView[], view: GroupView): ChartGroup {
  const statistic = all.some((series) => series.quantiles) ? (STATISTICS.find((one) => one === view.statistic) ?? 'P50') : undefined;
  const match = view.match?.trim().toLowerCase() ?? '';
  const matching = all.filter((series) => (series.labels ?? series.name).toLowerCase().includes(match));
  const ranked = matching.map((series) => ({ series, values: statisticOf(series, statistic) }));
  const drawn = ranked.sort((a, b) => latestOf(b.values) - latestOf(a.values)).slice(0, MAX_LINES);
  // In the legend by name, so that the legend's order does not follow the ranking.
  const whole = ({ series }: (typeof drawn)[number]) => series.labels ?? series.name;
  drawn.sort((a, b) => whole(a).localeCompare(whole(b)));
  const times = [...new Set(drawn.flatMap(({ values }) => values.map(({ at }) => at)))].sort((a, b) => a - b);
  const column = new Map(times.map((at, i) => [at, i]));
  const { names, shared } = legendNames(drawn.map(whole));
  const lines = drawn.map((one, i) => {
    const values: Array<number | null> = new Array<number | null>(times.length).fill(null);
    for (const { at, value } of one.values) values[column.get(at)!] = value;
    return { label: names[i]!, whole: whole(one), values, color: seriesColor(whole(one)) };
  });
  const first = all[0]!;
  const metric = first.metric ?? first.name;
  return {
    key,
    tier: first.tier,
    // A group of histograms draws a percentile, not the mean its metric's name says (`latency (mean)`).
    title: statistic ? metric.replace(/ \(mean\)$/, '') : metric,
    unit: first.unit,
    description: all.find((series) => series.description)?.description,
    times: times.map((at) => at / 1000),
    lines,
    series: all.length,
    left: all.length - drawn.length,
    matched: matching.length,
    shared,
    ...(statistic ? { statistic } : {}),
  };
}

/** The charts of `series` (those with a value), in the order their metrics first appear; a group as `views` has it. */
export function chartGroups(series: readonly MetricSeriesView[], views: Readonly<Record<string, GroupView>> = {}): ChartGroup[] {
  const byMetric = new Map<string, MetricSeriesView[]>();
  for (const one of series) {
    if (one.points.length === 0) continue;
    const key = `${one.tier}\u0000${one.metric ?? one.name}`;
    const list = byMetric.get(key);
    if (list) list.push(one);
    else byMetric.set(key, [one]);
  }
  return [...byMetric].map(([key, list]) => (list.length === 1 ? singleChart(key, list[0]!) : groupChart(key, list, views[key] ?? {})));
}
