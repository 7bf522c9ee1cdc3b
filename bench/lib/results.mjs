// Writing the results down: bench/results/latest.json (every value) and bench/results/latest.md (tables).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { labelOf as contenderLabel } from './contenders.mjs';
import { ROOT, RESULTS_DIR } from './paths.mjs';
import { ratio, round, summarize } from './stats.mjs';

/** The peers, in the order of the ratio columns (targets: "ahead of every peer"). */
export const PEERS = ['concurrently', 'mprocs', 'nf', 'foreman', 'pm2', 'supervisord'];
/** Units of measures rather than counts. */
const MEASURES = new Set(['ms', 's', 'MB', 'MB/s', '%']);

/** Each metric with per-contender statistics and the ratio of its median to the base contender's median. */
export function summarizeScenario(result) {
  return {
    ...result,
    metrics: result.metrics.map((metric) => {
      const base = metric.base ?? result.base;
      const contenders = {};
      for (const [id, values] of Object.entries(metric.values)) contenders[id] = { values, ...summarize(values) };
      for (const entry of Object.values(contenders)) {
        entry.ratio = metric.ratios === false ? null : round(ratio(entry.median, contenders[base]?.median), 3);
      }
      return { key: metric.key, label: metric.label, unit: metric.unit, better: metric.better, ratios: metric.ratios !== false, base, contenders };
    }),
  };
}

function format(value, unit) {
  if (value == null) return '—';
  if (unit === 'ms') return value >= 100 ? value.toFixed(0) : value.toFixed(1);
  if (unit === 'MB' || unit === 'MB/s' || unit === '%' || unit === 's') return value.toFixed(1);
  return String(round(value, 2));
}

const cell = (entry, unit) =>
  !entry || entry.n === 0 ? '—' : entry.n === 1 ? format(entry.median, unit) : `${format(entry.median, unit)} (${format(entry.min, unit)}–${format(entry.max, unit)})`;
const times = (value) => (value == null ? '—' : `${value.toFixed(2)}×`);

function scenarioTable(scenario) {
  const labelOf = (id) => scenario.labels?.[id] ?? contenderLabel(id);
  const ids = [...new Set(scenario.metrics.flatMap((m) => Object.keys(m.contenders)))];
  const lines = [`### ${scenario.title}`, ''];
  if (scenario.describe) lines.push(scenario.describe, '');
  for (const metric of scenario.metrics) {
    // Without ratios: a count (lines lost, survivors) is added up; a measure (ms, MB) has nothing to add up.
    const counted = !metric.ratios && !MEASURES.has(metric.unit);
    const about = metric.ratios
      ? `${metric.better} is better; ratio to ${labelOf(metric.base)}`
      : counted
        ? 'a count per round; the last column adds up the rounds'
        : `${metric.better} is better; no ratio`;
    lines.push(`**${metric.label}** (${metric.unit}, ${about})`, '');
    lines.push(`| contender | median (min–max) | runs | ${metric.ratios ? 'ratio' : 'count'} |`, '|---|---|---|---|');
    for (const id of ids) {
      const entry = metric.contenders[id];
      if (!entry) continue;
      const shown = metric.ratios ? times(entry.ratio) : counted ? `total ${entry.values.reduce((a, b) => a + (b ?? 0), 0)}` : '—';
      lines.push(`| ${labelOf(id)} | ${cell(entry, metric.unit)} | ${entry.n}/${entry.values.length} | ${shown} |`);
    }
    lines.push('');
  }
  for (const [id, reason] of Object.entries(scenario.failures)) lines.push(`- ${labelOf(id)} could not run: ${reason}`);
  for (const note of scenario.notes) lines.push(`- ${note}`);
  if (Object.keys(scenario.failures).length + scenario.notes.length > 0) lines.push('');
  return lines;
}

/** land's median against the baseline and each peer, one row per metric that has them. */
function ratioTable(scenarios) {
  const lines = [
    `| metric | land | ÷ baseline | ${PEERS.map((id) => `÷ ${id}`).join(' | ')} |`,
    `|---|---|---|${PEERS.map(() => '---|').join('')}`,
  ];
  for (const scenario of scenarios) {
    for (const metric of scenario.metrics) {
      const land = metric.contenders.land;
      if (!metric.ratios || !land || land.median == null) continue;
      const versus = (id) => times(ratio(land.median, metric.contenders[id]?.median));
      if (![ 'baseline', ...PEERS].some((id) => metric.contenders[id])) continue;
      lines.push(`| ${scenario.title}: ${metric.label} | ${format(land.median, metric.unit)} ${metric.unit} | ${versus('baseline')} | ${PEERS.map(versus).join(' | ')} |`);
    }
  }
  return lines;
}

export function renderMarkdown({ meta, scenarios, targets }) {
  const m = meta.machine;
  const lines = [
    '# land benchmarks: latest results',
    '',
    `Run ${meta.startedAt} · ${meta.quick ? 'quick' : 'full'} · ${meta.rounds} rounds · took ${meta.durationS} s (the harness itself used ${meta.harnessCpuS} s of CPU; \`npm run build\` before it is not counted).`,
    '',
    `Machine: ${m.nproc} cores (${m.cpu}), ${m.memoryGiB} GiB memory, Node ${m.node}, Linux ${m.kernel}. ` +
      `Load average (1/5/15 min) before: ${meta.loadavg.before.join(' / ')}, after: ${meta.loadavg.after.join(' / ')}.`,
    '',
    `Versions: ${Object.entries(meta.versions).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(' · ')}.`,
    '',
    `Reproduce: \`${meta.command}\` (from the repository root; installs the peers on first use).`,
    '',
  ];
  const unavailable = Object.entries(meta.contenders).filter(([, s]) => !s.ok);
  for (const [id, state] of unavailable) lines.push(`- **${contenderLabel(id)} could not run**: ${state.reason}`);
  if (unavailable.length) lines.push('');
  lines.push(
    '## Targets',
    '',
    "Judged on this run's medians (the log relay's on every round). Where a target asks for less than the floor itself manages in this run, the floor's figure stands next to it (**floor**): the target is kept and judged all the same.",
    '',
    '| target | measured | met |',
    '|---|---|---|',
  );
  for (const target of targets) {
    const measured = target.floor ? `${target.detail} · **floor**: ${target.floor}` : target.detail;
    lines.push(`| ${target.target} | ${measured} | ${target.met === null ? 'n/a' : target.met ? 'yes' : '**no**'} |`);
  }
  lines.push('', "## land's median against the others", '', 'Ratios of medians (land ÷ other): below 1 means land is lower (faster, smaller) on that figure.', '');
  lines.push(...ratioTable(scenarios), '', '## Scenarios', '');
  for (const scenario of scenarios) lines.push(...scenarioTable(scenario));
  return `${lines.join('\n')}\n`;
}

/**
 * Writes <name>.json and <name>.md (latest for a whole run) atomically through .tmp files; returns their paths
 * relative to the repository root.
 */
export function writeResults({ meta, scenarios, targets }, name = 'latest') {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const summarized = scenarios.map(summarizeScenario);
  const outputs = {
    [`${name}.json`]: `${JSON.stringify({ meta, targets, scenarios: summarized }, null, 2)}\n`,
    [`${name}.md`]: renderMarkdown({ meta, scenarios: summarized, targets }),
  };
  return Object.entries(outputs).map(([fileName, text]) => {
    const file = join(RESULTS_DIR, fileName);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
    return relative(ROOT, file);
  });
}
