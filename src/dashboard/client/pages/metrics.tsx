/**
 * Metrics: one uPlot chart per tier and metric, of recent values — what children sent over OTLP (through the
 * receiver) and land's own samples of each tier's process tree (CPU, memory). A metric's series (one per set of
 * attributes) share its chart, a line each with a legend (metric-groups.ts: at most a dozen, a note for the rest).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { MetricSeriesView } from '../../wire.js';
import { chartGroups, MAX_LINES, STATISTICS, type ChartGroup, type GroupView } from '../metric-groups.js';
import { formatBytes } from '../format.js';
import { href, usePoll, useStore, type Route } from '../hooks.js';
import { tierColor } from '../tier-colors.js';
import { dataTimeRange, timeLabels, valueRange } from '../chart-axes.js';

const TITLES: Record<string, string> = { 'land.tree.cpu': 'CPU of the process tree', 'land.tree.memory': 'memory of the process tree' };

function formatValue(unit: string | undefined, value: number): string {
  if (unit === 'By') return formatBytes(value);
  if (unit === '%') return `${value.toFixed(1)}%`;
  return `${Number(value.toPrecision(4))}${unit && unit !== '1' ? ` ${unit}` : ''}`;
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });

/** A value-axis tick: short (1M, 12.5K) and without the unit, which the caption says once (the axis is 64 px). */
function tickValue(unit: string | undefined, value: number): string {
  return unit === 'By' || unit === '%' ? formatValue(unit, value) : compact.format(value);
}

const QUANTILE_COLORS = ['#d29922', '#f778ba', '#ff7b72'];

const formatQuantile = (unit: string | undefined, value: number | null | undefined) => (value === null || value === undefined ? '-' : formatValue(unit, value));

/** The time axis's labels, kept on the chart's box as `data-time-axis` (uPlot draws them on a canvas). */
function shownLabels(element: HTMLElement, axis: 'timeAxis' | 'valueAxis', labels: string[]): string[] {
  element.dataset[axis] = labels.join(' ');
  return labels;
}

/**
 * The legend's entries: each name whole in its title (a group's are cut to what tells them apart, legend-names.ts),
 * and each a toggle the keyboard reaches too (uPlot hides or shows a line on a click on its entry).
 */
function dressLegend(element: HTMLElement, chart: ChartGroup, u: uPlot): void {
  element.querySelectorAll<HTMLElement>('.u-legend .u-series').forEach((row, i) => {
    const line = chart.lines[i - 1];
    if (!line) return; // the time's entry
    const label = row.querySelector<HTMLElement>('.u-label');
    if (label) label.title = line.whole ?? line.label;
    row.tabIndex = 0;
    row.setAttribute('role', 'button');
    row.setAttribute('aria-label', `${line.whole ?? line.label}: click to hide or show`);
    row.setAttribute('aria-pressed', String(u.series[i]?.show !== false));
    row.onkeydown = (event) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      row.querySelector('th')?.click(); // where uPlot listens
    };
  });
}

/** A line's look: a metric alone in the tier's colour (its percentiles dashed), a group's series each its own. */
function lineStyle(chart: ChartGroup, i: number, color: string, hidden: ReadonlySet<string>): uPlot.Series {
  const { label, color: own, whole } = chart.lines[i]!;
  if (!chart.single) return { label, stroke: own, width: 1.4, spanGaps: true, show: !hidden.has(whole ?? label) };
  if (i === 0) return { label, stroke: color, width: 1.5, fill: chart.lines.length > 1 ? undefined : `${color}33` };
  return { label, stroke: QUANTILE_COLORS[(i - 1) % QUANTILE_COLORS.length], width: 1.2, dash: [4, 3] };
}

function Caption({ chart, view }: { chart: ChartGroup; view: GroupView }) {
  const { single, unit } = chart;
  const last = single?.points.at(-1);
  const quantiles = single?.quantiles ?? [];
  const count = chart.matched < chart.series ? `${chart.matched} of ${chart.series} series hold “${view.match?.trim()}”` : `${chart.series} series`;
  return (
    // Its parts each a line of their own (style.css): the title and value, what the metric is, what is not drawn.
    <figcaption>
      <span class="metric-now">
        {TITLES[chart.title] ?? chart.title} —{' '}
        {single ? (last ? `now ${formatValue(unit, last[1])}` : 'no value yet') : count}
        {chart.statistic && ` · ${chart.statistic === 'mean' ? 'the mean' : chart.statistic} of each`}
        {quantiles.length > 0 && ` · ${quantiles.map((line) => `${line.label} ${formatQuantile(unit, line.values.at(-1))}`).join(' · ')}`}
      </span>
      {(chart.description || unit) && <span class="hint metric-about">{[chart.description, unit && `unit ${unit}`].filter(Boolean).join(' · ')}</span>}
      {chart.shared && chart.shared.length > 0 && <span class="hint" data-testid="series-shared">every series: {chart.shared.join(', ')}</span>}
      {chart.left > 0 && chart.matched > chart.lines.length && (
        <span class="hint series-left" data-testid="series-left">
          The {MAX_LINES} with the highest latest values are drawn; {chart.matched - chart.lines.length} more series {chart.matched < chart.series ? 'that match' : 'of this metric'} are not.
        </span>
      )}
    </figcaption>
  );
}

