/**
 * Traces: the boot's trace as a waterfall (land.boot → land.spawn <tier> → each child's spans; waterfall.tsx), the
 * details of a span (attributes, events, status), and the other traces children started (trace-list.tsx: live, paged, filtered by the
 * server). Errors are red and say "error" in words. The trace, span and list filters are in the address.
 */
import { useMemo } from 'preact/hooks';
import { href, useStore, type Route } from '../hooks.js';
import { useRunningClock } from '../running-clock.js';
import { rootAfterStop } from '../stopped-root.js';
import { useTrace } from '../trace-poll.js';
import { SpanDetail } from './span-detail.js';
import { readTraceFilter, traceFilterParams, TraceFilters, TraceList } from './trace-list.js';
import { Waterfall } from './waterfall.js';

export function TracesPage({ route }: { route: Route }) {
  const { snapshot, stopped } = useStore();
  const filter = readTraceFilter(route.params);
  const params = traceFilterParams(filter);
  const boot = snapshot?.traceId;
  const asked = route.params.get('trace');
  const traceId = asked ?? boot;
  const { data, error, complete, check } = useTrace(traceId);
  const shutDown = snapshot?.shuttingDown === true;
  const spans = useMemo(() => rootAfterStop(data?.spans ?? [], stopped, shutDown), [data, stopped, shutDown]);
  const now = useRunningClock(spans.some((span) => span.running));
  if (!traceId) return <p>Connecting to the stack…</p>;
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
          <Waterfall spans={spans} selected={selected?.spanId} traceId={traceId} params={params} now={now} />
          {selected && <SpanDetail span={selected} now={now} close={href('traces', { ...params, trace: traceId })} />}
        </div>
        </>
      )}
      <h2>Other traces</h2>
      <TraceFilters filter={filter} trace={asked} />
      <TraceList filter={filter} current={traceId} trace={asked} />
    </>
  );
}
