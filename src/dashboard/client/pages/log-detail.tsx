/**
 * A log row's detail beside the list (as Aspire's structured logs page has it): an output line's whole text, tier,
 * time and stream; a structured record's body, severity, service, trace and span (a link to the trace on the Traces
 * page), and every attribute and resource attribute as the server masked them (`/api/log-records/<id>`, mask.ts).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LogRecordDetail, WireLine } from '../../wire.js';
import { getJson } from '../api.js';
import { clock } from '../format.js';
import { href, useEscapeCloses } from '../hooks.js';
import { Pairs } from '../pairs.js';
import { namedTrace, Text } from './log-rows.js';

function When({ at }: { at: number }) {
  const iso = new Date(at).toISOString();
  return (
    <>
      <time dateTime={iso}>{clock(at)}</time> <span class="hint">{iso}</span>
    </>
  );
}

function Fact({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

function DetailBox({ title, close, children }: { title: string; close: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus({ preventScroll: true }), [title]);
  useEscapeCloses(close);
  return (
    <section class="detail log-detail" aria-labelledby="log-detail-title" data-testid="log-detail">
      <div class="detail-head">
        <h2 id="log-detail-title" tabIndex={-1} ref={heading}>
          {title}
        </h2>
        <a href={close} title="Close (Esc)">
          Close
        </a>
      </div>
      {children}
    </section>
  );
}

export function LineDetail({ seq, line, close }: { seq: number; line: WireLine | undefined; close: string }) {
  if (!line) {
    return (
      <DetailBox title={`Line ${seq}`} close={close}>
        <p>This line is not on this page: still loading, or older than what the page keeps.</p>
      </DetailBox>
    );
  }
  const [, tier, stream, at, text] = line;
  const traceId = namedTrace(text);
  return (
    <DetailBox title={`Line ${seq} of ${tier}`} close={close}>
      <dl class="facts">
        <Fact name="tier">{tier}</Fact>
        <Fact name="time">
          <When at={at} />
        </Fact>
        <Fact name="stream">{stream === 1 ? 'stderr' : 'stdout'}</Fact>
        {traceId && (
          <Fact name="trace">
            <a href={href('traces', { trace: traceId })}>{traceId}</a>
          </Fact>
        )}
      </dl>
      <h3>Content</h3>
      <pre class="log-content" data-testid="log-content">
        <Text text={text} needle="" />
      </pre>
    </DetailBox>
  );
}

function RecordFacts({ record }: { record: LogRecordDetail }) {
  return (
    <dl class="facts">
      <Fact name="tier · service">
        {record.tier} · {record.service}
      </Fact>
      <Fact name="received">
        <When at={record.at} />
      </Fact>
      <Fact name="time (sender's)">
        <When at={record.sentAt} />
      </Fact>
      <Fact name="stream">OTLP log record</Fact>
      <Fact name="severity">
        {record.severity}
        {record.severityNumber > 0 ? ` (${record.severityNumber})` : ''}
      </Fact>
      {record.traceId && (
        <Fact name="trace">
          <a data-testid="detail-trace" href={href('traces', { trace: record.traceId, ...(record.spanId ? { span: record.spanId } : {}) })}>
            {record.traceId}
          </a>
        </Fact>
      )}
      {record.spanId && (
        <Fact name="span">
          <code>{record.spanId}</code>
        </Fact>
      )}
      {record.eventName && <Fact name="event">{record.eventName}</Fact>}
      {record.scope && <Fact name="scope">{record.scope}</Fact>}
      {record.observedAt !== undefined && (
        <Fact name="observed">
          <When at={record.observedAt} />
        </Fact>
      )}
    </dl>
  );
}

export function RecordDetail({ id, close }: { id: number; close: string }) {
  const [state, setState] = useState<{ record?: LogRecordDetail; error?: string }>({});
  useEffect(() => {
    let live = true;
    setState({});
    getJson<LogRecordDetail>(`/api/log-records/${id}`).then(
      (record) => live && setState({ record }),
      (error: Error) => live && setState({ error: error.message }),
    );
    return () => {
      live = false;
    };
  }, [id]);
  const { record, error } = state;
  if (!record) {
    return (
      <DetailBox title={`Record ${id}`} close={close}>
        <p>{error ?? 'Loading…'}</p>
      </DetailBox>
    );
  }
  return (
    <DetailBox title={`${record.severity} record of ${record.tier}`} close={close}>
      <RecordFacts record={record} />
      <h3>Content</h3>
      <pre class="log-content" data-testid="log-content">
        {record.body}
      </pre>
      <h3>Attributes</h3>
      <Pairs pairs={record.attributes} label="Attributes" />
      <h3>Resource</h3>
      <Pairs pairs={record.resource} label="Resource attributes" />
      {record.masked > 0 && <p class="hint">{record.masked === 1 ? '1 value' : `${record.masked} values`} masked: they may be secrets</p>}
    </DetailBox>
  );
}
