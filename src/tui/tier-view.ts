/** What one tier row says: every cell as plain text, plus the state's colour. No React here. */
import type { TierSnapshot, TierState } from '../supervisor/types.js';
import { describeChange } from '../watch/describe.js';
import { nextRunText } from '../supervisor/schedule-note.js';
import { formatBytes, formatCountdown, formatDuration, formatPercent, formatUptime, meaningfulPart, sanitizeLine } from './format.js';
import type { TreeUsage } from '../usage/tree-usage.js';

/** Colour is a hint only: the state word is always printed. */
export const STATE_COLOR: Record<TierState, string> = {
  disabled: 'gray',
  pending: 'blue',
  starting: 'yellow',
  ready: 'green',
  exited: 'cyan',
  crashed: 'red',
  backoff: 'yellow',
  failed: 'red',
  stopping: 'magenta',
  stopped: 'gray',
  scheduled: 'blueBright',
};

/** States in which the tier has a live process. */
const ALIVE: ReadonlySet<TierState> = new Set(['starting', 'ready', 'stopping']);

export function isAlive(tier: TierSnapshot): boolean {
  return ALIVE.has(tier.state) && tier.pid !== undefined;
}

/** What gated a disabled tier off: the flag as `Flag=value` (e.g. `Spawn=false`), `when`, `needs <dep>`, … */
export function gateOf(tier: TierSnapshot): string {
  return tier.gatedBy ?? (tier.reason || 'the profile');
}

export interface TierCells {
  name: string;
  tier: string;
  state: TierState;
  pid: string;
  uptime: string;
  restarts: string;
  ready: string;
  cpu: string;
  mem: string;
  info: string;
}

/** The cells from UP to MEM, the ones the clock and the usage sampler move (and the two between them). */
export type LiveCells = Pick<TierCells, 'uptime' | 'restarts' | 'ready' | 'cpu' | 'mem'>;

/** The UP cell: how long the tier's process has run. */
export function uptimeCell(tier: TierSnapshot, now: number): string {
  return isAlive(tier) ? formatUptime(now - (tier.startedAt ?? tier.since)) : '-';
}

export function liveCells(tier: TierSnapshot, now: number, usage: TreeUsage | undefined): LiveCells {
  const tree = isAlive(tier) ? usage : undefined;
  return {
    uptime: uptimeCell(tier, now),
    restarts: tier.state === 'disabled' ? '-' : String(tier.restarts),
    ready: tier.timeToReadyMs !== undefined ? formatDuration(tier.timeToReadyMs) : '-',
    cpu: tree ? formatPercent(tree.cpu) : '-',
    mem: tree ? formatBytes(tree.memory) : '-',
  };
}

export function tierCells(tier: TierSnapshot, now: number, usage: TreeUsage | undefined): TierCells {
  const alive = isAlive(tier);
  return {
    name: tier.name,
    tier: tier.tier,
    state: tier.state,
    pid: alive && tier.pid !== undefined ? String(tier.pid) : '-',
    ...liveCells(tier, now, usage),
    info: infoCell(tier, now),
  };
}

/** The last column's text: why the tier is where it is, then the meaningful part of its last line. */
export function infoCell(tier: TierSnapshot, now: number): string {
  return sanitizeLine(infoOf({ ...tier, lastLine: tier.lastLine && meaningfulPart(tier.lastLine) }, now));
}

/** The last column moves with the clock too in these cases: a backoff's countdown, a change note that expires. */
export function infoMovesWithClock(tier: TierSnapshot): boolean {
  return tier.state === 'backoff' || tier.watch?.lastChange !== undefined;
}

/** The last column: why the tier is where it is, then its last log line where that helps. */
function infoOf(tier: TierSnapshot, now: number): string {
  const lastLine = tier.lastLine ?? '';
  switch (tier.state) {
    case 'disabled':
      return `gated by ${gateOf(tier)}`;
    case 'pending': {
      const deps = Object.keys(tier.dependsOn);
      return tier.reason || (deps.length > 0 ? `waiting on ${deps.join(', ')}` : 'waiting');
    }
    case 'starting':
    case 'ready':
      return join(changeNote(tier, now), tier.schedule ? nextRunText(tier.schedule, now) : '', lastLine);
    case 'scheduled':
      // Between runs: when the next comes, and how the last ended (its last line after it).
      return join(tier.schedule ? nextRunText(tier.schedule, now) : tier.reason, tier.lastExit ? `last run: ${exitText(tier)}` : 'not run yet', lastLine);
    case 'backoff': {
      // The countdown says when; the reason ("restarting in 1.0 s") would only say it again: why it exited instead.
      const due = tier.nextRestartAt !== undefined ? `restart ${formatCountdown(tier.nextRestartAt, now)}` : 'restarting';
      return join(due, overMemory(tier) ?? exitText(tier), lastLine);
    }
    case 'crashed':
    case 'exited':
      return join(tier.reason || exitText(tier), lastLine);
    case 'failed':
    case 'stopping':
    case 'stopped':
      return tier.reason;
  }
}

/** How long after a restart on change the row names the file that caused it. */
export const CHANGE_NOTE_MS = 30_000;

/** `↻ src/app.ts changed`, while the running process is the one a change started (and not for long). */
function changeNote(tier: TierSnapshot, now: number): string {
  const change = tier.watch?.lastChange;
  if (!change || tier.startedAt === undefined || tier.startedAt < change.at || now - change.at > CHANGE_NOTE_MS) return '';
  return `↻ ${describeChange(change.file, change.files)}`;
}

/**
 * A tier stopped over its memory limit exits as its stop signal makes it (code 0, often): in backoff the row says
 * the limit instead (the last crash's reason, src/supervisor/memory-watch.ts).
 */
function overMemory(tier: TierSnapshot): string | undefined {
  if (tier.memory?.last === undefined) return undefined;
  // The latest start or end only: a crash over the limit followed by a life that exited otherwise is not this backoff's.
  const end = tier.history.findLast((transition) => LIFE_MARKS.has(transition.state));
  return end?.state === 'crashed' && end.reason.startsWith('over its memory limit') ? end.reason : undefined;
}

/** The states that start or end a life, in a tier's history. */
const LIFE_MARKS: ReadonlySet<TierState> = new Set(['starting', 'ready', 'crashed', 'exited']);

function exitText(tier: TierSnapshot): string {
  const exit = tier.lastExit;
  if (!exit) return '';
  if (exit.givenUp) return 'no exit: given up on';
  if (exit.daemonEnded) return 'daemon gone';
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
}

function join(...parts: string[]): string {
  return parts.filter((part) => part.length > 0).join(' · ');
}
