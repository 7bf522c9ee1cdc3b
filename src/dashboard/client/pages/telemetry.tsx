/** Telemetry: the pipes (PostHog, OTLP, recording) with what they sent and dropped, and the events mountain emitted. */
import { receiverTotals } from '../../../receiver/describe.js';
import type { PipeStatus, ReceiverStatus } from '../../../supervisor/types.js';
import type { TelemetryView } from '../../wire.js';
import { clock } from '../format.js';
import { href, usePoll } from '../hooks.js';
import { TableHead } from '../table-head.js';

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
      <TableHead columns={['tier', 'spans', 'log records', 'metric points', 'dropped', '']} />
      <tbody>
        {tiers.map(([tier, counts]) => (
          <tr key={tier} data-tier={tier}>
            <th scope="row">{tier}</th>
            <td>{counts.spans}</td>
            <td>{counts.logRecords}</td>
            <td>{counts.metricPoints}</td>
            <td class={counts.dropped > 0 ? 'error' : ''}>{counts.dropped}</td>
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
  const { data, error } = usePoll<TelemetryView>('/api/telemetry', 2000);
  if (!data) return <p>{error ?? 'Loading telemetry…'}</p>;
  const counts = new Map<string, number>();
  for (const event of data.events) counts.set(event.event, (counts.get(event.event) ?? 0) + 1);
  const recent = data.events.slice(-200).reverse();
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
      <h2>Events emitted this boot ({data.events.length}{data.dropped ? `, ${data.dropped} older left out` : ''})</h2>
      {data.events.length === 0 ? (
        <p>None recorded. With Record=1 (the demo's default) every event goes to the boot's recording, which this page reads.</p>
      ) : (
        <>
          <table class="event-counts" aria-label="Events by name">
            <TableHead columns={['event', 'count']} />
            <tbody>
              {[...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => (
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
        </>
      )}
    </>
  );
}
