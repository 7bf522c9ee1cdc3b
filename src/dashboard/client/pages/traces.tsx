/**
 * Traces: the boot's trace as a waterfall (land.boot → land.spawn <tier> → each child's spans), the details of a span
 * (attributes, events, status), and the other traces children started (trace-list.tsx: live, paged, filtered by the
 * server). Errors are red and say "error" in words. The trace, span and list filters are in the address.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { SpanView } from '../../wire.js';
import { clock, formatMs } from '../format.js';
import { href, usePoll, useStore, type Route } from '../hooks.js';
import { Pairs } from '../pairs.js';
import { TableHead } from '../table-head.js';
import { readTraceFilter, traceFilterParams, TraceFilters, TraceList } from './trace-list.js';

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

function Waterfall({ spans, selected, traceId, params }: { spans: SpanView[]; selected?: string; traceId: string; params: Record<string, string> }) {
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
                <a href={href('traces', { ...params, trace: traceId, span: span.spanId })} aria-current={selected === span.spanId ? 'true' : undefined}>
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
      <Pairs pairs={Object.entries(span.attributes).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)])} label="Attributes" />
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

export function TracesPage({ route }: { route: Route }) {
  const { snapshot } = useStore();
  const filter = readTraceFilter(route.params);
  const params = traceFilterParams(filter);
  const boot = snapshot?.traceId;
  const asked = route.params.get('trace');
  const traceId = asked ?? boot;
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
          <a href={href('traces', params)}>Back to the boot's trace</a>
        </p>
      )}
      {!data ? (
        <p>{error ?? 'Loading spans…'}</p>
      ) : spans.length === 0 ? (
        <p>No spans of this trace yet. land records them with Record=1 (the demo's default); children's OTLP spans arrive through the receiver.</p>
      ) : (
        <div class={selected ? 'split' : undefined}>
          <div class="table-scroll">
            <Waterfall spans={spans} selected={selected?.spanId} traceId={traceId} params={params} />
          </div>
          {selected && <SpanDetail span={selected} />}
        </div>
      )}
      <h2>Other traces</h2>
      <TraceFilters filter={filter} trace={asked} />
      <TraceList filter={filter} current={traceId} trace={asked} />
    </>
  );
}
