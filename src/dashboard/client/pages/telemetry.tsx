/** Telemetry: the pipes (PostHog, OTLP, recording) with what they sent and dropped, and the events mountain emitted. */
import { receiverTotals } from '../../../receiver/describe.js';
import type { PipeStatus, ReceiverStatus } from '../../../supervisor/types.js';
import { useState } from 'preact/hooks';
import { LATEST_EVENTS, type TelemetryView } from '../../wire.js';
import { clock } from '../format.js';
import { href, usePoll } from '../hooks.js';
import { TableHead } from '../table-head.js';

/** Events a click on "Show more" adds to the list. */
const MORE_EVENTS = 1000;

const PIPES: Array<[keyof TelemetryView['pipes'], string]> = [
  ['posthog', 'PostHog'],
  ['otlp', 'OTLP'],
  ['record', 'recording (NDJSON)'],
];

function PipeRow({ name, pipe }: { name: string; pipe: PipeStatus }) {
  return (
    <tr data-pipe={name}>
      <th scope="row">{name}</th>
      <td>
        <span class={`pipe pipe-${pipe.state}`}>{pipe.state}</span>
      </td>
      <td>{pipe.sent}</td>
      <td>{pipe.dropped}</td>
      <td>{pipe.reason ?? ''}</td>
    </tr>
  );
}

/** The receiver's counters, as `land status` shows them: requests answered, items kept, dropped and unreadable. */
function ReceiverTable({ status }: { status: ReceiverStatus }) {
  const totals = receiverTotals(status);
  const cells: Array<[string, string | number]> = [
    ['state', status.state],
    ['endpoint', status.endpoint ?? ''],
    ['requests accepted', status.requests.accepted],
    ['requests rejected', status.requests.rejected],
    ['requests refused', status.requests.refused],
    ['items kept', totals.spans + totals.logRecords + totals.metricPoints],
    ['items dropped', totals.dropped],
    ['items evicted from memory', totals.evicted],
    ['items unreadable', status.unreadable ?? 0],
  ];
  return (
    <table class="receiver" aria-label="OTLP receiver">
      <tbody>
        {cells.map(([name, value]) => (
          <tr key={name} data-counter={name}>
            <th scope="row">{name}</th>
            <td class={name === 'items unreadable' && value !== 0 ? 'error' : ''}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** What the receiver kept and dropped of each tier (`land status --json`'s receiver.tiers), with links to it. */
function TierCounts({ status }: { status: ReceiverStatus }) {
  const tiers = Object.entries(status.tiers).sort(([a], [b]) => a.localeCompare(b));
  if (tiers.length === 0) return <p class="hint">Nothing received from a tier yet.</p>;
  return (
    <table class="receiver-tiers" aria-label="Received by tier">
      <TableHead columns={['tier', 'spans', 'log records', 'metric points', 'dropped', 'evicted', '']} />
      <tbody>
        {tiers.map(([tier, counts]) => (
          <tr key={tier} data-tier={tier}>
            <th scope="row">{tier}</th>
            <td>{counts.spans}</td>
            <td>{counts.logRecords}</td>
            <td>{counts.metricPoints}</td>
            <td class={counts.dropped > 0 ? 'error' : ''}>{counts.dropped}</td>
            <td title="kept, then let go from memory to make room (receiver.limits): not shown here any more, still in the boot's record file">{counts.evicted ?? 0}</td>
            <td>
              <a href={href('traces', { tier })}>traces</a> · <a href={href('logs', [['tier', tier], ['stream', 'otlp']])}>records</a> ·{' '}
              <a href={href('metrics', { tier })}>metrics</a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TelemetryPage() {
  // The server counts the events and sends the latest few whole; more when the reader asks.
  const [latest, setLatest] = useState(LATEST_EVENTS);
  const { data, error } = usePoll<TelemetryView>(`/api/telemetry?latest=${latest}`, 2000);
  if (!data) return <p>{error ?? 'Loading telemetry…'}</p>;
  const counts = Object.entries(data.counts);
  const recent = [...data.events].reverse();
  const more = data.total - data.events.length;
  return (
    <>
      <h1 class="page-title">Telemetry</h1>
      <table class="pipes" aria-label="Telemetry pipes">
        <TableHead columns={['pipe', 'state', 'sent', 'dropped', 'why']} />
        <tbody>
          {PIPES.map(([key, name]) => (
            <PipeRow key={key} name={name} pipe={data.pipes[key]} />
          ))}
        </tbody>
      </table>
      {data.receiver && (
        <>
          <h2>OTLP receiver</h2>
          <ReceiverTable status={data.receiver} />
          <h3>Received by tier</h3>
          <TierCounts status={data.receiver} />
        </>
      )}
      <h2>Events emitted this boot ({data.total}{data.dropped ? `, ${data.dropped} older left out` : ''})</h2>
      {data.total === 0 ? (
        <p>None recorded. With Record=1 (the demo's default) every event goes to the boot's recording, which this page reads.</p>
      ) : (
        <>
          <table class="event-counts" aria-label="Events by name">
            <TableHead columns={['event', 'count']} />
            <tbody>
              {counts.sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => (
                <tr key={name}>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td>{count}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Latest events</h3>
          <ol class="events" reversed>
            {recent.map((event, i) => (
              <li key={i} class={/:error$/.test(event.event) ? 'error' : ''}>
                <time dateTime={new Date(event.at).toISOString()}>{clock(event.at)}</time> <b>{event.tier}</b> <code>{event.event}</code>
                {typeof event.properties.error_message === 'string' ? ` — ${event.properties.error_message}` : ''}
              </li>
            ))}
          </ol>
          {more > 0 && (
            <p class="hint" data-testid="events-more">
              The latest {data.events.length} of {data.total} are listed ·{' '}
              <button type="button" onClick={() => setLatest(data.events.length + MORE_EVENTS)}>
                Show {Math.min(more, MORE_EVENTS)} more
              </button>
            </p>
          )}
        </>
      )}
    </>
  );
}
