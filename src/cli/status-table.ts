/**
 * `land status` for people: one header line about the boot, one row per tier, one line about telemetry, one about the
 * receiver with what it kept of each tier under it.
 */
import { inOtherPidNamespace } from '../control/pid-namespace.js';
import type { ExitInfo, PipeStatus, StackSnapshot, TierSnapshot } from '../supervisor/types.js';
import { formatSize } from '../config/size.js';
import { describeReceiver, receiverTierLines } from '../receiver/describe.js';
import { formatDuration } from '../tui/format.js';
import { describeChange } from '../watch/describe.js';
import { nextRunText, runsText } from '../supervisor/schedule-note.js';

const ALIVE = new Set(['starting', 'ready', 'stopping']);

function exitText(exit: ExitInfo | undefined): string {
  if (!exit) return '-';
  if (exit.givenUp) return 'given up';
  if (exit.daemonEnded) return 'daemon gone';
  return exit.code !== null ? `code ${exit.code}` : (exit.signal ?? '?');
}

function row(tier: TierSnapshot, now: number): string[] {
  const alive = ALIVE.has(tier.state) && tier.pid !== undefined;
  return [
    tier.name,
    tier.state,
    alive ? String(tier.pid) : '-',
    alive && tier.startedAt !== undefined ? formatDuration(now - tier.startedAt) : '-',
    tier.state === 'disabled' ? '-' : String(tier.restarts),
    tier.timeToReadyMs !== undefined ? formatDuration(tier.timeToReadyMs) : '-',
    exitText(tier.lastExit),
    tier.reason.replace(/\s+/g, ' ') + changeNote(tier) + memoryNote(tier) + daemonNote(tier) + scheduleNote(tier, now),
  ];
}

/** When the running process was started by a change of a watched file: which. */
function changeNote(tier: TierSnapshot): string {
  const change = tier.watch?.lastChange;
  if (!change || tier.startedAt === undefined || tier.startedAt < change.at) return '';
  return ` · after ${describeChange(change.file, change.files)}`;
}

/** When the running process is the life a restart over the memory limit started (not a later one): how far over. */
function memoryNote(tier: TierSnapshot): string {
  const last = tier.memory?.last;
  // The life's leader: a daemon tier's launcher (its PID column shows the daemon's).
  if (!last || last.pid === undefined || last.pid !== (tier.daemon?.launcher ?? tier.pid)) return '';
  return ` · after a restart over its memory limit (${formatSize(last.used)} > ${formatSize(tier.memory!.limit)})`;
}

/** A scheduled tier: when it runs next, and how many runs it made and skipped (its last run's exit: LAST EXIT). */
function scheduleNote(tier: TierSnapshot, now: number): string {
  if (!tier.schedule) return '';
  return [nextRunText(tier.schedule, now), runsText(tier.schedule, now)].filter(Boolean).map((part) => ` · ${part}`).join('');
}

/** A daemon tier: whose pid the PID column shows (its launcher's while it runs, then its daemon's). */
function daemonNote(tier: TierSnapshot): string {
  if (!tier.daemon) return '';
  return tier.daemon.running ? ` · daemon (launcher pid ${tier.daemon.launcher} exited 0)` : ' · daemon: its launcher runs';
}

function pipeText(name: string, pipe: PipeStatus): string {
  const counts = pipe.sent > 0 || pipe.dropped > 0 ? ` ${pipe.sent} sent${pipe.dropped > 0 ? `, ${pipe.dropped} dropped` : ''}` : '';
  return `${name} ${pipe.state}${counts}${pipe.reason && pipe.state !== 'on' ? ` (${pipe.reason})` : ''}`;
}

export function renderStatus(snapshot: StackSnapshot, now = Date.now()): string {
  const header = [
    snapshot.app,
    `boot ${snapshot.bootId}`,
    `profile ${snapshot.profile}`,
    `trace ${snapshot.traceId}`,
    // Pids of another pid namespace (land in a container, asked from the host) name other processes here, or none.
    `land pid ${snapshot.pid}${inOtherPidNamespace(snapshot.pidNs) ? ' (pids of another pid namespace)' : ''}`,
    `up ${formatDuration(now - snapshot.startedAt)}`,
    ...(snapshot.shuttingDown ? ['shutting down'] : []),
  ].join(' · ');
  const rows = [['TIER', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'READY IN', 'LAST EXIT', 'REASON'], ...snapshot.tiers.map((tier) => row(tier, now))];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  const table = rows.map((cells) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd());
  const { posthog, otlp, record } = snapshot.telemetry;
  const telemetry = `telemetry: ${[pipeText('posthog', posthog), pipeText('otlp', otlp), pipeText('record', record)].join(' · ')}`;
  const order = snapshot.tiers.map((tier) => tier.group ?? tier.name);
  const receiver = snapshot.receiver ? [describeReceiver(snapshot.receiver), ...receiverTierLines(snapshot.receiver, order)] : [];
  return [header, '', ...table, '', telemetry, ...receiver, ''].join('\n');
}
