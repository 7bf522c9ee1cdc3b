/**
 * Logs: every tier's output merged (each line tagged with its tier's name and colour) with the children's
 * structured records (from the receiver) in time order, as Aspire's structured logs page filters them: by tiers,
 * streams, text, least severity and attributes (log-filters.ts; all in the address, so a reload or a shared link
 * shows the same view and Back undoes a change). A row opens its detail beside the list (log-detail.tsx). ANSI
 * colours are rendered. The list is virtualised; the history loads page by page behind the newest lines (older ones
 * are placeholders until they arrive), and a filter matches lines within a budget per frame (line-filter.ts); the
 * records are filtered by the server, which holds them (`/api/log-records`).
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { LogRecordList, LogRecordView, WireLine } from '../../wire.js';
import { href, navigate, usePoll, useStore, type Route } from '../hooks.js';
import { LineFilter, type FilterView } from '../line-filter.js';
import { lineMatcher, logParams, readLogFilters, readSelection, recordsPath, showsLines, type LogFilters } from '../log-filters.js';
import type { LinesState } from '../log-lines.js';
import { MergedRows } from '../merged-rows.js';
import { store } from '../store.js';
import { VirtualList } from '../virtual-list.js';
import { LineDetail, RecordDetail } from './log-detail.js';
import { LineRow, PendingRow, RecordRow } from './log-rows.js';
import { LogToolbar } from './log-toolbar.js';

const ROW_HEIGHT = 20;

/** An output line, or a structured record shown among them. */
type Row = { kind: 'line'; line: WireLine } | { kind: 'record'; record: LogRecordView };

/** What the list shows, row by row: a line, a record, or (undefined) an older line still loading. */
interface Listing {
  count: number;
  row(index: number): Row | undefined;
}

/** Unfiltered: every line. Filtered: the matching lines, merged with records in time order; no lines: records only. */
function listing(log: LinesState, view: FilterView | undefined, records: LogRecordView[], lines: boolean): Listing {
  const { firstSeq, older } = log;
  const lineAt = (seq: number): Row => ({ kind: 'line', line: log.lines[seq - firstSeq]! });
  if (!lines) return { count: records.length, row: (i) => ({ kind: 'record', record: records[i]! }) };
  if (!view) return { count: older + log.lines.length, row: (i) => (i < older ? undefined : { kind: 'line', line: log.lines[i - older]! }) };
  const { hits } = view;
  if (records.length === 0) return { count: hits.length, row: (i) => lineAt(hits[i]!) };
  const merged = new MergedRows(hits, (seq) => log.lines[seq - firstSeq]![3], records);
  return {
    count: merged.count,
    row(i) {
      const at = merged.at(i);
      return 'record' in at ? { kind: 'record', record: at.record } : lineAt(at.seq);
    },
  };
}

/** A click on a row that is not on a link or button (nor the end of selecting its text) opens its detail. */
function openRow(event: MouseEvent): void {
  const target = event.target as Element;
  if (target.closest('a, button') || (getSelection()?.toString() ?? '') !== '') return;
  const open = target.closest<HTMLElement>('[data-open]')?.dataset.open;
  if (open) location.hash = open;
}