/** A group's tools: text its series must hold (Aspire's dimension filter, for a metric of many), the statistic drawn. */
function GroupTools({ chart, view, setView }: { chart: ChartGroup; view: GroupView; setView: (view: GroupView) => void }) {
  return (
    <div class="toolbar chart-tools">
      <input
        type="search"
        class="short"
        value={view.match ?? ''}
        placeholder="Filter series"
        aria-label={`Series of ${chart.title} whose attributes hold`}
        onInput={(event) => setView({ ...view, match: event.currentTarget.value })}
      />
      {chart.statistic && (
        <select aria-label={`What ${chart.title} draws of each series`} value={chart.statistic} onChange={(event) => setView({ ...view, statistic: event.currentTarget.value })}>
          {STATISTICS.map((statistic) => (
            <option key={statistic} value={statistic}>
              {statistic === 'mean' ? 'mean' : `${statistic} (from buckets)`}
            </option>
          ))}
        </select>
      )}
      {chart.matched === 0 && <span class="hint">No series holds that.</span>}
    </div>
  );
}

function Chart({ chart, color, view, setView }: { chart: ChartGroup; color: string; view: GroupView; setView: (view: GroupView) => void }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  // The lines a reader hid (by their whole labels): still hidden when the chart is made again with other lines.
  const hidden = useRef(new Set<string>());
  const data = (): uPlot.AlignedData => [chart.times, ...chart.lines.map((line) => line.values)];
  // Made again when its lines change (another series among the drawn ones), else only given new data.
  const lineNames = chart.lines.map((line) => line.whole ?? line.label).join('\u0000');
  useEffect(() => {
    const element = box.current!;
    plot.current = new uPlot(
      {
        width: Math.max(240, element.clientWidth),
        height: chart.single ? 140 : 200,
        // A group keeps its legend with one line left (its filter): the entry names what is drawn.
        legend: { show: !chart.single || chart.lines.length > 1 },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true, range: (u, min, max) => dataTimeRange(u.data[0], min, max) }, y: { range: (_, min, max) => valueRange(min, max) } },
        axes: [
          // The labels drawn (on the canvas, out of the DOM's reach) kept on the box too, for whoever inspects the page.
          { stroke: '#8b949e', grid: { stroke: '#30363d' }, space: 70, values: (_, ticks) => shownLabels(element, 'timeAxis', timeLabels(ticks)) },
          { stroke: '#8b949e', grid: { stroke: '#30363d' }, size: 64, values: (_, ticks) => shownLabels(element, 'valueAxis', ticks.map((tick) => tickValue(chart.unit, tick))) },
        ],
        series: [{}, ...chart.lines.map((_, i) => lineStyle(chart, i, color, hidden.current))],
        hooks: {
          setSeries: [
            (u, i) => {
              const line = i === null ? undefined : chart.lines[i - 1];
              if (!line || i === null) return;
              const whole = line.whole ?? line.label;
              if (u.series[i]!.show === false) hidden.current.add(whole);
              else hidden.current.delete(whole);
              dressLegend(element, chart, u);
            },
          ],
        },
      },
      data(),
      element,
    );
    dressLegend(element, chart, plot.current);
    // The chart follows its box: made at one width and left there, it overflowed a box that narrowed (a scroll bar
    // showing up, two columns where one was), and the box's edge cut the last time label (`20:5`, `20:5(`).
    const follow = new ResizeObserver(() => {
      const width = Math.max(240, element.clientWidth);
      if (plot.current && plot.current.width !== width) plot.current.setSize({ width, height: plot.current.height });
    });
    follow.observe(element);
    return () => {
      follow.disconnect();
      plot.current?.destroy();
    };
  }, [chart.key, lineNames, color, chart.statistic]);
  useEffect(() => plot.current?.setData(data()), [chart.times.length, chart.times.at(-1)]);
  const last = chart.single?.points.at(-1);
  const described = chart.single
    ? `${chart.single.points.length} values${last ? `, latest ${formatValue(chart.unit, last[1])}` : ''}`
    : `${chart.series} series, ${chart.lines.length} drawn`;
  return (
    <figure class={`chart${chart.single ? '' : ' chart-group'}`} data-metric={chart.title}>
      <Caption chart={chart} view={view} />
      {!chart.single && <GroupTools chart={chart} view={view} setView={setView} />}
      <div ref={box} role="img" aria-label={`${chart.tier} ${chart.title}: ${described}`} />
    </figure>
  );
}

export function MetricsPage({ route }: { route: Route }) {
  const only = route.params.get('tier') ?? '';
  const { snapshot } = useStore();
  const { data, error } = usePoll<{ series: MetricSeriesView[] }>('/api/metrics', 2000);
  // Each group's filter and statistic, by chart key, while the page is open.
  const [views, setViews] = useState<Record<string, GroupView>>({});
  if (!data) return <p>{error ?? 'Loading metrics…'}</p>;
  const order = (snapshot?.tiers ?? []).map((tier) => tier.name);
  const tiers = [...new Set(data.series.map((s) => s.tier))].filter((tier) => !only || tier === only).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return (
    <>
      <h1 class="page-title">Metrics</h1>
      <p class="hint">Recent values per tier: land samples each tier's process tree every 2 s while the dashboard is open; metrics children send over OTLP appear beside them.</p>
      {only && (
        <p>
          Tier {only} only · <a href={href('metrics')}>All tiers</a>
        </p>
      )}
      {tiers.length === 0 && <p>No values yet (the first sample comes within 2 s).</p>}
      {tiers.map((tier) => (
        <section key={tier} class="metric-tier" aria-labelledby={`metrics-${tier}`}>
          <h2 id={`metrics-${tier}`}>{tier}</h2>
          <div class="charts">
            {chartGroups(
              data.series.filter((s) => s.tier === tier),
              views,
            ).map((chart) => (
              <Chart
                key={chart.key}
                chart={chart}
                color={tierColor(Math.max(0, order.indexOf(tier)))}
                view={views[chart.key] ?? {}}
                setView={(view) => setViews((all) => ({ ...all, [chart.key]: view }))}
              />
            ))}
          </div>
        </section>
      ))}
    </>
  );
}
