/** Small text formatters for the TUI: durations, bytes, percentages, one-line sanitising, truncation. */
import { scaleBinary } from '../config/size.js';

/** 340ms, 1.2s, 42s, 3m04s, 2h05m, 3d04h. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${(Math.floor(seconds * 10) / 10).toFixed(1)}s`;
  if (seconds < 60) return `${Math.floor(seconds)}s`;
  const totalSeconds = Math.floor(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}m${pad2(totalSeconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${pad2(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d${pad2(hours % 24)}h`;
}

/**
 * An uptime on the live screen: formatDuration for the first 10 minutes (3m04s), then whole minutes (42m, 2h05m),
 * then hours (3d04h). The UI draws a frame when this text changes (src/tui/ticks.ts): once a second while a stack
 * is young, once a minute after, instead of once a second for the first hour.
 */
export function formatUptime(ms: number): string {
  if (ms >= 10 * 60_000 && ms < 60 * 60_000) return `${Math.floor(ms / 60_000)}m`;
  return formatDuration(ms);
}

/** Whole seconds until a moment, rounded up (a countdown never shows 0 before it is due). */
export function formatCountdown(dueAt: number, now: number): string {
  const ms = dueAt - now;
  if (ms <= 0) return 'now';
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `in ${seconds}s` : `in ${formatDuration(seconds * 1000)}`;
}

/** 512B, 1.5K, 42M, 1.2G: short enough for a 5-column cell. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  const { value, unit } = scaleBinary(bytes, 4);
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)}${['B', 'K', 'M', 'G', 'T'][unit]}`;
}

/** 0%, 0.4%, 12%, 187% (a process tree can use more than one core). */
export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent) || percent < 0) return '-';
  if (percent > 0 && percent < 10) return `${percent.toFixed(1)}%`;
  return `${Math.round(percent)}%`;
}

// CSI/OSC escape sequences and other C0/C1 controls: a child's coloured output must not move the UI's cursor.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001B(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001B]*(?:\u0007|\u001B\\)|[@-Z\\-_])/g;
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

/** One displayable line: escapes removed, tabs expanded, control characters dropped, newlines flattened. */
export function sanitizeLine(text: string): string {
  return text.replace(ESCAPES, '').replace(/\t/g, '  ').replace(/\r?\n/g, ' ').replace(CONTROLS, '');
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}

// A leading timestamp: ISO 8601 (date, optional time, zone) or a bare time, bare or in brackets, then separators.
const LEADING_TIMESTAMP =
  /^\s*[[(]?(?:\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?|\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)(?:Z|[+-]\d{2}:?\d{2})?[\])]?(?:\s*[-|:]\s*|\s+|$)/;

/**
 * A log line without its leading timestamp, for a one-line cell where the width is short: `[2026-12-05T10:00:00Z]
 * listening on 8080` shows `listening on 8080` (the time is what the row's other columns already say). A line that
 * is nothing but a timestamp stays as it is.
 */
export function meaningfulPart(line: string): string {
  const match = LEADING_TIMESTAMP.exec(line);
  if (!match) return line;
  const rest = line.slice(match[0].length);
  return rest.trim() === '' ? line : rest;
}
