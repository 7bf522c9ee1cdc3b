/**
 * The Metrics charts' axes (src/dashboard/client/chart-axes.ts): what uPlot's defaults drew wrong, drawn right; and a
 * histogram's percentiles from its buckets (histogram-quantiles.ts), as the receiver's series give them to the page.
 */
import { describe, expect, it } from 'vitest';
import { dataTimeRange, timeLabels, timeRange, valueRange } from '../../src/dashboard/client/chart-axes.js';
import { formatBytes } from '../../src/tui/format.js';
import { histogramQuantile } from '../../src/dashboard/histogram-quantiles.js';
import { fromBootStore } from '../../src/dashboard/receiver-source.js';

describe('chart axes', () => {
  it('gives a single point a minute of time around it, and a real range its own', () => {
    expect(timeRange(1_800_000_000, 1_800_000_000)).toEqual([1_799_999_970, 1_800_000_030]);
    expect(timeRange(1_800_000_000, 1_800_000_600)).toEqual([1_800_000_000, 1_800_000_600]);
    // What uPlot asks with one point: the day it widened it to. The data says it is one point.
    expect(dataTimeRange([1_800_000_000], 1_800_000_000, 1_800_086_400)).toEqual([1_799_999_970, 1_800_000_030]);
    expect(dataTimeRange([1_800_000_000, 1_800_000_600], 1_800_000_000, 1_800_000_600)).toEqual([1_800_000_000, 1_800_000_600]);
  });

  it('labels time ticks as clock times, never with a date or a year', () => {
    const minutes = timeLabels([1_800_000_000, 1_800_000_060, 1_800_000_120]);
    for (const label of minutes) expect(label).toMatch(/^\d\d:\d\d$/);
    expect(new Set(minutes).size).toBe(3);
    const seconds = timeLabels([1_800_000_000, 1_800_000_010, 1_800_000_020]);
    for (const label of seconds) expect(label).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(new Set(seconds).size).toBe(3);
  });

  it('starts a memory axis at 0, so a flat 69 MB does not read as "69M 69M 69M"', () => {
    const [low, high] = valueRange(69_100_000, 69_104_000);
    expect(low).toBe(0);
    expect(high).toBeGreaterThan(69_104_000);
    // Five ticks across the range, as uPlot would space them: all labels differ.
    const labels = [0, 1, 2, 3, 4].map((i) => formatBytes(low + ((high - low) * i) / 4));
    expect(new Set(labels).size).toBe(5);
    // A value that can be negative keeps its own range, widened when flat.
    const [a, b] = valueRange(-5, -5);
    expect(a).toBeLessThan(-5);
    expect(b).toBeGreaterThan(-5);
    expect(valueRange(null, null)).toEqual([0, 1]);
  });
});

describe('histogram percentiles', () => {
  it('reads P50, P90 and P99 from the bucket counts, spread evenly within a bucket', () => {
    // 100 values: 50 in (0, 10], 40 in (10, 100], 10 above 100.
    expect(histogramQuantile([10, 100], [50, 40, 10], 0.5)).toBe(10);
    expect(histogramQuantile([10, 100], [50, 40, 10], 0.7)).toBeCloseTo(55);
    expect(histogramQuantile([10, 100], [50, 40, 10], 0.99)).toBe(100);
    expect(histogramQuantile([10, 100], [0, 0, 0], 0.5)).toBeUndefined();
    expect(histogramQuantile([10, 100], [1, 2], 0.5)).toBeUndefined();
  });

  it('gives a histogram series its percentiles and description beside its mean', () => {
    const point = { timeMs: 1_000, count: 100, sum: 2_500, bucketCounts: [50, 40, 10], explicitBounds: [10, 100], description: 'time to answer' };
    const series = { tier: 'api', name: 'http.duration', type: 'histogram', unit: 'ms', attributes: {}, points: [point] };
    const source = fromBootStore({ spans: {} as never, logs: {} as never, metrics: { series: () => [series] } });
    const [view] = source.metricSeries();
    expect(view).toMatchObject({ name: 'http.duration (mean)', unit: 'ms', description: 'time to answer', points: [[1_000, 25]] });
    expect(view!.quantiles).toEqual([
      { label: 'P50', values: [10] },
      { label: 'P90', values: [100] },
      { label: 'P99', values: [100] },
    ]);
  });
});
