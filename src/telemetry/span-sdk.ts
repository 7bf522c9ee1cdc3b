/**
 * The OTLP pipe and the span side of the recording on the official SDK: BasicTracerProvider + BatchSpanProcessor +
 * OTLPTraceExporter (OTLP/HTTP JSON to `<endpoint>/v1/traces`). Imported by SpanPipe when it is loaded, so a process
 * whose span pipes are off never parses any of it.
 */
import type { Agent } from 'node:http';
import { SpanStatusCode, type Attributes, type Context, type Span, type TimeInput } from '@opentelemetry/api';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { newSpanId } from './ids.js';
import type { OtlpState } from './otlp-state.js';
import type { Recorder } from './recorder.js';
import type { RecordedSpan } from './spans.js';

/** Where ended spans are written, one record each: the NDJSON recording, or the receiver's span store. */
export interface SpanSink {
  recordSpan(line: RecordedSpan): void;
  flush(): void;
}

export interface SdkOptions {
  serviceName: string;
  tier: string;
  traceId: string;
  otlp?: { endpoint: string; buffer: number; requestTimeoutMs?: number; scheduledDelayMs?: number; state: OtlpState };
  recorder?: Recorder;
  /** Also given every ended span (mountain: the receiver's store, so land's spans and the children's are one trace). */
  sink?: SpanSink;
  resourceAttributes?: Attributes;
}

/** The SDK as SpanPipe uses it: spans whose id may have been chosen before the SDK was loaded. */
export interface SdkTracer {
  startSpan(name: string, options: { attributes?: Attributes; startTime?: TimeInput; spanId?: string }, parent: Context): Span;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Destroys the exporter's sockets (after shutdown, or when it did not finish in time). */
  destroySockets(): void;
}

/** Roots get the boot's trace id; span ids are random unless one was chosen already (a span started before load). */
class BootIdGenerator implements IdGenerator {
  chosen: string | undefined;
  constructor(private readonly traceId: string) {}
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    const id = this.chosen ?? newSpanId();
    this.chosen = undefined;
    return id;
  }
}

function exportFailureReason(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return `collector answered HTTP ${code}`;
  if (typeof code === 'string') return `collector unreachable (${code})`;
  const message = error instanceof Error ? error.message : '';
  if (/timed? ?out/i.test(message)) return 'collector did not answer in time';
  return 'collector export failed';
}

/** Counts what the collector took; the first failure latches the pipe off and later batches are dropped unsent. */
class FailOpenExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly state: OtlpState,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const settle = (ok: boolean): void => {
      if (this.state.finalized) {
        resultCallback({ code: ExportResultCode.SUCCESS });
        return;
      }
      this.state.queued = Math.max(0, this.state.queued - spans.length);
      if (ok) this.state.sent += spans.length;
      else this.state.dropped += spans.length;
      // The outcome is counted here and shown in status(); the SDK's error handler has nothing to add.
      resultCallback({ code: ExportResultCode.SUCCESS });
    };
    if (this.state.unavailableReason !== undefined) {
      settle(false);
      return;
    }
    try {
      this.inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) this.state.unavailableReason ??= exportFailureReason(result.error);
        settle(result.code === ExportResultCode.SUCCESS);
      });
    } catch (error) {
      this.state.unavailableReason ??= exportFailureReason(error);
      settle(false);
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Bounds what waits for export (the batch processor itself would drop silently) and counts what it drops. */
class BoundedProcessor implements SpanProcessor {
  constructor(
    private readonly inner: SpanProcessor,
    private readonly state: OtlpState,
    private readonly buffer: number,
  ) {}
  onStart(span: Parameters<SpanProcessor['onStart']>[0], parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    if (this.state.unavailableReason !== undefined || this.state.closed || this.state.queued >= this.buffer) {
      this.state.dropped += 1;
      return;
    }
    this.state.queued += 1;
    this.inner.onEnd(span);
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Writes each ended span as one NDJSON line. */
class RecordingProcessor implements SpanProcessor {
  constructor(
    private readonly recorder: SpanSink,
    private readonly tier: string,
    private readonly service: string,
  ) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const context = span.spanContext();
    const startMs = hrTimeToMilliseconds(span.startTime);
    const endMs = hrTimeToMilliseconds(span.endTime);
    const tierAttribute = span.attributes['land.tier'];
    const line: RecordedSpan = {
      name: span.name,
      traceId: context.traceId,
      spanId: context.spanId,
      parentSpanId: span.parentSpanContext?.spanId,
      tier: typeof tierAttribute === 'string' ? tierAttribute : this.tier,
      service: this.service,
      startMs,
      endMs,
      durationMs: Math.max(0, endMs - startMs),
      status: span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
      statusMessage: span.status.message,
      traceState: context.traceState?.serialize() || undefined,
      attributes: span.attributes,
    };
    this.recorder.recordSpan(line);
  }
  forceFlush(): Promise<void> {
    this.recorder.flush();
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    this.recorder.flush();
    return Promise.resolve();
  }
}

function otlpProcessor(otlp: NonNullable<SdkOptions['otlp']>, agents: Agent[]): SpanProcessor {
  const requestTimeoutMs = otlp.requestTimeoutMs ?? 1500;
  const exporter = new OTLPTraceExporter({
    url: `${otlp.endpoint}/v1/traces`,
    timeoutMillis: requestTimeoutMs,
    // Our own agent, so shutdown can destroy its sockets and nothing lingers.
    httpAgentOptions: async (protocol) => {
      const module = protocol === 'https:' ? await import('node:https') : await import('node:http');
      const agent = new module.Agent({ keepAlive: true });
      agents.push(agent);
      return agent;
    },
  });
  const batch = new BatchSpanProcessor(new FailOpenExporter(exporter, otlp.state), {
    maxQueueSize: otlp.buffer,
    maxExportBatchSize: Math.min(512, otlp.buffer),
    scheduledDelayMillis: otlp.scheduledDelayMs ?? 1000,
    exportTimeoutMillis: requestTimeoutMs + 1000,
  });
  return new BoundedProcessor(batch, otlp.state, otlp.buffer);
}

export function createSdkTracer(options: SdkOptions): SdkTracer {
  const agents: Agent[] = [];
  const processors: SpanProcessor[] = [];
  if (options.otlp) processors.push(otlpProcessor(options.otlp, agents));
  if (options.recorder) processors.push(new RecordingProcessor(options.recorder, options.tier, options.serviceName));
  if (options.sink) processors.push(new RecordingProcessor(options.sink, options.tier, options.serviceName));
  // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (what land injects into children) win over our defaults.
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': options.serviceName, 'land.tier': options.tier, ...options.resourceAttributes }))
    .merge(detectResources({ detectors: [envDetector] }));
  const ids = new BootIdGenerator(options.traceId);
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, sampler: new AlwaysOnSampler(), spanProcessors: processors });
  const tracer = provider.getTracer('land');
  return {
    startSpan(name, { spanId, ...spanOptions }, parent) {
      ids.chosen = spanId;
      return tracer.startSpan(name, spanOptions, parent);
    },
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
    destroySockets() {
      for (const agent of agents) agent.destroy();
    },
  };
}
