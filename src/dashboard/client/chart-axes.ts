/**
 * The Metrics charts' axes, worked out here rather than by uPlot's defaults, which misread a few cases: one point
 * (a zero-width time range, drawn as years: "2027 2028 2029"), dates beside times ("12/7/26 3:16pm3:17pm"), and a
 * value that barely moves (memory at 69.1 MB: ticks a few KB apart, all "69M").
 */

/** The time range shown, in seconds: a single point gets a minute around it. */
export function timeRange(min: number | null, max: number | null): [number, number] {
  const low = min ?? Date.now() / 1000;
  const high = max ?? low;
  return high - low < 1 ? [low - 30, high + 30] : [low, high];
}

/**
 * The time range for uPlot's x scale, from the data itself: uPlot widens a single time point to a day (min + 86 400 s)
 * before it asks for the range (uPlot.esm.js, `scaleX.time`), so the range function alone would never see one point.
 */
export function dataTimeRange(xs: ArrayLike<number | null | undefined> | undefined, min: number | null, max: number | null): [number, number] {
  const first = xs?.[0];
  const last = xs?.[xs.length - 1];
  return typeof first === 'number' && typeof last === 'number' ? timeRange(first, last) : timeRange(min, max);
}

const MINUTES = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const SECONDS = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** Time ticks (seconds) as clock times only: minutes, or seconds too when the ticks are less than a minute apart. */
export function timeLabels(ticks: number[]): string[] {
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : Infinity;
  const format = step < 60 ? SECONDS : MINUTES;
  return ticks.map((tick) => format.format(tick * 1000));
}

/**
 * The value range shown: from 0 for values that are never negative (a byte count, a percentage, a count — so a
 * flat line reads as what it is, not as noise magnified), with room above the highest; otherwise the values' own
 * range, widened when flat.
 */
export function valueRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null) return [0, 1];
  if (min >= 0) return [0, max > 0 ? max * 1.15 : 1];
  const pad = Math.max((max - min) * 0.1, Math.abs(max) * 0.05, 1e-9);
  return [min - pad, max + pad];
}
