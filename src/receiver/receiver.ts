/**
 * The stack's own OTLP receiver, assembled: the loopback HTTP transport, attribution to tiers, the boot's store
 * (one per signal), and forwarding to the collector when the OTLP pipe is on. It owns no tier state: it is told the
 * supervisor's tiers as they change (stack.ts followTiers), and tiers are told apart by what children send and,
 * failing that, by the processes land started (their LAND_TIER).
 */
import { RECEIVER_DEFAULTS } from '../config/receiver.js';
import type { PipeStatus, ReceiverStatus } from '../supervisor/types.js';
import type { SpanSink } from '../telemetry/span-sdk.js';
import type { RecordedSpan } from '../telemetry/spans.js';
import { originOf, type StackIdentity } from './attribution.js';
import { Forwarder } from './forward.js';
import type { Attributes, Signal, StoredSpan } from './model/types.js';
import { expandFramesWith, ingestRequest } from './ingest.js';
import { PeerTiers } from './peer.js';
import { dropNoteFor, tierCounts } from './store-counts.js';
import { createBootStore, DEFAULT_LIMITS, type BootStore, type ReceiverLimits } from './store/boot-store.js';
import type { OtlpCodec, PartialSuccess } from './transport/codec.js';
import { startOtlpServer, type Incoming, type OtlpServer } from './transport/http.js';
import { loadCodec } from './transport/lazy-codec.js';

const MAX_WAITING_BYTES = 32 * 1024 * 1024;
const FORWARD_CLOSE_MS = 2000;

export interface ReceiverOptions {
  /** 0: a free port. */
  port: number;
  bootId: string;
  /** The boot's telemetry folder (`.land/telemetry/<boot id>`): the store writes under `receiver/` in it. */
  bootDir: string;
  identity: StackIdentity;
  limits?: ReceiverLimits;
  maxBodyBytes?: number;
  /** The collector to forward to (the OTLP pipe is on). */
  forwardTo?: string;
}

export interface Receiver {
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly store: BootStore;
  /** Gives land's own ended spans to the store (mountain's SDK calls it). */
  readonly spanSink: SpanSink;
  status(): ReceiverStatus;
  /** The stack's tiers changed (`land apply`, `land scale`): what arrives from now on is attributed to these. */
  setIdentity(identity: StackIdentity): void;
  /** Stop listening, forward what is queued (bounded), write what waits. Never rejects. */
  close(): Promise<void>;
}

const OFF: PipeStatus = { state: 'off', sent: 0, dropped: 0, reason: 'the OTLP pipe is off' };

const UNITS: Record<Signal, string> = { traces: 'spans', logs: 'log records', metrics: 'metric points' };

export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const store = createBootStore(options.bootDir, limits);
  const forwarder = options.forwardTo ? new Forwarder({ endpoint: options.forwardTo }) : undefined;
  const requests = { accepted: 0, rejected: 0, refused: 0 };
  const drops = dropNoteFor(options.bootDir, store);
  let port = 0;
  let identity = options.identity;

  /** The codec, and the store told how to convert its frames with it, once (on the first protobuf request). */
  let codecLoading: Promise<OtlpCodec> | undefined;
  const codecReady = () =>
    (codecLoading ??= loadCodec().then((codec) => {
      expandFramesWith(store, codec);
      return codec;
    }));

  const peers = new PeerTiers(() => port, options.bootId);

  const ingest = async (incoming: Incoming): Promise<PartialSuccess | undefined> => {
    // The sending process is looked up (in /proc) only when a resource does not say its tier, and once per connection.
    let sender: { tier: string | undefined } | undefined;
    const origin = (resource: Attributes) => originOf(resource, identity, () => (sender ??= { tier: peers.tierOf(incoming.connection, incoming.peerPort) }).tier);
    const { signal, format } = incoming;
    const codec = format === 'protobuf' ? await codecReady() : undefined;
    const { kept, rejected, dropped, reason, warning } = ingestRequest(store, signal, format, incoming.body, codec, origin);
    if (forwarder && kept > 0) {
      forwarder.forward({ signal, body: incoming.raw, contentType: incoming.contentType, contentEncoding: incoming.contentEncoding, items: kept });
    }
    // OTLP's warning: all accepted, errorMessage says what was read in part.
    if (rejected + dropped === 0) return warning === undefined ? undefined : { rejected: 0, message: warning };
    drops.changed();
    const overLimit = dropped > 0 ? overLimitText(signal, store) : undefined;
    return { rejected: rejected + dropped, message: [reason, overLimit].filter(Boolean).join('; ') };
  };

  const server: OtlpServer = await startOtlpServer({
    host: '127.0.0.1',
    port: options.port,
    maxBodyBytes: options.maxBodyBytes ?? RECEIVER_DEFAULTS.maxBodyBytes,
    maxWaitingBytes: MAX_WAITING_BYTES,
    codec: loadCodec,
    ingest,
    connected: (socket) => peers.connected(socket),
    answered(status) {
      if (status === 200) requests.accepted += 1;
      else if (status === 429) requests.refused += 1;
      else requests.rejected += 1;
    },
  });
  port = server.port;
  const endpoint = `http://127.0.0.1:${port}`;

  const spanSink = spanSinkOf(store);
  let closing: Promise<void> | undefined;
  return {
    port,
    endpoint,
    store,
    spanSink,
    status: () => ({
      state: 'on',
      endpoint,
      requests: { ...requests },
      tiers: tierCounts(store),
      unreadable: store.spans.unreadable + store.logs.unreadable + store.metrics.unreadable,
      forward: forwarder?.status() ?? OFF,
    }),
    setIdentity(next) {
      identity = next;
    },
    close() {
      closing ??= (async () => {
        await server.close().catch(() => undefined);
        await forwarder?.close(FORWARD_CLOSE_MS);
        await store.drain();
        drops.close();
      })();
      return closing;
    },
  };
}

/** The limit(s) the last request's dropped items hit, named: the boot's, or one tier's share of it. */
function overLimitText(signal: Signal, store: BootStore): string {
  const target = signal === 'traces' ? store.spans : signal === 'logs' ? store.logs : store.metrics;
  const { boot, tier } = target.lastOver;
  const said: string[] = [];
  if (tier) said.push(`land keeps at most ${target.perTier()} ${UNITS[signal]} per tier per boot (a tier's share of the ${target.limits.perBoot} per boot)`);
  if (boot || !tier) said.push(`land keeps at most ${target.limits.perBoot} ${UNITS[signal]} per boot`);
  return said.join('; ');
}

/** Where land's own ended spans go: the boot's span store, as tier `mountain`'s. */
function spanSinkOf(store: BootStore): SpanSink {
  return {
    recordSpan(span: RecordedSpan) {
      store.spans.add([fromRecorded(span)], 'mountain');
    },
    flush: () => store.spans.flush(),
  };
}

/** One of land's own spans (from mountain's SDK) as a stored span. */
function fromRecorded(span: RecordedSpan): StoredSpan {
  return {
    tier: span.tier,
    service: span.service,
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: 'internal',
    startMs: span.startMs,
    endMs: span.endMs,
    durationMs: span.durationMs,
    status: span.status,
    ...(span.statusMessage ? { statusMessage: span.statusMessage } : {}),
    attributes: JSON.parse(JSON.stringify(span.attributes ?? {})) as Attributes,
    resource: { 'service.name': span.service, 'land.tier': span.tier },
    scope: 'land',
  };
}
