/**
 * Traces: the boot's trace as a waterfall (land.boot → land.spawn <tier> → each child's spans), the other traces
 * children started (per tier), and the details of a span (attributes, events, status). Errors are red and say
 * "error" in words.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { SpanView } from '../../wire.js';
import { clock, formatMs } from '../format.js';
import { href, usePoll, type Route } from '../hooks.js';
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

interface TraceSummary {
  traceId: string;
  root: SpanView;
  count: number;
  errors: number;
  durationMs: number;
}

function summarize(spans: SpanView[], bootTrace: string): TraceSummary[] {
  const byTrace = new Map<string, SpanView[]>();
  for (const span of spans) if (span.traceId !== bootTrace) byTrace.set(span.traceId, [...(byTrace.get(span.traceId) ?? []), span]);
  return [...byTrace].map(([traceId, list]) => {
    const ids = new Set(list.map((s) => s.spanId));
    const root = list.find((s) => !s.parentSpanId || !ids.has(s.parentSpanId)) ?? list[0]!;
    const start = Math.min(...list.map((s) => s.startMs));
    return { traceId, root, count: list.length, errors: list.filter((s) => s.status === 'error').length, durationMs: Math.max(...list.map((s) => s.endMs)) - start };
  });
}

export function TracesPage({ route }: { route: Route }) {
  const { data, error } = usePoll<{ traceId: string; spans: SpanView[] }>('/api/spans', 2000);
  if (!data) return <p>{error ?? 'Loading spans…'}</p>;
  const traceId = route.params.get('trace') ?? data.traceId;
  const spans = data.spans.filter((span) => span.traceId === traceId);
  const selected = spans.find((span) => span.spanId === route.params.get('span'));
  const others = summarize(data.spans, data.traceId);
  const tiers = [...new Set(others.map((t) => t.root.tier))].sort();
  return (
    <>
      <h1 class="page-title">
        Traces <span class="sub">{traceId === data.traceId ? 'the boot' : 'a trace of a tier'} · {traceId}</span>
      </h1>
      {traceId !== data.traceId && (
        <p>
          <a href={href('traces')}>Back to the boot's trace</a>
        </p>
      )}
      {spans.length === 0 ? (
        <p>No spans of this trace yet. land records them with Record=1 (the demo's default); children's OTLP spans arrive through the receiver.</p>
      ) : (
        <div class={selected ? 'split' : undefined}>
          <div class="table-scroll">
            <Waterfall spans={spans} selected={selected?.spanId} traceId={traceId} />
          </div>
          {selected && <SpanDetail span={selected} />}
        </div>
      )}
      <h2>Other traces, per tier</h2>
      {others.length === 0 ? (
        <p>None: every span so far belongs to the boot's trace.</p>
      ) : (
        tiers.map((tier) => (
          <section key={tier}>
            <h3>{tier}</h3>
            <ul class="trace-list">
              {others
                .filter((t) => t.root.tier === tier)
                .map((t) => (
                  <li key={t.traceId} class={t.errors > 0 ? 'error' : ''}>
                    <a href={href('traces', { trace: t.traceId })}>{t.root.name}</a> · {t.count} spans · {formatMs(t.durationMs)}
                    {t.errors > 0 ? ` · ⚠ ${t.errors} errors` : ''} · <code>{t.traceId}</code>
                  </li>
                ))}
            </ul>
          </section>
        ))
      )}
    </>
  );
}
