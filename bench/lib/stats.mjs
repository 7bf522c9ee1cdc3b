// Median, min and max of repeated measurements, and ratios between medians.

export function summarize(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, median: null, min: null, max: null };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, median, min: sorted[0], max: sorted[sorted.length - 1] };
}

/** a / b of two medians, or null when either is missing or b is 0. */
export function ratio(a, b) {
  if (a == null || b == null || b === 0) return null;
  return a / b;
}

export const round = (value, digits = 2) => (value == null ? null : Number(value.toFixed(digits)));
