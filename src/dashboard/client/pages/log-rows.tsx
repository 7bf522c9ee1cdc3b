/**
 * The Logs page's rows: an output line (ANSI colours rendered, the search's matches marked, a link to the trace a
 * line names) or a structured record (severity, body, its trace). A row's time is a link to its detail (log-detail.tsx);
 * a click anywhere on the row that is not on a link opens it too (the list delegates: see logs.tsx).
 */
import { memo } from 'preact/compat';
import type { LogRecordView, WireLine } from '../../wire.js';
import { parseAnsi } from '../ansi.js';
import { clock } from '../format.js';
import { href } from '../hooks.js';
import { SEVERITIES } from '../log-filters.js';
import { tierColor } from '../tier-colors.js';

const TRACE_ID = /\b[0-9a-f]{32}\b/;

/** The first trace id a line's text names. */
export const namedTrace = (text: string) => TRACE_ID.exec(text)?.[0];

/** The search's matches in a piece of text, marked (a colour and an outline: not colour alone). */
export function Marked({ text, needle }: { text: string; needle: string }) {
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

export function Text({ text, needle }: { text: string; needle: string }) {
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

export function severityRank(severity: string): number {
  const index = SEVERITIES.indexOf(severity.toUpperCase() as (typeof SEVERITIES)[number]);
  return index < 0 ? 2 : index;
}

export function PendingRow() {
  return (
    <div class="log-row pending" aria-hidden="true">
      loading…
    </div>
  );
}

function OpenLink({ open, at, what }: { open: string; at: number; what: string }) {
  return (
    <a class="open" href={open} title={`Show the ${what}'s detail`}>
      <time dateTime={new Date(at).toISOString()}>{clock(at)}</time>
    </a>
  );
}

interface RowProps {
  needle: string;
  tierIndex: Map<string, number>;
  /** The address of this row's detail. */
  open: string;
  selected: boolean;
}

export const RecordRow = memo(function RecordRow({ record, needle, tierIndex, open, selected }: RowProps & { record: LogRecordView }) {
  return (
    <div class={`log-row record${selected ? ' selected' : ''}`} data-severity={record.severity} data-record-id={record.id} data-open={open}>
      <OpenLink open={open} at={record.at} what="record" />
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
});

/** A row is drawn again only when its line, the search, the tiers or its selection change (not for every page of lines). */
export const LineRow = memo(function LineRow({ line, needle, tierIndex, open, selected }: RowProps & { line: WireLine }) {
  const [seq, lineTier, stream, at, text] = line;
  const traceId = namedTrace(text);
  return (
    <div class={`log-row${stream === 1 ? ' stderr' : ''}${selected ? ' selected' : ''}`} data-seq={seq} data-open={open}>
      <OpenLink open={open} at={at} what="line" />
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

export function TierTag({ name, index }: { name: string; index: number }) {
  return (
    <span class="tier-tag" style={{ borderColor: tierColor(index), color: tierColor(index) }}>
      {name}
    </span>
  );
}
