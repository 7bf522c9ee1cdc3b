/**
 * Children's OTLP log records (the receiver's log store) among a tier's output lines in `land logs`: each record is
 * one line marked `[otlp <SEVERITY>]`, with its trace id, placed, stamped and filtered by its arrival (a sender's
 * clock may be hours off); `--json` carries the whole record, the sender's `timeMs` with it.
 */
import { maskedAttributes, maskedBody } from '../config/masked-values.js';
import type { StoredLogRecord } from '../receiver/model/types.js';
import { selects } from '../logs/selection.js';
import { escapeControls } from '../text/controls.js';
import { arrivalMs, type LogStore } from '../receiver/store/log-store.js';
import type { SupervisorControl, TierSnapshot } from '../supervisor/types.js';
import { listSource, mergeByTime, newest, type LineSource } from './line-sources.js';
import type { LogLine } from './protocol.js';

/** What tells where a record shows: its telemetry tier and its resource (`service.instance.id`). */
export interface RecordOrigin {
  tier: string;
  resource?: Readonly<Record<string, unknown>>;
}

/**
 * Where a tier's records are found: the store, the tier's telemetry name (the config's `tier`), and the name each
 * record shows under (undefined: not shown here).
 */
export interface RecordSource {
  store: LogStore;
  tier: string;
  shownAs(record: StoredLogRecord): string | undefined;
}

/**
 * The instance a record is shown under: the one instance of its telemetry tier; else (replicas, or config keys
 * sharing a `tier`) the replica its resource's `service.instance.id` names (land sets `web.2`, hydrate.ts); else the
 * tier's name (`web`: records that cannot be told apart, such as a child that set its own instance id).
 */
export function recordOwners(tiers: readonly TierSnapshot[]): (record: RecordOrigin) => string {
  const holders = new Map<string, TierSnapshot[]>();
  for (const tier of tiers) holders.set(tier.tier, [...(holders.get(tier.tier) ?? []), tier]);
  return (record) => {
    const held = holders.get(record.tier);
    if (held?.length === 1 && held[0]!.group === undefined) return held[0]!.name;
    const instance = record.resource?.['service.instance.id'];
    return (typeof instance === 'string' && held?.find((tier) => tier.name === instance)?.name) || record.tier;
  };
}

/**
 * How the records of the instances `names` show: under their owner (recordOwners) when it is one of them; a record
 * no instance can be told to own, under its tier's name; any other (a sibling replica's) not at all.
 */
export function recordsShownFor(tiers: readonly TierSnapshot[], names: ReadonlySet<string>): (record: RecordOrigin) => string | undefined {
  const ownerOf = recordOwners(tiers);
  return (record) => {
    const owner = ownerOf(record);
    return names.has(owner) || owner === record.tier ? owner : undefined;
  };
}

/** The instances `wanted` names (selection.ts: none is every one), and how a record shows among them (undefined: not). */
export interface InstanceRecords {
  chosen: TierSnapshot[];
  /** Their telemetry tiers: the records shown are of these. */
  recordTiers: Set<string>;
  shownAs(record: RecordOrigin): string | undefined;
}

/**
 * The records of the instances `wanted` names, as `land logs` shows them: a record of one of their telemetry tiers,
 * under the instance that owns it when that is one of them, or under its tier's name when no instance can be told to.
 */
export function instanceRecords(tiers: readonly TierSnapshot[], wanted: readonly string[]): InstanceRecords {
  const chosen = tiers.filter((tier) => selects(wanted, tier.name));
  const recordTiers = new Set(chosen.map((tier) => tier.tier));
  const shown = recordsShownFor(tiers, new Set(chosen.map((tier) => tier.name)));
  return { chosen, recordTiers, shownAs: (record) => (recordTiers.has(record.tier) ? shown(record) : undefined) };
}

/**
 * Where each record is listed when the instances `wanted` are asked for (the dashboard's Logs page): none, every
 * record under its owner (recordOwners); else as `land logs <wanted…>` shows them (instanceRecords).
 */
export function recordPlaces(tiers: readonly TierSnapshot[], wanted: readonly string[]): (record: RecordOrigin) => string | undefined {
  return wanted.length === 0 ? recordOwners(tiers) : instanceRecords(tiers, wanted).shownAs;
}

/**
 * A record as one line. Its body and severity are what a sender wrote into a data field, not a tier's terminal
 * output: no control character in them acts (an ESC would set the title or clear the screen), each is shown escaped
 * (`\x1b`); a line break is `⏎`. A tier's own stdout lines are its output and keep their colours.
 */
function recordText(record: StoredLogRecord): string {
  const trace = record.traceId ? ` · trace ${record.traceId}${record.spanId ? ` span ${record.spanId}` : ''}` : '';
  return `[otlp ${escapeControls(record.severityText)}] ${escapeControls(record.body.replace(/\r?\n/g, '⏎'))}${trace}`;
}

/** About how many bytes a record's line is (its body and the marks around it). */
export const recordBytes = (record: StoredLogRecord) => record.body.length + 64;

/** A record shown outside the receiver (`land logs --json`): body and attribute values masked as the dashboard masks them. */
function maskedRecord(record: StoredLogRecord): StoredLogRecord {
  const masked = (attributes: StoredLogRecord['attributes']) => maskedAttributes(attributes) as StoredLogRecord['attributes'];
  return { ...record, body: maskedBody(record.body), attributes: masked(record.attributes), resource: masked(record.resource) };
}

export function recordLine(name: string, record: StoredLogRecord): LogLine {
  const shown = maskedRecord(record);
  return { tier: name, stream: 'otlp', line: recordText(shown), at: arrivalMs(record), record: shown };
}

/** The records of the instance named `name` in the stack, if the receiver has a store. */
export function recordSource(control: SupervisorControl, store: LogStore | undefined, name: string): RecordSource | undefined {
  if (!store) return undefined;
  const { tiers } = control.snapshot();
  const tier = tiers.find((candidate) => candidate.name === name)?.tier ?? name;
  return { store, tier, shownAs: recordsShownFor(tiers, new Set([name])) };
}

/** A tier's lines and its records in time order (of one time, the lines first), the newest `limit`. */
export function withRecords(lines: LineSource, source: RecordSource | undefined, limit?: number): LineSource {
  if (!source) return lines;
  const records = source.store.query({ tier: source.tier, limit, accept: (record) => source.shownAs(record) !== undefined });
  if (records.length === 0) return lines;
  return newest(mergeByTime([lines, listSource(records, (record) => recordLine(source.shownAs(record)!, record), recordBytes)]), limit);
}
