/** The Metrics charts' axes (src/dashboard/client/chart-axes.ts): what uPlot's defaults drew wrong, drawn right. */
import { describe, expect, it } from 'vitest';
import { timeLabels, timeRange, valueRange } from '../../src/dashboard/client/chart-axes.js';
import { formatBytes } from '../../src/tui/format.js';

describe('chart axes', () => {
  it('gives a single point a minute of time around it, and a real range its own', () => {
    expect(timeRange(1_800_000_000, 1_800_000_000)).toEqual([1_799_999_970, 1_800_000_030]);
    expect(timeRange(1_800_000_000, 1_800_000_600)).toEqual([1_800_000_000, 1_800_000_600]);
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
