/**
 * Everything the dashboard reads, behind one small interface: the supervisor's snapshot, events and commands (the
 * control layer's SupervisorControl, the same interface the control server and the TUI use), each tier's
 * configuration, the boot's recording (spans and events, read with `land trace`'s code) and the OTLP receiver's
 * store (receiver-source.ts). The dashboard keeps no state about tiers of its own.
 */
import type { BootPlan, ResolvedTier } from '../config/types.js';
import type { SupervisorControl } from '../supervisor/types.js';
import { maskedAttributes } from '../config/masked-values.js';
import { recordPlaces } from '../control/record-lines.js';
import { maskedEvents, shownSpanName } from '../receiver/trace-model.js';
import { NO_RECEIVER, type ReceiverSource } from './receiver-source.js';
import { redactText } from '../config/redact.js';
import { RecordingTail } from './recording-tail.js';
import { stackEndpoints } from './endpoints.js';
import { tierDetail } from './tier-detail.js';
import { TraceIndex } from './trace-index.js';
import type { EndpointsView, LogRecordDetail, LogRecordList, LogRecordQuery, MetricSeriesView, RecordedEvents, SpanView, TierDetail, TraceList, TraceQuery } from './wire.js';

export interface DashboardSources {
  control: SupervisorControl;
  tierDetail(name: string): TierDetail | undefined;
  /** Each instance's http endpoints (from its probes) and PORT: endpoints.ts. */
  endpoints(): EndpointsView;
  /**
   * This boot's spans: the recording's and the receiver's (one copy per span id, the receiver's preferred); with
   * `traceId`, that trace's only.
   */
  spans(traceId?: string): SpanView[];
  /**
   * A trace's version, from counters the receiver's store and the recording's index keep (no span read or copied):
   * it changes whenever a span of the trace is stored or dropped.
   */
  traceVersion(traceId: string): string;
  /** One span of a trace whole, with its resource (the receiver's, else the recording's), masked. */
  span(traceId: string, spanId: string): SpanView | undefined;
  /** The events mountain (and recording children) emitted for this boot. */
  /** The events recorded: how many of each name, and the latest `latest` of them whole (the page asks for more). */
  events(latest: number): RecordedEvents;
  /** The traces other than the boot's, summed up and filtered (trace-index.ts: from indexes, no span copied). */
  traces(query: TraceQuery): TraceList;
  logRecords(query: LogRecordQuery): LogRecordList;
  logRecord(id: number): LogRecordDetail | undefined;
  metricSeries(): MetricSeriesView[];
}

export interface StackSourceInputs {
  control: SupervisorControl;
  plan: BootPlan;
  /** `.land/telemetry/<boot id>`: where Record=1 writes the boot's NDJSON. */
  recordDir: string;
  receiver?: ReceiverSource;
  /** The environment a process of `config` starts with, as the supervisor makes it (Supervisor.childEnv). */
  childEnv: (config: ResolvedTier, traceparent: string) => Record<string, string>;
}

/**
 * A span as the Traces page shows it: named as `land trace` names it (a replica's start by the replica, masked); attributes,
 * resource, event attributes and status message masked as a log record's detail is (a child's span may carry
 * `http.url` with a password, or an `auth.token`).
 */
function shownSpan(span: SpanView): SpanView {
  const shown: SpanView = { ...span, name: shownSpanName(span), attributes: maskedAttributes(span.attributes) };
  if (span.statusMessage !== undefined) shown.statusMessage = redactText(span.statusMessage);
  if (span.resource) shown.resource = maskedAttributes(span.resource);
  if (span.events) shown.events = maskedEvents(span.events);
  return shown;
}

export function stackSources({ control, plan, recordDir, receiver = NO_RECEIVER, childEnv }: StackSourceInputs): DashboardSources {
  const recording = new RecordingTail(recordDir);
  const traceIndex = new TraceIndex(recording, () => receiver.traceIndex());
  return {
    control,
    tierDetail(name) {
      const { traceId, tiers } = control.snapshot();
      // A replica is known by the snapshot (one removed by `land scale` has no detail); a declared tier by the plan.
      const instance = tiers.find((tier) => tier.name === name);
      const replica = instance?.group !== undefined && instance.replica !== undefined ? { group: instance.group, replica: instance.replica } : undefined;
      // TRACEPARENT differs per start: shown as its pattern.
      const traceparent = `00-${traceId}-<span id of each start>-01`;
      return tierDetail(plan, name, (tier) => childEnv(tier, traceparent), replica);
    },
    endpoints: () => stackEndpoints(plan, control.snapshot().tiers),
    spans(traceId) {
      const byId = new Map<string, SpanView>();
      for (const span of recording.spans()) if (traceId === undefined || span.traceId === traceId) byId.set(span.spanId, span);
      for (const span of receiver.spans(traceId)) byId.set(span.spanId, span);
      return [...byId.values()].map(shownSpan);
    },
    traceVersion: (traceId) => `${receiver.version(traceId)}.${traceIndex.recordedVersion(traceId)}`,
    span(traceId, spanId) {
      const found = receiver.span(traceId, spanId) ?? recording.spans().find((span) => span.traceId === traceId && span.spanId === spanId);
      return found && shownSpan(found);
    },
    events(latest) {
      const all = recording.events();
      const counts: Record<string, number> = {};
      for (const event of all) counts[event.event] = (counts[event.event] ?? 0) + 1;
      // Only the latest are sent whole: every event with its properties was 13 MB a poll at 50 000.
      const events = all.slice(Math.max(0, all.length - latest)).map((event) => ({
        event: event.event,
        tier: String(event.properties?.$tier ?? 'unknown'),
        at: Date.parse(event.timestamp) || 0,
        properties: event.properties ?? {},
      }));
      return { total: all.length, counts, events, dropped: recording.droppedEvents };
    },
    traces: (query) => traceIndex.list(control.snapshot().traceId, query),
    // Under the instance that sent each (`web.2`), and for the instances asked for, as `land logs` shows them.
    logRecords: (query) => receiver.logRecords(query, recordPlaces(control.snapshot().tiers, query.tiers)),
    logRecord: (id) => receiver.logRecord(id, recordPlaces(control.snapshot().tiers, [])),
    metricSeries: () => receiver.metricSeries(),
  };
}
