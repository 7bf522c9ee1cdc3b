/** Durations and times for the page (the TUI's formatter where it fits). */
import { formatDuration } from '../../tui/format.js';
export { formatBytes, formatDuration } from '../../tui/format.js';

export function formatMs(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  // Hours and days for a long boot (a stack up for a week), as the TUI writes them: 3m04s, 2h05m, 3d04h.
  return formatDuration(ms);
}

/** One formatter for every clock time: toLocaleTimeString builds a new one per call (most of a log row's cost). */
const CLOCK = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
export const clock = (at: number) => CLOCK.format(at);
