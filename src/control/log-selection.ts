/**
 * What `/tiers/<name>/logs` and the stack-wide `/logs` show (streams.ts writes it): one instance's lines with the
 * log records of its tier, or the lines of several (every instance, the ones named, a tier's replicas) merged in the
 * order they came, with the records of their tiers.
 */
import type { LogStore } from '../receiver/store/log-store.js';
import type { StoredLogRecord } from '../receiver/model/types.js';
import { countJoined, joinEntries } from '../logs/fragment-join.js';
import type { SupervisorControl } from '../supervisor/types.js';
import { selects, unknownNames, unknownTiers } from '../logs/selection.js';
import { ApiFailure } from './http-util.js';
import { joinedSource, listSource, mergeByTime, newest, type LineSource } from './line-sources.js';
import type { LogLine } from './protocol.js';
import { instanceRecords, recordBytes, recordLine, recordSource, withRecords } from './record-lines.js';

const shownLine = (name: string | undefined, record: StoredLogRecord): LogLine | undefined => (name === undefined ? undefined : recordLine(name, record));

/** What a log stream shows: its recent lines, whose new lines, and how a received log record shows (if it does). */
export interface LogSelection {
  /** Oldest first, made as they are sent. */
  recent: LineSource;
  shows(tier: string): boolean;
  records?: { store: LogStore; line(record: StoredLogRecord): LogLine | undefined };
}

/**
 * An instance's newest `limit` lines, with the fragments of a line shown while its child was quiet joined back
 * (src/logs/fragment-join.ts): every held line is read, since joining makes fewer lines of them. From the tier's ring
 * a line at a time where the stack can (with a limit and fragments among the newest lines, a first reader of the
 * same blocks counts the joined lines, so that the second skips to the newest); a remote view: its list.
 */
function tierLines(control: SupervisorControl, name: string, limit: number | undefined): LineSource {
  if (!control.readLogs) {
    const joined = joinEntries(control.logs(name));
    const kept = limit === undefined ? joined : joined.slice(Math.max(0, joined.length - limit));
    return listSource(kept, (entry) => ({ tier: name, ...entry }), (entry) => entry.line.length);
  }
  if (limit === undefined) return joinedSource(name, control.readLogs(name));
  // No fragment among the newest `limit` lines: they are the newest `limit` joined lines as they are (a whole line
  // never joins to the one before it), so they are read once, without a counting pass over the whole ring (a reader
  // that does not say how many fragments it holds gets that pass).
  const window = control.readLogs(name, limit);
  if (window.fragments === 0) return joinedSource(name, window);
  const counting = control.readLogs(name);
  const reading = control.readLogs(name);
  return newest(joinedSource(name, reading, countJoined(() => counting.next())), limit);
}

/** One instance (`api`, `api.2`): what `land logs <tier>` has always shown. Throws for an unknown tier. */
export function tierSelection(control: SupervisorControl, store: LogStore | undefined, name: string, limit?: number): LogSelection {
  const source = recordSource(control, store, name);
  return {
    recent: withRecords(tierLines(control, name, limit), source, limit),
    shows: (tier) => tier === name,
    records: source && { store: source.store, line: (record) => shownLine(record.tier === source.tier ? source.shownAs(record) : undefined, record) },
  };
}

/**
 * Several instances: `wanted` names instances or tiers with replicas (none: every tier, also those added later);
 * the newest `limit` lines of each, merged by time. Unknown names: an ApiFailure naming them and the known ones.
 */
export function stackSelection(control: SupervisorControl, store: LogStore | undefined, wanted: readonly string[], limit?: number): LogSelection {
  const { tiers } = control.snapshot();
  const unknown = unknownNames(tiers.map((tier) => tier.name), wanted);
  if (unknown.length > 0) throw new ApiFailure('unknown-tier', unknownTiers(unknown, tiers.map((tier) => tier.name)));
  const { chosen, recordTiers, shownAs } = instanceRecords(tiers, wanted);
  const names = new Set(chosen.map((tier) => tier.name));
  // Each instance with the records it owns; the records no instance owns (its tier's), under the tier's name.
  const sources = chosen.map((tier) => withRecords(tierLines(control, tier.name, limit), store && { store, tier: tier.tier, shownAs: (record) => (shownAs(record) === tier.name ? tier.name : undefined) }, limit));
  for (const telemetry of recordTiers) {
    if (store && !names.has(telemetry)) sources.push(listSource(store.query({ tier: telemetry, limit, accept: (record) => shownAs(record) === telemetry }), (record) => recordLine(telemetry, record), recordBytes));
  }
  return {
    recent: mergeByTime(sources),
    shows: (tier) => selects(wanted, tier),
    records: store && { store, line: (record) => shownLine(shownAs(record), record) },
  };
}
