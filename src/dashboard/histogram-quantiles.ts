/**
 * A histogram point's percentiles from its bucket counts (OTLP's explicit bounds: bucket i holds values up to
 * bounds[i], the last one everything above the last bound), as Aspire draws P50/P90/P99 rather than the mean. Within
 * a bucket the values are taken as spread evenly; the open last bucket answers its lower bound.
 */
export function histogramQuantile(bounds: readonly number[], counts: readonly number[], q: number): number | undefined {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0 || bounds.length === 0 || counts.length !== bounds.length + 1) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i += 1) {
    const count = counts[i]!;
    if (count > 0 && below + count >= rank) {
      if (i === bounds.length) return bounds[i - 1];
      const low = i === 0 ? Math.min(0, bounds[0]!) : bounds[i - 1]!;
      return low + ((bounds[i]! - low) * (rank - below)) / count;
    }
    below += count;
  }
  return bounds.at(-1);
}

export const QUANTILES: ReadonlyArray<[string, number]> = [
  ['P50', 0.5],
  ['P90', 0.9],
  ['P99', 0.99],
];
