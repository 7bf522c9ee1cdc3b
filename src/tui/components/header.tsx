/** Two header lines: who the stack is (app, profile, boot, trace, uptime), then each telemetry pipe's state. */
import { Box, Text } from 'ink';
import { receiverTotals } from '../../receiver/describe.js';
import type { PipeStatus, ReceiverStatus, StackSnapshot } from '../../supervisor/types.js';
import { formatUptime, sanitizeLine } from '../format.js';

const PIPE_COLOR: Record<PipeStatus['state'], string> = { on: 'green', off: 'gray', unavailable: 'red' };

function Pipe({ label, pipe }: { label: string; pipe: PipeStatus }) {
  const counts = pipe.state === 'off' && pipe.sent === 0 && pipe.dropped === 0 ? '' : ` ${pipe.sent} sent`;
  const dropped = pipe.dropped > 0 ? ` ${pipe.dropped} dropped` : '';
  return (
    <Text>
      {label} <Text color={PIPE_COLOR[pipe.state]}>{pipe.state}</Text>
      {counts}
      {dropped && <Text color="yellow">{dropped}</Text>}
    </Text>
  );
}

/** ` · receiver :4711 12 in` (spans, log records and metric points taken in), drops in yellow. */
function Receiver({ status }: { status: ReceiverStatus }) {
  const totals = receiverTotals(status);
  const port = status.endpoint ? ` :${status.endpoint.split(':').at(-1)}` : '';
  return (
    <Text>
      {' · '}receiver <Text color={PIPE_COLOR[status.state]}>{status.state}</Text>
      {status.state === 'on' && `${port} ${totals.spans + totals.logRecords + totals.metricPoints} in`}
      {totals.dropped > 0 && <Text color="yellow"> {totals.dropped} dropped</Text>}
      {(status.unreadable ?? 0) > 0 && <Text color="yellow"> {status.unreadable} unreadable</Text>}
    </Text>
  );
}

// A long boot id (a UUID, say) would push the uptime off an 80-column line; like the trace id, its first 8
// characters tell boots apart.
const shownBootId = (snapshot: StackSnapshot, width: number): string =>
  width < 120 && snapshot.bootId.length > 12 ? snapshot.bootId.slice(0, 8) : snapshot.bootId;

/**
 * The first line's text before the uptime, without its styles (the uptime is its last cell: live-cells.ts rewrites it
 * in place); undefined while the stack shuts down (the line then says so in colour).
 */
export function textBeforeUptime(snapshot: StackSnapshot, width: number): string | undefined {
  if (snapshot.shuttingDown) return undefined;
  return `land ${sanitizeLine(snapshot.app)} · profile ${sanitizeLine(snapshot.profile)} · boot ${sanitizeLine(shownBootId(snapshot, width))} · trace ${snapshot.traceId.slice(0, 8)} · up `;
}

export function Header({ snapshot, now, width }: { snapshot: StackSnapshot; now: number; width: number }) {
  const { telemetry } = snapshot;
  const bootId = shownBootId(snapshot, width);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text bold>land</Text> {sanitizeLine(snapshot.app)}
        {snapshot.shuttingDown && (
          <Text color="magenta" bold>
            {' '}
            (shutting down)
          </Text>
        )}
        {' · '}profile <Text bold>{sanitizeLine(snapshot.profile)}</Text>
        {' · '}boot {sanitizeLine(bootId)} · trace {snapshot.traceId.slice(0, 8)} · up{' '}
        {formatUptime(now - snapshot.startedAt)}
      </Text>
      <Text wrap="truncate-end">
        <Pipe label="PostHog" pipe={telemetry.posthog} />
        {' · '}
        <Pipe label="OTLP" pipe={telemetry.otlp} />
        {' · '}
        <Pipe label="recording" pipe={telemetry.record} />
        {snapshot.receiver && <Receiver status={snapshot.receiver} />}
      </Text>
    </Box>
  );
}
