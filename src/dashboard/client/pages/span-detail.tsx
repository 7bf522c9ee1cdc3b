/**
 * A span's details beside the waterfall: its facts, attributes (long values cut, with "Show all"), events (an
 * exception's stack trace as the text it is) and its resource's attributes (asked for separately: a trace's list does
 * not carry them). Links to the logs of its trace.
 */
import { useEffect, useRef } from 'preact/hooks';
import type { SpanEventView, SpanView } from '../../wire.js';
import { clock, formatMs } from '../format.js';
import { href, useEscapeCloses, usePoll } from '../hooks.js';
import { attributePairs, Pairs } from '../pairs.js';
import { shownDuration } from '../running-clock.js';

const EXCEPTION_KEYS = ['exception.type', 'exception.message', 'exception.stacktrace'];

/** An event: an exception as its type, message and stack trace in lines; any other's attributes as pairs. */
function SpanEvent({ event }: { event: SpanEventView }) {
  const attributes = event.attributes ?? {};
  const text = (key: string) => (typeof attributes[key] === 'string' ? (attributes[key] as string) : undefined);
  const stack = event.name === 'exception' ? text('exception.stacktrace') : undefined;
  const heading = event.name === 'exception' ? [text('exception.type'), text('exception.message')].filter(Boolean).join(': ') : '';
  const rest = Object.fromEntries(Object.entries(attributes).filter(([key]) => event.name !== 'exception' || !EXCEPTION_KEYS.includes(key)));
  return (
    <li class="span-event">
      {clock(event.timeMs)} <b>{event.name}</b>
      {heading && <span class="error"> {heading}</span>}
      {stack && (
        <pre class="stack" aria-label="Stack trace">
          {stack}
        </pre>
      )}
      {Object.keys(rest).length > 0 && <Pairs pairs={attributePairs(rest)} label={`Attributes of event ${event.name}`} />}
    </li>
  );
}

/** `now`: the page's clock while the span runs (running-clock.ts); `close`: the trace's address without the span. */
export function SpanDetail({ span, now, close }: { span: SpanView; now?: number; close: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEscapeCloses(close);
  useEffect(() => heading.current?.focus(), [span.spanId]);
  // The whole span once: a span does not change, the boot's running root is not in the receiver (404: none shown).
  const whole = usePoll<SpanView>(`/api/spans/${span.spanId}?trace=${span.traceId}`, 3_600_000).data;
  const resource = whole?.spanId === span.spanId ? whole.resource : undefined;
  return (
    <section class="detail" aria-labelledby="span-title">
      <div class="detail-head">
        <h2 id="span-title" tabIndex={-1} ref={heading}>
          {span.name}
        </h2>
        <a href={close} aria-label="Close the span's detail" title="Close (Esc)">
          Close
        </a>
      </div>
      <dl class="facts">
        <dt>status</dt>
        <dd class={span.status === 'error' ? 'error' : ''}>
          {span.running ? 'running' : span.cutShort ? 'cut short' : span.status}
          {span.statusMessage ? ` — ${span.statusMessage}` : ''}
        </dd>
        <dt>tier · service</dt>
        <dd>
          {span.tier} · {span.service}
        </dd>
        <dt>started · took</dt>
        <dd>
          {clock(span.startMs)} · {formatMs(shownDuration(span, now))}
        </dd>
        <dt>trace · span · parent</dt>
        <dd>
          <code>{span.traceId}</code> · <code>{span.spanId}</code> · <code>{span.parentSpanId ?? '-'}</code>
        </dd>
      </dl>
      <p>
        <a href={href('logs', { trace: span.traceId })}>Logs of this trace</a>
      </p>
      <h3>Attributes</h3>
      <Pairs pairs={attributePairs(span.attributes)} label="Attributes" />
      {span.events && span.events.length > 0 && (
        <>
          <h3>Events</h3>
          <ul class="span-events">
            {span.events.map((event, i) => (
              <SpanEvent key={i} event={event} />
            ))}
          </ul>
        </>
      )}
      {resource && (
        <>
          <h3>Resource</h3>
          <Pairs pairs={attributePairs(resource)} label="Resource attributes" />
        </>
      )}
    </section>
  );
}
