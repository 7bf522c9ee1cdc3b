/**
 * One export request into the boot's store. A protobuf request takes the fast way when it can: surveyed (a partial
 * decode on the wire: transport/wire-survey.ts), admitted whole under the limits and kept as a frame, converted into records only when
 * someone reads the store. Anything else — OTLP/JSON, a request with an item that cannot be kept, one that would
 * cross a limit — is decoded whole and converted, and the store keeps what fits and answers for the rest.
 */
import { UNATTRIBUTED } from './attribution.js';
import { jsonShapeProblem } from './model/json-shape.js';
import { PATHS, toLogRecords, toMetricPoints, toSpans, type Converted, type OriginOf } from './model/convert.js';
import { withJsonAliases } from './model/json-aliases.js';
import { isObject } from './model/values.js';
import type { Attributes, Origin, Signal } from './model/types.js';
import type { BootStore } from './store/boot-store.js';
import type { Frame } from './store/record-file.js';
import type { SignalStore } from './store/signal-store.js';
import type { SpanStore } from './store/span-store.js';
import type { OtlpCodec } from './transport/codec.js';
import { UndecodableError } from './transport/http.js';

export interface Ingested {
  /** Items kept (and so forwarded). */
  kept: number;
  /** Items that could not be kept, and why the first was not. */
  rejected: number;
  /** Items beyond the boot's or the tier's limit. */
  dropped: number;
  reason?: string;
  /** Kept, but read in part: said in the answer's errorMessage with 0 rejected (OTLP's warning). */
  warning?: string;
}

type Convert<T> = (request: unknown, originOf: OriginOf, now?: number) => Converted<T>;

/** The origin of a resource group that sent nothing, or one a frame does not name. */
const NO_ORIGIN: Origin = { tier: UNATTRIBUTED, service: '' };

const CONVERT: Record<Signal, Convert<Origin>> = { traces: toSpans, logs: toLogRecords, metrics: toMetricPoints };

function storeOf(store: BootStore, signal: Signal): SignalStore<Origin> {
  return (signal === 'traces' ? store.spans : signal === 'logs' ? store.logs : store.metrics) as unknown as SignalStore<Origin>;
}

/** `decode()`, with a failure turned into the transport's 400. */
function decoded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new UndecodableError(error instanceof Error ? error.message : String(error));
  }
}

function parseJson(body: Buffer, signal: Signal): Record<string, unknown> {
  const parsed: unknown = JSON.parse(body.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object');
  const request = withJsonAliases(parsed as Record<string, unknown>, signal);
  const problem = jsonShapeProblem(request, signal);
  if (problem !== undefined) throw new Error(problem);
  return request;
}

/** A JSON request with none of the signal's resource groups but other fields: said, as nothing of it was read. */
function unknownFields(request: unknown, signal: Signal): string | undefined {
  if (!isObject(request) || request[PATHS[signal][0]] !== undefined) return undefined;
  const fields = Object.keys(request);
  return fields.length > 0 ? `no ${PATHS[signal][0]} in the request: ${fields.slice(0, 5).join(', ')} not read` : undefined;
}

/** The fast way: the items kept when the whole request was admitted and kept as a frame, else undefined. */
function keptAsFrame(target: SignalStore<Origin>, signal: Signal, body: Buffer, codec: OtlpCodec, originOf: (resource: Attributes) => Origin): number | undefined {
  const survey = decoded(() => codec.survey(signal, body));
  if (!survey.keepable || survey.items === 0) return undefined;
  // A span sent again (an exporter's retry) is kept once: such a request is converted, and `add` skips it.
  const spans = signal === 'traces' ? (target as unknown as SpanStore) : undefined;
  const keys = spans ? survey.spanKeys : undefined;
  if (keys && !spans!.claim(keys)) return undefined;
  const origins = survey.groups.map((group) => (group.items > 0 ? originOf(group.resource) : NO_ORIGIN));
  if (!target.admit(origins.map((origin, i) => ({ tier: origin.tier, items: survey.groups[i]!.items })))) {
    if (keys) spans!.release(keys);
    return undefined;
  }
  target.addFrame({ body, origins, items: survey.items, receivedMs: Date.now() });
  return survey.items;
}

export function ingestRequest(
  store: BootStore,
  signal: Signal,
  format: 'protobuf' | 'json',
  body: Buffer,
  codec: OtlpCodec | undefined,
  originOf: (resource: Attributes) => Origin,
): Ingested {
  const target = storeOf(store, signal);
  if (format === 'protobuf' && codec) {
    const kept = keptAsFrame(target, signal, body, codec, originOf);
    if (kept !== undefined) return { kept, rejected: 0, dropped: 0 };
  }
  const request = decoded(() => (format === 'json' || !codec ? parseJson(body, signal) : codec.decode(signal, body)));
  const batch = CONVERT[signal](request, originOf);
  // Memory is bounded by what items took on the wire: the body shared among them.
  const dropped = target.add(batch.items, undefined, body.length);
  // Counted under the tier whose resource sent them (before: the first kept item's, else "unattributed").
  if (batch.rejected > 0) target.countDropped(batch.rejectedTier ?? batch.items[0]?.tier ?? originOf({}).tier, batch.rejected);
  const warning = batch.warning ?? (format === 'json' ? unknownFields(request, signal) : undefined);
  return { kept: batch.items.length - dropped, rejected: batch.rejected, dropped, reason: batch.reason, warning };
}

/** A frame's records: the full decoding and the conversion, with the origins the frame kept. */
export function expandFrame(signal: Signal, decoder: Pick<OtlpCodec, 'decode'>, frame: Frame): Origin[] {
  const origin: OriginOf = (_resource, group) => frame.origins[group] ?? NO_ORIGIN;
  return CONVERT[signal](decoder.decode(signal, frame.body), origin, frame.receivedMs).items;
}

/** Tells each store of `store` how its frames become records. */
export function expandFramesWith(store: BootStore, codec: OtlpCodec): void {
  for (const signal of ['traces', 'logs', 'metrics'] as const) storeOf(store, signal).expandWith((frame) => expandFrame(signal, codec, frame));
}
