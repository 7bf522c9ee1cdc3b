/**
 * Logs: one tier or all merged (each line tagged with its tier's name and colour), follow mode, a text search, and
 * the children's structured records (from the receiver) with a severity filter and a link to their trace. ANSI
 * colours are rendered. The list is virtualised: filtering runs over the lines once, then only on new ones.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogRecordView, WireLine } from '../../wire.js';
import { parseAnsi, stripAnsi } from '../ansi.js';
import { href, usePoll, useStore, type Route } from '../hooks.js';
import { tierColor } from '../tier-colors.js';
import { VirtualList } from '../virtual-list.js';

const ROW_HEIGHT = 20;
const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
const TRACE_ID = /\b[0-9a-f]{32}\b/;

/** An output line, or a structured record shown among them. */
type Row = { kind: 'line'; line: WireLine } | { kind: 'record'; record: LogRecordView };

/** The search's matches in a piece of text, marked (a colour and an outline: not colour alone). */
function Marked({ text, needle }: { text: string; needle: string }) {
  if (!needle) return <>{text}</>;
  const lower = text.toLowerCase();
  const parts = [];
  let at = 0;
  for (let hit = lower.indexOf(needle); hit !== -1; hit = lower.indexOf(needle, hit + needle.length)) {
    parts.push(text.slice(at, hit), <mark key={hit}>{text.slice(hit, hit + needle.length)}</mark>);
    at = hit + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

function Text({ text, needle }: { text: string; needle: string }) {
  return (
    <>
      {parseAnsi(text).map((segment, i) => (
        <span key={i} class={segment.classes || undefined} style={segment.color || segment.background ? { color: segment.color, background: segment.background } : undefined}>
          <Marked text={segment.text} needle={needle} />
        </span>
      ))}
    </>
  );
}

function severityRank(severity: string): number {
  const index = SEVERITIES.indexOf(severity.toUpperCase() as (typeof SEVERITIES)[number]);
  return index < 0 ? 2 : index;
}

export function LogsPage({ route }: { route: Route }) {
  const { snapshot, lines, linesVersion, dropped } = useStore();
  const tier = route.params.get('tier') ?? '';
  const [query, setQuery] = useState(route.params.get('q') ?? '');
  const [severity, setSeverity] = useState('');
  const [follow, setFollow] = useState(true);
  const records = usePoll<LogRecordView[]>('/api/log-records', 2000).data ?? [];
  const tierIndex = useMemo(() => new Map((snapshot?.tiers ?? []).map((t, i) => [t.name, i])), [snapshot?.tiers.length]);

  // Matching lines, as indices into `lines`; extended as lines arrive, recomputed when the filter changes.
  const filtered = useRef<{ key: string; dropped: number; scanned: number; hits: number[] }>({ key: '', dropped: 0, scanned: 0, hits: [] });
  const needle = query.trim().toLowerCase();
  const key = `${tier}\u0000${needle}`;
  const state = filtered.current;
  if (state.key !== key || state.dropped !== dropped) filtered.current = { key, dropped, scanned: 0, hits: [] };
  const current = filtered.current;
  for (let i = current.scanned; i < lines.length; i += 1) {
    const line = lines[i]!;
    if (tier && line[1] !== tier) continue;
    if (needle && !stripAnsi(line[4]).toLowerCase().includes(needle)) continue;
    current.hits.push(i);
  }
  current.scanned = lines.length;

  const recordRows: Row[] = records
    .filter((record) => (!tier || record.tier === tier) && (!severity || severityRank(record.severity) >= severityRank(severity)))
    .filter((record) => !needle || record.body.toLowerCase().includes(needle))
    .map((record) => ({ kind: 'record', record }));
  // Structured records only: the severity filter applies to them, and hides plain lines.
  const rows: Row[] | undefined = severity || recordRows.length > 0 ? mergeRows(lines, current.hits, recordRows, Boolean(severity)) : undefined;
  const count = rows ? rows.length : current.hits.length;

  useEffect(() => {
    const params: Record<string, string> = {};
    if (tier) params.tier = tier;
    if (query) params.q = query;
    history.replaceState(null, '', href('logs', params));
  }, [tier, query]);

  const renderRow = (index: number) => {
    const row: Row = rows ? rows[index]! : { kind: 'line', line: lines[current.hits[index]!]! };
    if (row.kind === 'record') {
      const { record } = row;
      return (
        <div class="log-row record" key={`r${index}`} data-severity={record.severity}>
          <TierTag name={record.tier} index={tierIndex.get(record.tier) ?? 0} />
          <span class={`severity severity-${severityRank(record.severity)}`}>{record.severity}</span>
          <span class="text">
            <Marked text={record.body} needle={needle} />
          </span>
          {record.traceId && (
            <a class="trace-link" href={href('traces', { trace: record.traceId, ...(record.spanId ? { span: record.spanId } : {}) })}>
              trace
            </a>
          )}
        </div>
      );
    }
    const [seq, lineTier, stream, at, text] = row.line;
    const traceId = TRACE_ID.exec(text)?.[0];
    return (
      <div class={`log-row${stream === 1 ? ' stderr' : ''}`} key={seq}>
        <time dateTime={new Date(at).toISOString()}>{new Date(at).toLocaleTimeString([], { hour12: false })}</time>
        <TierTag name={lineTier} index={tierIndex.get(lineTier) ?? 0} />
        {stream === 1 && <span class="stream">err</span>}
        <span class="text">
          <Text text={text} needle={needle} />
        </span>
        {traceId && (
          <a class="trace-link" href={href('traces', { trace: traceId })}>
            trace
          </a>
        )}
      </div>
    );
  };

  return (
    <>
      <h1 class="page-title">Logs</h1>
      <form class="toolbar" role="search" onSubmit={(event) => event.preventDefault()}>
        <label for="log-tier">Tier</label>
        <select id="log-tier" value={tier} onChange={(event) => (location.hash = href('logs', { ...(event.currentTarget.value ? { tier: event.currentTarget.value } : {}), ...(query ? { q: query } : {}) }))}>
            <option value="">all tiers (merged)</option>
            {snapshot?.tiers.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name}
              </option>
            ))}
        </select>
        <label for="log-search">Search</label>
        <input id="log-search" type="search" value={query} placeholder="text in the line" onInput={(event) => setQuery(event.currentTarget.value)} />
        <label for="log-severity" title="The severity of structured records (OTLP log records children send); plain lines have none">
          Severity
        </label>
        <select id="log-severity" value={severity} onChange={(event) => setSeverity(event.currentTarget.value)}>
            <option value="">any: all lines</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s} and above
              </option>
            ))}
        </select>
        <label class="check">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.currentTarget.checked)} /> Follow
        </label>
        <span class="count" role="status" aria-live="polite" data-testid="log-count">
          {count.toLocaleString()} {count === 1 ? 'line' : 'lines'}
          {dropped > 0 ? ` (${dropped.toLocaleString()} older lines dropped)` : ''}
        </span>
      </form>
      <VirtualList
        count={count}
        rowHeight={ROW_HEIGHT}
        renderRow={renderRow}
        follow={follow}
        onFollowChange={setFollow}
        label={tier ? `Output of ${tier}` : 'Output of all tiers'}
        version={`${linesVersion}-${key}-${severity}`}
      />
    </>
  );
}

function TierTag({ name, index }: { name: string; index: number }) {
  return (
    <span class="tier-tag" style={{ borderColor: tierColor(index), color: tierColor(index) }}>
      {name}
    </span>
  );
}

/** Lines and records in time order; with a severity filter, records only. */
function mergeRows(lines: WireLine[], hits: number[], records: Row[], recordsOnly: boolean): Row[] {
  if (recordsOnly) return records;
  const out: Row[] = [];
  let r = 0;
  const recordAt = (row: Row | undefined) => (row?.kind === 'record' ? row.record.at : Infinity);
  for (const index of hits) {
    const line = lines[index]!;
    while (r < records.length && recordAt(records[r]) <= line[3]) out.push(records[r++]!);
    out.push({ kind: 'line', line });
  }
  while (r < records.length) out.push(records[r++]!);
  return out;
}