export function LogsPage({ route }: { route: Route }) {
  const { snapshot, log } = useStore();
  const filters = useMemo(() => readLogFilters(route.params), [route.params]);
  const selection = readSelection(route.params);
  const [follow, setFollow] = useState(true);
  const [, setFrame] = useState(0);
  const path = recordsPath(filters);
  const answer = usePoll<LogRecordList>(path, 2000).data;
  // In time order, as they are merged among the lines (the store keeps them in arrival order).
  const records = useMemo(() => (path && answer ? [...answer.records].sort((a, b) => a.at - b.at) : []), [path, answer]);
  const tierIndex = useMemo(() => new Map((snapshot?.tiers ?? []).map((t, i) => [t.name, i])), [snapshot?.tiers.length]);
  const filter = useRef(new LineFilter());
  useEffect(() => store.loadHistory(), []);

  const needle = filters.q.trim().toLowerCase();
  const lines = showsLines(filters);
  const lineFiltered = filters.tiers.length > 0 || filters.streams.length > 0 || needle !== '';
  const key = JSON.stringify([filters.tiers, filters.streams, needle]);
  // Lines are matched when a filter asks, or to merge records among them (every line then matches).
  const view = lines && (lineFiltered || records.length > 0) ? filter.current.update(log, key, lineMatcher(filters, needle)) : undefined;
  const list = listing(log, view, records, lines);
  const complete = !lines || (log.loaded && log.older === 0 && (view?.complete ?? true));

  // Matching older lines goes on in the next frame (a budget per frame keeps the page responsive).
  useEffect(() => {
    if (view?.complete !== false) return;
    const frame = requestAnimationFrame(() => setFrame((n) => n + 1));
    return () => cancelAnimationFrame(frame);
  });

  const base = logParams(filters);
  const go = (next: LogFilters, replace = false) => navigate('logs', logParams(next, selection), replace);
  const renderRow = (index: number) => {
    const row = list.row(index);
    if (!row) return <PendingRow key={`p${index}`} />;
    if (row.kind === 'record') {
      const { id } = row.record;
      return <RecordRow key={`r${id}`} record={row.record} needle={needle} tierIndex={tierIndex} open={href('logs', [...base, ['record', String(id)]])} selected={selection.record === id} />;
    }
    const seq = row.line[0];
    return <LineRow key={seq} line={row.line} needle={needle} tierIndex={tierIndex} open={href('logs', [...base, ['line', String(seq)]])} selected={selection.line === seq} />;
  };

  const close = href('logs', base);
  const detail =
    selection.record !== undefined ? (
      <RecordDetail id={selection.record} close={close} />
    ) : selection.line !== undefined ? (
      <LineDetail seq={selection.line} line={log.lines[selection.line - log.firstSeq]} close={close} />
    ) : undefined;
  const recordsLeft = answer && path ? answer.matched - answer.records.length : 0;

  return (
    <>
      <h1 class="page-title">Logs</h1>
      <LogToolbar filters={filters} go={go} tiers={(snapshot?.tiers ?? []).map((t) => t.name)} follow={follow} onFollow={setFollow}>
        <LogCount log={log} count={list.count} complete={complete} filtered={lineFiltered || !lines || records.length > 0} recordsLeft={recordsLeft} />
      </LogToolbar>
      <OlderOnDisk tiers={log.olderOnDisk.filter((tier) => filters.tiers.length === 0 || filters.tiers.includes(tier))} bootId={snapshot?.bootId} />
      <div class={detail ? 'split' : undefined}>
        <div class="log-list" onClick={openRow}>
          <VirtualList
            count={list.count}
            rowHeight={ROW_HEIGHT}
            renderRow={renderRow}
            follow={follow}
            onFollowChange={setFollow}
            label={filters.tiers.length > 0 ? `Output of ${filters.tiers.join(', ')}` : 'Output of all tiers'}
            version={`${log.version}-${key}-${filters.severity}-${filters.attrs.join('\u0000')}-${filters.trace}-${records.length}`}
            prepended={view?.prepended ?? 0}
          />
        </div>
        {detail}
      </div>
    </>
  );
}

/** Where a tier's older lines are when the page does not hold them: its log file, which `land logs` reads. */
function OlderOnDisk({ tiers, bootId }: { tiers: string[]; bootId?: string }) {
  if (tiers.length === 0) return null;
  const one = tiers.length === 1 ? tiers[0]! : '<tier>';
  return (
    <p class="hint" data-testid="older-on-disk">
      Older lines of {tiers.join(', ')} are not held here (the dashboard keeps each tier's newest 1 000 from before it opened, and 100 000 in all): all of
      them are in <code>land logs {one}</code> and <code>.land/logs/{bootId ?? '<boot id>'}/{one}.log</code>.
    </p>
  );
}

/** How many lines are listed, and whether older ones are still loading or being searched. */
function LogCount({ log, count, complete, filtered, recordsLeft }: { log: LinesState; count: number; complete: boolean; filtered: boolean; recordsLeft: number }) {
  const { loaded, older, dropped } = log;
  return (
    <span class="count" role="status" aria-live="polite" data-testid="log-count" data-count={count} data-complete={String(complete)}>
      {!loaded ? 'loading…' : `${count.toLocaleString()} ${count === 1 ? 'line' : 'lines'}`}
      {complete || !loaded ? '' : filtered ? ' · searching older lines…' : ` · loading ${older.toLocaleString()} older…`}
      {dropped > 0 ? ` (${dropped.toLocaleString()} older lines dropped)` : ''}
      {recordsLeft > 0 ? ` (${recordsLeft.toLocaleString()} older matching records not listed: narrow the filter)` : ''}
    </span>
  );
}
