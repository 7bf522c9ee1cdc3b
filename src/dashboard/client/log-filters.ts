/**
 * The Logs page's filters as they are kept in the address (`#/logs?tier=a&tier=b&stream=stderr&severity=WARN&q=…&
 * attr=k%3Dv`), so a filtered view survives a reload, can be shared, and Back undoes a change: tiers (several),
 * streams (stdout, stderr, the OTLP records; none given: all), a least severity and attributes (records only: with
 * either, plain lines are not listed), and text. The records are filtered by the server (`/api/log-records`), the
 * lines, which the page holds already, by line-filter.ts.
 */
import type { WireLine } from '../wire.js';
import { stripAnsi } from './ansi.js';

export const STREAMS = ['stdout', 'stderr', 'otlp'] as const;
export type StreamName = (typeof STREAMS)[number];
export const SEVERITIES = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;

export interface LogFilters {
  tiers: string[];
  /** Empty: every stream. */
  streams: StreamName[];
  severity: string;
  q: string;
  /** `key=value`, each of which a record must hold. */
  attrs: string[];
  /** A trace id: its records only (plain lines name no trace). */
  trace: string;
}

/** What the detail beside the list shows: a line (by its number) or a record (by its id in the receiver's store). */
export interface LogSelection {
  line?: number;
  record?: number;
}

const number = (value: string | null): number | undefined => (value !== null && /^\d+$/.test(value) ? Number(value) : undefined);

export function readLogFilters(params: URLSearchParams): LogFilters {
  return {
    tiers: params.getAll('tier').filter((tier) => tier !== ''),
    streams: params.getAll('stream').filter((stream): stream is StreamName => (STREAMS as readonly string[]).includes(stream)),
    severity: (SEVERITIES as readonly string[]).includes(params.get('severity') ?? '') ? params.get('severity')! : '',
    q: params.get('q') ?? '',
    attrs: params.getAll('attr').filter((attr) => attr.indexOf('=') > 0),
    trace: /^[0-9a-f]{32}$/.test(params.get('trace') ?? '') ? params.get('trace')! : '',
  };
}

export function readSelection(params: URLSearchParams): LogSelection {
  return { line: number(params.get('line')), record: number(params.get('record')) };
}

/** The address's parameters for these filters (and a selection). */
export function logParams(filters: LogFilters, selection: LogSelection = {}): string[][] {
  const out: string[][] = [];
  for (const tier of filters.tiers) out.push(['tier', tier]);
  for (const stream of filters.streams) out.push(['stream', stream]);
  if (filters.severity) out.push(['severity', filters.severity]);
  if (filters.q) out.push(['q', filters.q]);
  for (const attr of filters.attrs) out.push(['attr', attr]);
  if (filters.trace) out.push(['trace', filters.trace]);
  if (selection.line !== undefined) out.push(['line', String(selection.line)]);
  if (selection.record !== undefined) out.push(['record', String(selection.record)]);
  return out;
}

export const showsStream = (filters: LogFilters, stream: StreamName) => filters.streams.length === 0 || filters.streams.includes(stream);

/** Plain lines are listed unless the filters ask for what only records have (a severity, an attribute, a trace). */
export const showsLines = (filters: LogFilters) =>
  !filters.severity && filters.attrs.length === 0 && !filters.trace && (showsStream(filters, 'stdout') || showsStream(filters, 'stderr'));

/** The records' query (null: the records are not shown, nothing to ask). */
export function recordsPath(filters: LogFilters): string | null {
  if (!showsStream(filters, 'otlp')) return null;
  const params = new URLSearchParams();
  for (const tier of filters.tiers) params.append('tier', tier);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.q.trim()) params.set('q', filters.q.trim());
  for (const attr of filters.attrs) params.append('attr', attr);
  if (filters.trace) params.set('trace', filters.trace);
  const query = params.toString();
  return `/api/log-records${query ? `?${query}` : ''}`;
}

/** Whether a line passes the tier, stream and text filter (`needle`: lowercase). */
export function lineMatcher(filters: LogFilters, needle: string): (line: WireLine) => boolean {
  const tiers = filters.tiers.length > 0 ? new Set(filters.tiers) : undefined;
  const out = showsStream(filters, 'stdout');
  const err = showsStream(filters, 'stderr');
  return (line) => (!tiers || tiers.has(line[1])) && (line[2] === 1 ? err : out) && (!needle || stripAnsi(line[4]).toLowerCase().includes(needle));
}

/** The streams after one is switched on or off (all three on is said as none; the last one cannot be switched off). */
export function toggledStreams(filters: LogFilters, stream: StreamName, on: boolean): StreamName[] {
  const current = filters.streams.length > 0 ? filters.streams : [...STREAMS];
  const next = on ? [...new Set([...current, stream])] : current.filter((one) => one !== stream);
  if (next.length === 0) return filters.streams;
  return next.length === STREAMS.length ? [] : STREAMS.filter((one) => next.includes(one));
}
