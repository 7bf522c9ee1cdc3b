// The shape every scenario returns, and the interleaved loop they all use: round 1 runs A B C …, round 2 again
// A B C …, so a slow moment of the machine lands on every contender alike.
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A scenario result: { id, title, base (contender id the ratios divide by), metrics: [{ key, label, unit, better,
 * values: { contender: number[] }, extra?: { contender: any[] } }], failures: { contender: reason }, notes: [] }.
 */
export function newResult(id, title, { base = 'baseline', describe = '' } = {}) {
  return { id, title, describe, base, metrics: [], failures: {}, notes: [] };
}

/** ratios: false for counts (lines lost, survivors), where a ratio to the baseline means nothing. */
export function addMetric(result, key, label, unit, { better = 'lower', base, ratios = true } = {}) {
  const metric = { key, label, unit, better, base, ratios, values: {} };
  result.metrics.push(metric);
  return {
    record(contender, value) {
      (metric.values[contender] ??= []).push(value);
    },
    metric,
  };
}

/** Says in the results which of these contenders (those that could run in this run) the scenario leaves out, and why. */
export function notMeasured(ctx, result, ids, why) {
  const left = ctx.ids(ids);
  if (left.length > 0) result.notes.push(`not measured here: ${left.join(', ')} (${why})`);
}

/**
 * Runs measure(id, round) for every contender, round after round. A contender that throws is reported once under
 * result.failures and left out of the later rounds; the others go on.
 */
export async function interleave(ctx, result, ids, rounds, measure, { label = '' } = {}) {
  let live = [...ids];
  for (let round = 1; round <= rounds; round++) {
    for (const id of live) {
      ctx.log(`  ${result.id}${label ? ` ${label}` : ''} · round ${round}/${rounds} · ${id}`);
      try {
        await measure(id, round);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        result.failures[id] = `${label ? `${label}: ` : ''}${reason}`;
        ctx.log(`    ${id} could not run: ${reason}`);
        live = live.filter((other) => other !== id);
      }
      // Let the machine settle between two runs (page cache, reaped processes, closed sockets).
      await sleep(ctx.quick ? 150 : 300);
    }
  }
}
