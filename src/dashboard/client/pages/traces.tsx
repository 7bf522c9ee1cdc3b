/**
 * Traces: the boot's trace as a waterfall (land.boot → land.spawn <tier> → each child's spans), the details of a span
 * (attributes, events, status), and the other traces children started (trace-list.tsx: live, paged, filtered by the
 * server). Errors are red and say "error" in words. The trace, span and list filters are in the address.
 */
import { useEffect, useState } from 'preact/hooks';
import type { SpanView } from '../../wire.js';
import { formatMs } from '../format.js';
import { href, useStore, type Route } from '../hooks.js';
import { useTrace } from '../trace-poll.js';
import { SpanDetail } from './span-detail.js';
import { TableHead } from '../table-head.js';
import { readTraceFilter, traceFilterParams, TraceFilters, TraceList } from './trace-list.js';

interface Node {
  span: SpanView;
  depth: number;
  children: Node[];
  /** Spans under it, at any depth. */
  below: number;
}

/**
 * Depth-first rows of a trace: children under their parent, by start time; orphans as roots. The spans under a
 * collapsed one are left out (their count stays on it).
 */
function flatten(spans: SpanView[], collapsed: ReadonlySet<string>): Node[] {
  const nodes = new Map(spans.map((span) => [span.spanId, { span, depth: 0, children: [] as Node[], below: 0 }]));
  const roots: Node[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const out: Node[] = [];
  const walk = (list: Node[], depth: number, shown: boolean): number => {
    list.sort((a, b) => a.span.startMs - b.span.startMs);
    let count = 0;
    for (const node of list) {
      node.depth = depth;
      if (shown) out.push(node);
      node.below = walk(node.children, depth + 1, shown && !collapsed.has(node.span.spanId));
      count += 1 + node.below;
    }
    return count;
  };
  walk(roots, 0, true);
  return out;
}

/** The button that folds a span's subtree away and back (a real button: Tab, Enter and Space reach it). */
function Fold({ node, open, toggle }: { node: Node; open: boolean; toggle: (spanId: string) => void }) {
  if (node.children.length === 0) return <span class="fold-space" aria-hidden="true" />;
  return (
    <button
      type="button"
      class="fold"
      aria-expanded={open}
      aria-label={`${open ? 'Collapse' : 'Expand'} ${node.span.name} (${node.below} spans under it)`}
      onClick={() => toggle(node.span.spanId)}
    >
      {open ? '▾' : '▸'}
    </button>
  );
}

function Waterfall({ spans, selected, traceId, params }: { spans: SpanView[]; selected?: string; traceId: string; params: Record<string, string> }) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setCollapsed(new Set()), [traceId]);
  const toggle = (spanId: string) =>
    setCollapsed((previous) => {
      const next = new Set(previous);
      if (!next.delete(spanId)) next.add(spanId);
      return next;
    });
  const rows = flatten(spans, collapsed);
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const total = Math.max(1, end - start);
  return (
    <table class="waterfall" aria-label={`Spans of trace ${traceId}`}>
      <TableHead columns={['span', 'tier', `timeline (${formatMs(total)})`, 'took', 'status']} />
      <tbody>
        {rows.map((node) => {
          const { span, depth } = node;
          const open = !collapsed.has(span.spanId);
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
              data-below={node.below}
            >
              <th scope="row" style={{ paddingLeft: `${0.2 + depth * 1.2}rem` }}>
                <Fold node={node} open={open} toggle={toggle} />
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

export function TracesPage({ route }: { route: Route }) {
  const { snapshot } = useStore();
  const filter = readTraceFilter(route.params);
  const params = traceFilterParams(filter);
  const boot = snapshot?.traceId;
  const asked = route.params.get('trace');
  const traceId = asked ?? boot;
  const { data, error, complete, check } = useTrace(traceId);
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
        <>
        <p class="hint" data-testid="trace-freshness">
          {spans.length} spans ·{' '}
          {complete ? (
            <>
              complete: no new spans for a while, not refreshed any more{' '}
              <button type="button" onClick={check}>
                Check for new spans
              </button>
            </>
          ) : (
            'live'
          )}{' '}
          · <a href={href('logs', { trace: traceId })}>Logs of this trace</a>
        </p>
        <div class={selected ? 'split' : undefined}>
          <div class="table-scroll">
            <Waterfall spans={spans} selected={selected?.spanId} traceId={traceId} params={params} />
          </div>
          {selected && <SpanDetail span={selected} />}
        </div>
        </>
      )}
      <h2>Other traces</h2>
      <TraceFilters filter={filter} trace={asked} />
      <TraceList filter={filter} current={traceId} trace={asked} />
    </>
  );
}
