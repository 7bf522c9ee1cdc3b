/**
 * Traces: the boot's trace as a waterfall (land.boot → land.spawn <tier> → each child's spans), the details of a span
 * (attributes, events, status), and the other traces children started, newest first, found by tier, span name,
 * least duration or errors (filtered by the server: trace-search.ts). Errors are red and say "error" in words.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { SpanView, TraceList } from '../../wire.js';
import { clock, formatMs } from '../format.js';
import { href, usePoll, useStore, type Route } from '../hooks.js';
import { TableHead } from '../table-head.js';

interface Node {
  span: SpanView;
  depth: number;
  children: Node[];
}

/** Depth-first rows of a trace: children under their parent, by start time; orphans as roots. */
function flatten(spans: SpanView[]): Node[] {
  const nodes = new Map(spans.map((span) => [span.spanId, { span, depth: 0, children: [] as Node[] }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const out: Node[] = [];
  const walk = (list: Node[], depth: number) => {
    list.sort((a, b) => a.span.startMs - b.span.startMs);
    for (const node of list) {
      node.depth = depth;
      out.push(node);
      walk(node.children, depth + 1);
    }
  };
  walk(roots, 0);
  return out;
}

function Waterfall({ spans, selected, traceId }: { spans: SpanView[]; selected?: string; traceId: string }) {
  const rows = flatten(spans);
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const total = Math.max(1, end - start);
  return (
    <table class="waterfall" aria-label={`Spans of trace ${traceId}`}>
      <TableHead columns={['span', 'tier', `timeline (${formatMs(total)})`, 'took', 'status']} />
      <tbody>
        {rows.map(({ span, depth }) => {
          const left = ((span.startMs - start) / total) * 100;
          const width = Math.max(0.3, ((span.endMs - span.startMs) / total) * 100);
          return (
            <tr
              key={span.spanId}
              class={`${span.status === 'error' ? 'error' : ''}${selected === span.spanId ? ' selected' : ''}`}
              data-span={span.name}
              data-span-id={span.spanId}
              data-parent-id={span.parentSpanId ?? ''}
              data-depth={depth}
            >
              <th scope="row" style={{ paddingLeft: `${0.5 + depth * 1.2}rem` }}>
                <a href={href('traces', { trace: traceId, span: span.spanId })} aria-current={selected === span.spanId ? 'true' : undefined}>
                  {span.name}
                </a>
              </th>
              <td>{span.tier}</td>
              <td class="timeline">
                <span class={`bar status-${span.status}${span.running ? ' running' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />
              </td>
              <td>{span.running ? `${formatMs(span.durationMs)}…` : formatMs(span.durationMs)}</td>
              <td>
                <span class={`status status-${span.status}`}>{span.running ? 'running' : span.status === 'error' ? '⚠ error' : span.status}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SpanDetail({ span }: { span: SpanView }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [span.spanId]);
  return (
    <section class="detail" aria-labelledby="span-title">
      <h2 id="span-title" tabIndex={-1} ref={heading}>
        {span.name}
      </h2>
      <dl class="facts">
        <dt>status</dt>
        <dd class={span.status === 'error' ? 'error' : ''}>
          {span.running ? 'running' : span.status}
          {span.statusMessage ? ` — ${span.statusMessage}` : ''}
        </dd>
        <dt>tier · service</dt>
        <dd>
          {span.tier} · {span.service}
        </dd>
        <dt>started · took</dt>
        <dd>
          {clock(span.startMs)} · {formatMs(span.durationMs)}
        </dd>
        <dt>trace · span · parent</dt>
        <dd>
          <code>{span.traceId}</code> · <code>{span.spanId}</code> · <code>{span.parentSpanId ?? '-'}</code>
        </dd>
      </dl>
      <h3>Attributes</h3>
      {Object.keys(span.attributes).length === 0 && <p>none</p>}
      <table class="env">
        <tbody>
          {Object.entries(span.attributes).map(([key, value]) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td>
                <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {span.events && span.events.length > 0 && (
        <>
          <h3>Events</h3>
          <ul>
            {span.events.map((event, i) => (
              <li key={i}>
                {clock(event.timeMs)} <b>{event.name}</b> {event.attributes ? <code>{JSON.stringify(event.attributes)}</code> : null}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

interface Filter {
  tier: string;
  name: string;
  minMs: string;
  errors: boolean;
}

/** The list's query: only what is set (the server checks each: trace-search.ts). */
function listPath(filter: Filter): string {
  const params = new URLSearchParams();
  if (filter.tier) params.set('tier', filter.tier);
  if (filter.name.trim()) params.set('name', filter.name.trim());
  if (filter.minMs) params.set('minMs', filter.minMs);
  if (filter.errors) params.set('errors', '1');
  const query = params.toString();
  return `/api/traces${query ? `?${query}` : ''}`;
}

function TraceFilters({ filter, onChange }: { filter: Filter; onChange: (filter: Filter) => void }) {
  const { snapshot } = useStore();
  return (
    <form class="toolbar" role="search" aria-label="Find a trace" onSubmit={(event) => event.preventDefault()}>
      <label for="trace-tier">Tier</label>
      <select id="trace-tier" value={filter.tier} onChange={(event) => onChange({ ...filter, tier: event.currentTarget.value })}>
        <option value="">any tier</option>
        {snapshot?.tiers.map((t) => (
          <option key={t.name} value={t.name}>
            {t.name}
          </option>
        ))}
      </select>
      <label for="trace-name">Span name</label>
      <input id="trace-name" type="search" value={filter.name} placeholder="text in a span's name" onInput={(event) => onChange({ ...filter, name: event.currentTarget.value })} />
      <label for="trace-min">Took at least (ms)</label>
      <input id="trace-min" type="number" min={0} step={1} value={filter.minMs} onInput={(event) => onChange({ ...filter, minMs: event.currentTarget.value })} />
      <label>
        <input type="checkbox" checked={filter.errors} onChange={(event) => onChange({ ...filter, errors: event.currentTarget.checked })} /> Errors only
      </label>
    </form>
  );
}

/** The other traces, filtered on the server, newest first. */
function TraceList({ filter, current }: { filter: Filter; current: string }) {
  const { data, error } = usePoll<TraceList>(listPath(filter), 2000);
  if (!data) return <p>{error ?? 'Loading traces…'}</p>;
  return (
    <>
      <p role="status" data-testid="trace-count">
        {error ? `${error} · ` : ''}
        {data.traces.length < data.matched ? `newest ${data.traces.length} of ` : ''}
        {data.matched} matching of {data.held} traces held
      </p>
      {data.traces.length > 0 && (
        <div class="table-scroll">
          <table class="trace-list" aria-label="Traces, newest first">
            <TableHead columns={['started', 'trace', 'tiers', 'spans', 'took', 'status']} />
            <tbody>
              {data.traces.map((t) => (
                <tr key={t.traceId} data-trace={t.traceId} data-start={t.startMs} class={`${t.errors > 0 ? 'error' : ''}${t.traceId === current ? ' selected' : ''}`}>
                  <td>{clock(t.startMs)}</td>
                  <th scope="row">
                    <a href={href('traces', { trace: t.traceId })} aria-current={t.traceId === current ? 'true' : undefined}>
                      {t.root}
                    </a>{' '}
                    <code>{t.traceId.slice(0, 8)}</code>
                  </th>
                  <td>{t.tiers.join(', ')}</td>
                  <td>{t.spans}</td>
                  <td>{formatMs(t.durationMs)}</td>
                  <td>{t.errors > 0 ? <span class="status status-error">⚠ {t.errors} errors</span> : 'ok'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function TracesPage({ route }: { route: Route }) {
  const { snapshot } = useStore();
  const [filter, setFilter] = useState<Filter>({ tier: '', name: '', minMs: '', errors: false });
  const boot = snapshot?.traceId;
  const traceId = route.params.get('trace') ?? boot;
  const { data, error } = usePoll<{ traceId: string; spans: SpanView[] }>(traceId ? `/api/spans?trace=${encodeURIComponent(traceId)}` : null, 2000);
  if (!traceId) return <p>Connecting to the stack…</p>;
  const spans = data?.spans ?? [];
  const selected = spans.find((span) => span.spanId === route.params.get('span'));
  return (
    <>
      <h1 class="page-title">
        Traces <span class="sub">{traceId === boot ? 'the boot' : 'a trace of a tier'} · {traceId}</span>
      </h1>
      {traceId !== boot && (
        <p>
          <a href={href('traces')}>Back to the boot's trace</a>
        </p>
      )}
      {!data ? (
        <p>{error ?? 'Loading spans…'}</p>
      ) : spans.length === 0 ? (
        <p>No spans of this trace yet. land records them with Record=1 (the demo's default); children's OTLP spans arrive through the receiver.</p>
      ) : (
        <div class={selected ? 'split' : undefined}>
          <div class="table-scroll">
            <Waterfall spans={spans} selected={selected?.spanId} traceId={traceId} />
          </div>
          {selected && <SpanDetail span={selected} />}
        </div>
      )}
      <h2>Other traces</h2>
      <TraceFilters filter={filter} onChange={setFilter} />
      <TraceList filter={filter} current={traceId} />
    </>
  );
}
