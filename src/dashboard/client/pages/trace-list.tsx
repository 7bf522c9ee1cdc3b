/**
 * The Traces page's list of the other traces children started, newest first, found by tier, span name, least
 * duration or errors (filtered by the server: trace-search.ts, trace-index.ts), a page of PAGE_SIZE at a time. It
 * is asked again every 2 s, so new traces appear at the top while it is open (as Aspire's do). The filters and the
 * page are in the address (`#/traces?tier=…&name=…&minMs=…&errors=1&page=2`): a reload or a shared link shows the
 * same list, Back undoes a change, and opening a trace keeps them.
 */
import type { TraceList as TraceListView } from '../../wire.js';
import { clock, formatMs } from '../format.js';
import { href, navigate, usePoll, useStore } from '../hooks.js';
import { TableHead } from '../table-head.js';

const PAGE_SIZE = 50;

export interface TraceFilter {
  tier: string;
  name: string;
  minMs: string;
  errors: boolean;
  /** 1: the newest PAGE_SIZE. */
  page: number;
}

export function readTraceFilter(params: URLSearchParams): TraceFilter {
  const page = Number(params.get('page'));
  const minMs = params.get('minMs') ?? '';
  return {
    tier: params.get('tier') ?? '',
    name: params.get('name') ?? '',
    minMs: /^\d+$/.test(minMs) ? minMs : '',
    errors: params.get('errors') === '1',
    page: Number.isInteger(page) && page > 1 ? page : 1,
  };
}

/** The address's parameters for a filter (only what is set). */
export function traceFilterParams(filter: TraceFilter): Record<string, string> {
  const params: Record<string, string> = {};
  if (filter.tier) params.tier = filter.tier;
  if (filter.name) params.name = filter.name;
  if (filter.minMs) params.minMs = filter.minMs;
  if (filter.errors) params.errors = '1';
  if (filter.page > 1) params.page = String(filter.page);
  return params;
}

/** The list's query (the server checks each: trace-search.ts). */
function listPath(filter: TraceFilter): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filter.tier) params.set('tier', filter.tier);
  if (filter.name.trim()) params.set('name', filter.name.trim());
  if (filter.minMs) params.set('minMs', filter.minMs);
  if (filter.errors) params.set('errors', '1');
  if (filter.page > 1) params.set('offset', String((filter.page - 1) * PAGE_SIZE));
  return `/api/traces?${params}`;
}

/** A filter changed: back to the first page; typing replaces the address's entry, a choice adds one. */
function go(trace: string | null, filter: TraceFilter, replace = false): void {
  navigate('traces', { ...traceFilterParams(filter), ...(trace ? { trace } : {}) }, replace);
}

export function TraceFilters({ filter, trace }: { filter: TraceFilter; trace: string | null }) {
  const { snapshot } = useStore();
  const change = (next: Partial<TraceFilter>, replace = false) => go(trace, { ...filter, ...next, page: 1 }, replace);
  return (
    <form class="toolbar" role="search" aria-label="Find a trace" onSubmit={(event) => event.preventDefault()}>
      <label for="trace-tier">Tier</label>
      <select id="trace-tier" value={filter.tier} onChange={(event) => change({ tier: event.currentTarget.value })}>
        <option value="">any tier</option>
        {snapshot?.tiers.map((t) => (
          <option key={t.name} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
      <label for="trace-name">Span name</label>
      <input id="trace-name" type="search" value={filter.name} placeholder="text in a span's name" onInput={(event) => change({ name: event.currentTarget.value }, true)} />
      <label for="trace-min">Took at least (ms)</label>
      <input id="trace-min" type="number" min={0} step={1} value={filter.minMs} onInput={(event) => change({ minMs: event.currentTarget.value }, true)} />
      <label>
        <input type="checkbox" checked={filter.errors} onChange={(event) => change({ errors: event.currentTarget.checked })} /> Errors only
      </label>
    </form>
  );
}

function Paging({ filter, trace, data }: { filter: TraceFilter; trace: string | null; data: TraceListView }) {
  const to = (page: number) => go(trace, { ...filter, page });
  return (
    <div class="paging">
      <button type="button" disabled={filter.page <= 1} onClick={() => to(filter.page - 1)}>
        ← Newer
      </button>
      <button type="button" disabled={data.offset + data.traces.length >= data.matched} onClick={() => to(filter.page + 1)}>
        Older →
      </button>
    </div>
  );
}

/** The other traces, filtered on the server, newest first, one page of them. */
export function TraceList({ filter, current, trace }: { filter: TraceFilter; current: string; trace: string | null }) {
  const { data, error } = usePoll<TraceListView>(listPath(filter), 2000);
  if (!data) return <p>{error ?? 'Loading traces…'}</p>;
  const paged = data.offset > 0 || data.traces.length < data.matched;
  const params = traceFilterParams(filter);
  return (
    <>
      <p role="status" data-testid="trace-count">
        {error ? `${error} · ` : ''}
        {paged ? (data.traces.length > 0 ? `${data.offset + 1}–${data.offset + data.traces.length} of ` : 'none on this page of ') : ''}
        {data.matched} matching of {data.held} traces held
      </p>
      {data.evicted !== undefined && data.evicted > 0 && (
        <p class="hint" data-testid="traces-evicted">
          {data.evicted} older span{data.evicted === 1 ? ' was' : 's were'} let go from memory to make room (receiver.limits): their traces are not
          listed here; the boot's record file keeps them, <code>land trace --all</code> draws them.
        </p>
      )}
      {paged && <Paging filter={filter} trace={trace} data={data} />}
      {data.traces.length > 0 && (
        <div class="table-scroll">
          <table class="trace-list" aria-label="Traces, newest first">
            <TableHead columns={['started', 'trace', 'tiers', 'spans', 'took', 'status']} />
            <tbody>
              {data.traces.map((t) => (
                <tr key={t.traceId} data-trace={t.traceId} data-start={t.startMs} class={`${t.errors > 0 ? 'error' : ''}${t.traceId === current ? ' selected' : ''}`}>
                  <td>{clock(t.startMs)}</td>
                  <th scope="row">
                    <a href={href('traces', { ...params, trace: t.traceId })} aria-current={t.traceId === current ? 'true' : undefined}>
                      {t.root}
                    </a>{' '}
                    <code>{t.traceId.slice(0, 8)}</code>
                  </th>
                  <td>{t.tiers.join(', ')}</td>
                  <td>{t.spans}</td>
                  <td>{formatMs(t.durationMs)}</td>
                  <td>{t.errors > 0 ? <span class="status status-error">⚠ {t.errors} {t.errors === 1 ? 'error' : 'errors'}</span> : t.oks > 0 ? 'ok' : 'unset'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
