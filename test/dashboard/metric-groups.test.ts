/**
 * The Metrics page's charts (client/metric-groups.ts): a metric's series share one chart, a line each on one time
 * axis, at most MAX_LINES drawn (those with the highest latest values) and the rest counted; a metric of one series
 * keeps its own chart with its percentiles; the receiver's adapter names each series' metric and attributes.
 */
import { describe, expect, it } from 'vitest';
import { chartGroups, MAX_LINES } from '../../src/dashboard/client/metric-groups.js';
import { legendNames, middleCut } from '../../src/dashboard/client/legend-names.js';
import { summarize } from '../../src/receiver/store/span-store.js';
import { fromBootStore } from '../../src/dashboard/receiver-source.js';
import type { MetricSeriesView } from '../../src/dashboard/wire.js';

const perRoute = (route: number, points: Array<[number, number]>): MetricSeriesView => ({
  tier: 'web', name: `http.requests {route=/r${route}}`, metric: 'http.requests', labels: `route=/r${route}`, unit: '1', points,
});

describe('the Metrics page groups a metric\'s series', () => {
  it('draws 150 series of one metric as one chart of the 12 with the highest latest values, the rest counted', () => {
    const series = Array.from({ length: 150 }, (_, i) => perRoute(i, [[1_000, i], [3_000, i * 2]]));
    series.push({ tier: 'web', name: 'land.tree.cpu', unit: '%', points: [[1_000, 5]] }, { tier: 'api', name: 'http.requests {route=/r1}', metric: 'http.requests', labels: 'route=/r1', points: [[1_000, 1]] });
    const charts = chartGroups(series);
    expect(charts.map((chart) => [chart.tier, chart.title, chart.series, chart.lines.length, chart.left])).toEqual([
      ['web', 'http.requests', 150, MAX_LINES, 150 - MAX_LINES],
      ['web', 'land.tree.cpu', 1, 1, 0],
      // Alone: named with its attributes, as before.
      ['api', 'http.requests {route=/r1}', 1, 1, 0],
    ]);
    // The highest latest values (routes 138–149), in the legend by name.
    expect(charts[0]!.lines.map((line) => line.label)).toEqual(Array.from({ length: 12 }, (_, i) => `route=/r${138 + i}`).sort());
    expect(charts[0]!.times).toEqual([1, 3]);
    expect(charts[0]!.lines[0]!.values).toEqual([138, 276]);
  });

  it('puts series with different times on one axis, a gap where a series has no value', () => {
    const [chart] = chartGroups([perRoute(1, [[1_000, 1], [2_000, 2]]), perRoute(2, [[2_000, 20], [4_000, 40]]), perRoute(3, [])]);
    expect(chart).toMatchObject({ series: 2, left: 0, times: [1, 2, 4] });
    expect(chart!.lines).toMatchObject([
      { label: 'route=/r1', values: [1, 2, null] },
      { label: 'route=/r2', values: [null, 20, 40] },
    ]);
  });

  it('keeps a histogram alone in its chart with its percentiles, and names metric and attributes from the store', () => {
    const store = {
      spans: {} as never,
      logs: {} as never,
      metrics: {
        series: () => [
          { tier: 'web', name: 'latency', type: 'histogram', unit: 'ms', attributes: { route: '/a', code: 200 }, points: [{ timeMs: 1_000, count: 2, sum: 10, bucketCounts: [1, 1], explicitBounds: [5] }] },
          { tier: 'web', name: 'queue', type: 'gauge', attributes: {}, points: [{ timeMs: 1_000, value: 3 }] },
        ],
      },
    };
    const views = fromBootStore(store).metricSeries();
    expect(views.map((view) => [view.name, view.metric, view.labels])).toEqual([
      ['latency (mean) {route=/a, code=200}', 'latency (mean)', 'route=/a, code=200'],
      ['queue', 'queue', undefined],
    ]);
    const [histogram] = chartGroups(views);
    expect(histogram!.single).toBe(views[0]);
    expect(histogram!.lines.map((line) => line.label)).toEqual(['mean', 'P50', 'P90', 'P99']);
  });

  it('keeps a line\'s colour while other series enter and leave the drawn dozen', () => {
    // Route 0 is not drawn (the lowest), route 9 is the lowest drawn.
    const series = Array.from({ length: 13 }, (_, i) => perRoute(i, [[1_000, i === 0 ? 0 : i === 9 ? 1 : 10 + i]]));
    const colors = (charts: ReturnType<typeof chartGroups>) => new Map(charts[0]!.lines.map((line) => [line.label, line.color]));
    const before = colors(chartGroups(series));
    // Route 0 climbs to the top and pushes route 9 out: it sorts first and 9 sorted last, so every other line moves one
    // place in the legend.
    series[0] = perRoute(0, [[1_000, 100]]);
    const after = colors(chartGroups(series));
    expect([before.has('route=/r0'), before.has('route=/r9'), after.has('route=/r0'), after.has('route=/r9')]).toEqual([false, true, true, false]);
    for (const route of [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12]) expect(after.get(`route=/r${route}`)).toBe(before.get(`route=/r${route}`));
    // Distinct series spread over the palette rather than all in one colour.
    expect(new Set(after.values()).size).toBeGreaterThan(4);
    expect(new Set(after.values()).has(undefined)).toBe(false);
  });

  it('names a group\'s legend entries by what tells them apart: shared pairs out, a long shared start cut, the middle cut last', () => {
    const long = (n: number, method: string) => `http.route=/api/v1/customers/{customerId}/orders/{orderId}/items/${n}, http.method=${method}`;
    // The big-trace fixture's labels: the route differs at its very end, which a cut at the end would lose.
    expect(legendNames([long(1, 'GET'), long(2, 'POST'), long(3, 'GET')]).names).toEqual([
      'http.route=…/items/1, http.method=GET',
      'http.route=…/items/2, http.method=POST',
      'http.route=…/items/3, http.method=GET',
    ]);
    // A pair every series shares goes to the caption.
    expect(legendNames([long(1, 'GET'), long(2, 'GET')])).toEqual({ names: ['http.route=…/items/1', 'http.route=…/items/2'], shared: ['http.method=GET'] });
    // Short labels stay whole; one label alone shares nothing with anyone.
    expect(legendNames(['route=/r1', 'route=/r2']).names).toEqual(['route=/r1', 'route=/r2']);
    expect(legendNames([long(1, 'GET')])).toEqual({ names: [middleCut(long(1, 'GET'))], shared: [] });
    const cut = middleCut('x'.repeat(30) + 'THE-END-DIFFERS-HERE-1');
    expect(cut).toHaveLength(44);
    expect(cut.endsWith('THE-END-DIFFERS-HERE-1')).toBe(true);
  });

  it('narrows a group to the series holding a text, and draws a group of histograms by a statistic from its buckets', () => {
    const series = Array.from({ length: 20 }, (_, i) => perRoute(i, [[1_000, i]]));
    const [narrowed] = chartGroups(series, { [`web\u0000http.requests`]: { match: ' /R1 ' } });
    // route=/r1 and /r10 … /r19: 11, all drawn.
    expect([narrowed!.matched, narrowed!.lines.length, narrowed!.left]).toEqual([11, 11, 9]);
    expect(narrowed!.lines.every((line) => line.whole!.startsWith('route=/r1'))).toBe(true);

    const latency = (route: string, mean: number, p50: number, p99: number): MetricSeriesView => ({
      tier: 'web', name: `latency (mean) {route=${route}}`, metric: 'latency (mean)', labels: `route=${route}`, unit: 'ms', points: [[1_000, mean]],
      quantiles: [{ label: 'P50', values: [p50] }, { label: 'P90', values: [p99 / 2] }, { label: 'P99', values: [p99] }],
    });
    const histograms = [latency('/a', 100, 5, 900), latency('/b', 50, 40, 60)];
    const [byDefault] = chartGroups(histograms);
    expect(byDefault).toMatchObject({ title: 'latency', statistic: 'P50' });
    expect(byDefault!.lines.map((line) => [line.label, line.values])).toEqual([['route=/a', [5]], ['route=/b', [40]]]);
    const [tail] = chartGroups(histograms, { [`web\u0000latency (mean)`]: { statistic: 'P99' } });
    expect(tail!.lines.map((line) => line.values)).toEqual([[900], [60]]);
    const [mean] = chartGroups(histograms, { [`web\u0000latency (mean)`]: { statistic: 'mean' } });
    expect(mean).toMatchObject({ title: 'latency', statistic: 'mean' });
    expect(mean!.lines.map((line) => line.values)).toEqual([[100], [50]]);
    // A gauge's group has no statistic to pick.
    expect(chartGroups(series)[0]!.statistic).toBeUndefined();
  });

  it('masks a secret in a metric\'s or span\'s name in place, and leaves an ordinary name that sounds secret alone', () => {
    const store = {
      spans: {} as never,
      logs: {} as never,
      metrics: {
        series: () => [
          { tier: 'web', name: 'cache.hits?token=MNAMESECRET1', type: 'gauge', attributes: {}, points: [{ timeMs: 1_000, value: 3, description: 'from https://u:DESCPW99@cache/x' }] },
          { tier: 'web', name: 'password.resets', type: 'sum', attributes: {}, points: [{ timeMs: 1_000, value: 1, description: 'api_key lookups' }] },
        ],
      },
    };
    const views = fromBootStore(store).metricSeries();
    expect(views.map((view) => [view.name, view.description])).toEqual([
      ['cache.hits?token=***', 'from https://u:***@cache/x'],
      ['password.resets', 'api_key lookups'],
    ]);
    const span = (spanId: string, name: string, parentSpanId?: string) => ({ spanId, parentSpanId, name, tier: 'web', startMs: spanId === 'a' ? 1 : 2, endMs: 3, status: 'ok' as const });
    expect(summarize('t', [span('a', 'GET /reset?token=SPANSECRET1'), span('b', 'db', 'a')]).root).toBe('GET /reset?token=***');
    expect(summarize('t', [span('a', 'POST /auth/token')]).root).toBe('POST /auth/token');
  });
});
