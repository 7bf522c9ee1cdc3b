/**
 * Metrics: one uPlot chart per tier and metric, of recent values — what children sent over OTLP (through the
 * receiver) and land's own samples of each tier's process tree (CPU, memory).
 */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { MetricSeriesView } from '../../wire.js';
import { formatBytes } from '../format.js';
import { href, usePoll, useStore, type Route } from '../hooks.js';
import { tierColor } from '../tier-colors.js';
import { dataTimeRange, timeLabels, valueRange } from '../chart-axes.js';

const TITLES: Record<string, string> = { 'land.tree.cpu': 'CPU of the process tree', 'land.tree.memory': 'memory of the process tree' };

function formatValue(series: MetricSeriesView, value: number): string {
  if (series.unit === 'By') return formatBytes(value);
  if (series.unit === '%') return `${value.toFixed(1)}%`;
  return `${Number(value.toPrecision(4))}${series.unit && series.unit !== '1' ? ` ${series.unit}` : ''}`;
}

const QUANTILE_COLORS = ['#d29922', '#f778ba', '#ff7b72'];

const formatQuantile = (series: MetricSeriesView, value: number | null | undefined) => (value === null || value === undefined ? '-' : formatValue(series, value));

/** The time axis's labels, kept on the chart's box as `data-time-axis` (uPlot draws them on a canvas). */
function shownLabels(element: HTMLElement, labels: string[]): string[] {
  element.dataset.timeAxis = labels.join(' ');
  return labels;
}

function Chart({ series, color }: { series: MetricSeriesView; color: string }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const quantiles = series.quantiles ?? [];
  const data = (): uPlot.AlignedData => [series.points.map(([at]) => at / 1000), series.points.map(([, value]) => value), ...quantiles.map((line) => line.values)];
  useEffect(() => {
    const element = box.current!;
    plot.current = new uPlot(
      {
        width: Math.max(240, element.clientWidth),
        height: 140,
        legend: { show: quantiles.length > 0 },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true, range: (u, min, max) => dataTimeRange(u.data[0], min, max) }, y: { range: (_, min, max) => valueRange(min, max) } },
        axes: [
          // The labels drawn (on the canvas, out of the DOM's reach) kept on the box too, for whoever inspects the page.
          { stroke: '#8b949e', grid: { stroke: '#30363d' }, space: 70, values: (_, ticks) => shownLabels(element, timeLabels(ticks)) },
          { stroke: '#8b949e', grid: { stroke: '#30363d' }, size: 64, values: (_, ticks) => ticks.map((tick) => formatValue(series, tick)) },
        ],
        series: [
          {},
          { label: quantiles.length > 0 ? 'mean' : series.name, stroke: color, width: 1.5, fill: quantiles.length > 0 ? undefined : `${color}33` },
          ...quantiles.map((line, i) => ({ label: line.label, stroke: QUANTILE_COLORS[i % QUANTILE_COLORS.length], width: 1.2, dash: [4, 3] })),
        ],
      },
      data(),
      element,
    );
    return () => plot.current?.destroy();
  }, [series.name, color]);
  useEffect(() => plot.current?.setData(data()), [series.points.length, series.points.at(-1)?.[0]]);
  const last = series.points.at(-1);
  return (
    <figure class="chart">
      <figcaption>
        {TITLES[series.name] ?? series.name} — {last ? `now ${formatValue(series, last[1])}` : 'no value yet'}
        {quantiles.length > 0 && ` · ${quantiles.map((line) => `${line.label} ${formatQuantile(series, line.values.at(-1))}`).join(' · ')}`}
        {(series.description || series.unit) && (
          <span class="hint metric-about">
            {' '}
            {[series.description, series.unit && `unit ${series.unit}`].filter(Boolean).join(' · ')}
          </span>
        )}
      </figcaption>
      <div ref={box} role="img" aria-label={`${series.tier} ${series.name}: ${series.points.length} values${last ? `, latest ${formatValue(series, last[1])}` : ''}`} />
    </figure>
  );
}

export function MetricsPage({ route }: { route: Route }) {
  const only = route.params.get('tier') ?? '';
  const { snapshot } = useStore();
  const { data, error } = usePoll<{ series: MetricSeriesView[] }>('/api/metrics', 2000);
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
            {data.series
              .filter((s) => s.tier === tier && s.points.length > 0)
              .map((s) => (
                <Chart key={s.name} series={s} color={tierColor(Math.max(0, order.indexOf(tier)))} />
              ))}
          </div>
        </section>
      ))}
    </>
  );
}
