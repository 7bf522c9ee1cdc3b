/**
 * The Logs page's filters (log-filters.ts), each change a new address: tiers (several, in a menu of checkboxes),
 * streams, text (typing replaces the address's entry instead of adding one per key), least severity and attributes
 * (`key=value`, several, each a chip that removes itself) of the OTLP records, and follow mode.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { SEVERITIES, STREAMS, showsStream, toggledStreams, type LogFilters, type StreamName } from '../log-filters.js';

type Go = (filters: LogFilters, replace?: boolean) => void;

const STREAM_LABELS: Record<StreamName, string> = { stdout: 'stdout', stderr: 'stderr', otlp: 'OTLP records' };

function TierMenu({ filters, go, tiers }: { filters: LogFilters; go: Go; tiers: string[] }) {
  const chosen = new Set(filters.tiers);
  // A tier named in the address that the stack no longer runs (a removed replica) stays choosable.
  const names = [...tiers, ...filters.tiers.filter((tier) => !tiers.includes(tier))];
  return (
    <details class="menu">
      <summary>
        Tiers: <span data-testid="log-tiers">{filters.tiers.length === 0 ? 'all' : filters.tiers.join(', ')}</span>
      </summary>
      <fieldset>
        <legend>Tiers</legend>
        {names.map((name) => (
          <label class="check" key={name}>
            <input
              type="checkbox"
              checked={chosen.has(name)}
              onChange={(event) => go({ ...filters, tiers: event.currentTarget.checked ? [...filters.tiers, name] : filters.tiers.filter((tier) => tier !== name) })}
            />{' '}
            {name}
          </label>
        ))}
        <button type="button" disabled={filters.tiers.length === 0} onClick={() => go({ ...filters, tiers: [] })}>
          All tiers
        </button>
      </fieldset>
    </details>
  );
}

function Streams({ filters, go }: { filters: LogFilters; go: Go }) {
  return (
    <fieldset class="streams">
      <legend class="sr-only">Streams</legend>
      {STREAMS.map((stream) => (
        <label class="check" key={stream}>
          <input type="checkbox" checked={showsStream(filters, stream)} onChange={(event) => go({ ...filters, streams: toggledStreams(filters, stream, event.currentTarget.checked) })} />{' '}
          {STREAM_LABELS[stream]}
        </label>
      ))}
    </fieldset>
  );
}

function AttributeFilter({ filters, go }: { filters: LogFilters; go: Go }) {
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState('');
  const add = () => {
    const pair = draft.trim();
    if (pair.indexOf('=') <= 0) return setProblem('expected key=value');
    setDraft('');
    setProblem('');
    if (!filters.attrs.includes(pair)) go({ ...filters, attrs: [...filters.attrs, pair] });
  };
  return (
    <>
      <label for="log-attr" title="Records whose attributes (or resource attributes) hold key=value; plain lines have none">
        Attribute
      </label>
      <input
        id="log-attr"
        type="search"
        class="short"
        value={draft}
        placeholder="key=value"
        onInput={(event) => setDraft(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          add();
        }}
      />
      <button type="button" onClick={add}>
        Add
      </button>
      {problem && (
        <span class="error" role="alert">
          {problem}
        </span>
      )}
      {filters.attrs.map((pair) => (
        <button type="button" class="chip" key={pair} aria-label={`Remove the filter ${pair}`} onClick={() => go({ ...filters, attrs: filters.attrs.filter((one) => one !== pair) })}>
          {pair} ×
        </button>
      ))}
      {filters.trace && (
        <button type="button" class="chip" aria-label={`Remove the filter trace ${filters.trace}`} onClick={() => go({ ...filters, trace: '' })}>
          trace {filters.trace.slice(0, 8)}… ×
        </button>
      )}
    </>
  );
}

export function LogToolbar(props: { filters: LogFilters; go: Go; tiers: string[]; follow: boolean; onFollow: (follow: boolean) => void; children: ComponentChildren }) {
  const { filters, go, follow, onFollow } = props;
  return (
    <form class="toolbar" role="search" aria-label="Filter the logs" onSubmit={(event) => event.preventDefault()}>
      <TierMenu filters={filters} go={go} tiers={props.tiers} />
      <Streams filters={filters} go={go} />
      <label for="log-search">Search</label>
      <input id="log-search" type="search" value={filters.q} placeholder="text in the line" onInput={(event) => go({ ...filters, q: event.currentTarget.value }, true)} />
      <label for="log-severity" title="The least severity of structured records (OTLP log records children send); plain lines have none">
        Severity
      </label>
      <select id="log-severity" value={filters.severity} onChange={(event) => go({ ...filters, severity: event.currentTarget.value })}>
        <option value="">any: all lines</option>
        {SEVERITIES.map((severity) => (
          <option key={severity} value={severity}>
            {severity} and above
          </option>
        ))}
      </select>
      <AttributeFilter filters={filters} go={go} />
      <label class="check">
        <input type="checkbox" checked={follow} onChange={(event) => onFollow(event.currentTarget.checked)} /> Follow
      </label>
      {props.children}
    </form>
  );
}
