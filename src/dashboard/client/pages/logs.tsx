/**
 * Logs: one tier or all merged (each line tagged with its tier's name and colour), follow mode, a text search, and
 * the children's structured records (from the receiver) with a severity filter and a link to their trace. ANSI
 * colours are rendered. The list is virtualised; the history loads page by page behind the newest lines (older ones
 * are placeholders until they arrive), and a filter matches within a budget per frame (line-filter.ts).
 */
import { memo } from 'preact/compat';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogRecordView, WireLine } from '../../wire.js';
import { parseAnsi, stripAnsi } from '../ansi.js';
import { clock } from '../format.js';
import { href, usePoll, useStore, type Route } from '../hooks.js';
import { LineFilter, type FilterView } from '../line-filter.js';
import { MergedRows } from '../merged-rows.js';
import type { LinesState } from '../log-lines.js';
import { store } from '../store.js';
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

/** What the list shows, row by row: a line, a record, or (undefined) an older line still loading. */
interface Listing {
  count: number;
  row(index: number): Row | undefined;
}

/** Records that pass the tier, severity and text filter, in time order. */
function matchingRecords(records: LogRecordView[], tier: string, severity: string, needle: string): LogRecordView[] {
  return records
    .filter((record) => (!tier || record.tier === tier) && (!severity || severityRank(record.severity) >= severityRank(severity)))
    .filter((record) => !needle || record.body.toLowerCase().includes(needle))
    .sort((a, b) => a.at - b.at);
}

/** Unfiltered: every line. Filtered: the matching lines, merged with records in time order; a severity: records only. */
function listing(log: LinesState, view: FilterView | undefined, records: LogRecordView[], severity: string): Listing {
  const { lines, firstSeq, older } = log;
  const lineAt = (seq: number): Row => ({ kind: 'line', line: lines[seq - firstSeq]! });
  if (severity) return { count: records.length, row: (i) => ({ kind: 'record', record: records[i]! }) };
  if (!view) return { count: older + lines.length, row: (i) => (i < older ? undefined : { kind: 'line', line: lines[i - older]! }) };
  const { hits } = view;
  if (records.length === 0) return { count: hits.length, row: (i) => lineAt(hits[i]!) };
  const merged = new MergedRows(hits, (seq) => lines[seq - firstSeq]![3], records);
  return {
    count: merged.count,
    row(i) {
      const at = merged.at(i);
      return 'record' in at ? { kind: 'record', record: at.record } : lineAt(at.seq);
    },
  };
}

export function LogsPage({ route }: { route: Route }) {
  const { snapshot, log } = useStore();
  const { older } = log;
  const tier = route.params.get('tier') ?? '';
  const [query, setQuery] = useState(route.params.get('q') ?? '');
  const [severity, setSeverity] = useState('');
  const [follow, setFollow] = useState(true);
  const [, setFrame] = useState(0);
  const records = usePoll<LogRecordView[]>('/api/log-records', 2000).data ?? [];
  const tierIndex = useMemo(() => new Map((snapshot?.tiers ?? []).map((t, i) => [t.name, i])), [snapshot?.tiers.length]);
  const filter = useRef(new LineFilter());
  useEffect(() => store.loadHistory(), []);

  const needle = query.trim().toLowerCase();
  const key = `${tier}\u0000${needle}`;
  const recordRows = useMemo(() => matchingRecords(records, tier, severity, needle), [records, tier, severity, needle]);
  const filtered = tier !== '' || needle !== '' || severity !== '' || recordRows.length > 0;
  // With a severity, only records are listed: no line needs matching.
  const view = filtered && !severity
    ? filter.current.update(log, key, (line) => (!tier || line[1] === tier) && (!needle || stripAnsi(line[4]).toLowerCase().includes(needle)))
    : undefined;
  const list = listing(log, view, recordRows, severity);
  const complete = log.loaded && older === 0 && (view?.complete ?? true);

  // Matching older lines goes on in the next frame (a budget per frame keeps the page responsive).
  useEffect(() => {
    if (view?.complete !== false) return;
    const frame = requestAnimationFrame(() => setFrame((n) => n + 1));
    return () => cancelAnimationFrame(frame);
  });

  useEffect(() => {
    const params: Record<string, string> = {};
    if (tier) params.tier = tier;
    if (query) params.q = query;
    history.replaceState(null, '', href('logs', params));
  }, [tier, query]);

  const renderRow = (index: number) => {
    const row = list.row(index);
    if (!row) return <PendingRow key={`p${index}`} />;
    return row.kind === 'record' ? (
      <RecordRow key={`r${index}`} record={row.record} needle={needle} tierIndex={tierIndex} />
    ) : (
      <LineRow key={row.line[0]} line={row.line} needle={needle} tierIndex={tierIndex} />
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
        <LogCount log={log} count={list.count} complete={complete} filtered={filtered} />
      </form>
      <VirtualList
        count={list.count}
        rowHeight={ROW_HEIGHT}
        renderRow={renderRow}
        follow={follow}
        onFollowChange={setFollow}
        label={tier ? `Output of ${tier}` : 'Output of all tiers'}
        version={`${log.version}-${key}-${severity}`}
        prepended={view?.prepended ?? 0}
      />
    </>
  );
}

/** How many lines are listed, and whether older ones are still loading or being searched. */
function LogCount({ log, count, complete, filtered }: { log: LinesState; count: number; complete: boolean; filtered: boolean }) {
  const { loaded, older, dropped } = log;
  return (
    <span class="count" role="status" aria-live="polite" data-testid="log-count" data-count={count} data-complete={String(complete)}>
      {!loaded ? 'loading…' : `${count.toLocaleString()} ${count === 1 ? 'line' : 'lines'}`}
      {complete || !loaded ? '' : filtered ? ' · searching older lines…' : ` · loading ${older.toLocaleString()} older…`}
      {dropped > 0 ? ` (${dropped.toLocaleString()} older lines dropped)` : ''}
    </span>
  );
}

function PendingRow() {
  return (
    <div class="log-row pending" aria-hidden="true">
      loading…
    </div>
  );
}

function RecordRow({ record, needle, tierIndex }: { record: LogRecordView; needle: string; tierIndex: Map<string, number> }) {
  return (
    <div class="log-row record" data-severity={record.severity}>
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

/** A row is drawn again only when its line, the search or the tiers change (not for every page of lines). */
const LineRow = memo(function LineRow({ line, needle, tierIndex }: { line: WireLine; needle: string; tierIndex: Map<string, number> }) {
  const [seq, lineTier, stream, at, text] = line;
  const traceId = TRACE_ID.exec(text)?.[0];
  return (
    <div class={`log-row${stream === 1 ? ' stderr' : ''}`} data-seq={seq}>
      <time dateTime={new Date(at).toISOString()}>{clock(at)}</time>
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
});

function TierTag({ name, index }: { name: string; index: number }) {
  return (
    <span class="tier-tag" style={{ borderColor: tierColor(index), color: tierColor(index) }}>
      {name}
    </span>
  );
}
