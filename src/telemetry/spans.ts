/**
 * The OTLP pipe and the span side of the recording, on the official SDK: BasicTracerProvider + BatchSpanProcessor +
 * OTLPTraceExporter (OTLP/HTTP JSON to `<endpoint>/v1/traces`).
 *
 * Every span of a process shares one trace id: roots are children of the process's remote parent (its TRACEPARENT)
 * when it has one, and the id generator hands out the boot's trace id for any other root.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Agent } from 'node:http';
import {
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
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
import type { PipeStatus } from '../supervisor/types.js';
import { newSpanId } from './ids.js';
import type { Recorder } from './recorder.js';

export interface SpanPipeOptions {
  /** `<app>-<tier>` */
  serviceName: string;
  tier: string;
  /** The trace id every root span of this process gets. */
  traceId: string;
  /** The remote span this process's roots are children of (from TRACEPARENT). */
  parent?: SpanContext;
  /** OTLP export; absent when the OTLP gate is closed. */
  otlp?: { endpoint: string; buffer: number; requestTimeoutMs?: number; scheduledDelayMs?: number };
  /** The NDJSON recording; absent when Record is off. */
  recorder?: Recorder;
  /** Extra resource attributes (land.profile, land.boot_id, …). */
  resourceAttributes?: Attributes;
}

/** Roots get the boot's trace id; span ids are random. */
class BootIdGenerator implements IdGenerator {
  constructor(private readonly traceId: string) {}
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return newSpanId();
  }
}

/** Counters and the fail-open latch of the OTLP pipe. */
class OtlpState {
  queued = 0;
  sent = 0;
  dropped = 0;
  closed = false;
  /** Set at the end of shutdown: what was still queued is counted as dropped, late callbacks count nothing more. */
  finalized = false;
  unavailableReason: string | undefined;

  status(): PipeStatus {
    if (this.unavailableReason !== undefined) {
      return { state: 'unavailable', sent: this.sent, dropped: this.dropped, reason: this.unavailableReason };
    }
    return { state: 'on', sent: this.sent, dropped: this.dropped };
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

export interface RecordedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  tier: string;
  service: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Attributes;
}

/** Writes each ended span as one NDJSON line. */
class RecordingProcessor implements SpanProcessor {
  constructor(
    private readonly recorder: Recorder,
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

/** Resolves after `ms` (unref'd: a bound never keeps the process alive). */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)).unref());
}

export class SpanPipe {
  readonly traceId: string;
  private readonly provider: BasicTracerProvider;
  private readonly tracer: Tracer;
  private readonly rootContext: Context;
  private readonly otlp: OtlpState | undefined;
  private readonly agents: Agent[] = [];
  private readonly active = new AsyncLocalStorage<Span>();
  private shutDown: Promise<void> | undefined;

  constructor(options: SpanPipeOptions) {
    this.traceId = options.parent?.traceId ?? options.traceId;
    const processors: SpanProcessor[] = [];
    if (options.otlp) {
      this.otlp = new OtlpState();
      const requestTimeoutMs = options.otlp.requestTimeoutMs ?? 1500;
      const exporter = new OTLPTraceExporter({
        url: `${options.otlp.endpoint}/v1/traces`,
        timeoutMillis: requestTimeoutMs,
        // Our own agent, so shutdown can destroy its sockets and nothing lingers.
        httpAgentOptions: async (protocol) => {
          const module = protocol === 'https:' ? await import('node:https') : await import('node:http');
          const agent = new module.Agent({ keepAlive: true });
          this.agents.push(agent);
          return agent;
        },
      });
      const buffer = options.otlp.buffer;
      const batch = new BatchSpanProcessor(new FailOpenExporter(exporter, this.otlp), {
        maxQueueSize: buffer,
        maxExportBatchSize: Math.min(512, buffer),
        scheduledDelayMillis: options.otlp.scheduledDelayMs ?? 1000,
        exportTimeoutMillis: requestTimeoutMs + 1000,
      });
      processors.push(new BoundedProcessor(batch, this.otlp, buffer));
    }
    if (options.recorder) processors.push(new RecordingProcessor(options.recorder, options.tier, options.serviceName));

    // OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES (what land injects into children) win over our defaults.
    const resource = defaultResource()
      .merge(resourceFromAttributes({ 'service.name': options.serviceName, 'land.tier': options.tier, ...options.resourceAttributes }))
      .merge(detectResources({ detectors: [envDetector] }));
    this.provider = new BasicTracerProvider({
      resource,
      idGenerator: new BootIdGenerator(this.traceId),
      sampler: new AlwaysOnSampler(),
      spanProcessors: processors,
    });
    this.tracer = this.provider.getTracer('land');
    this.rootContext = options.parent ? trace.setSpanContext(ROOT_CONTEXT, { ...options.parent, isRemote: true }) : ROOT_CONTEXT;
  }

  otlpStatus(): PipeStatus | undefined {
    return this.otlp?.status();
  }

  /**
   * Start a span. Parent: the given span, else the span of the enclosing withSpan, else the process root (its
   * remote parent, or none: then the boot's trace id).
   */
  startSpan(name: string, options: { attributes?: Attributes; parent?: Span | SpanContext; startTime?: number } = {}): Span {
    let parentContext = this.rootContext;
    const parent = options.parent ?? this.active.getStore();
    if (parent) {
      parentContext =
        'spanContext' in parent ? trace.setSpan(ROOT_CONTEXT, parent) : trace.setSpanContext(ROOT_CONTEXT, parent);
    }
    return this.tracer.startSpan(name, { attributes: options.attributes, startTime: options.startTime }, parentContext);
  }

  /** Run `fn` inside a span; the span ends when fn settles, with error status if it throws. */
  async withSpan<T>(name: string, fn: (span: Span) => T | Promise<T>, attributes?: Attributes): Promise<T> {
    const span = this.startSpan(name, { attributes });
    try {
      const result = await this.active.run(span, () => fn(span));
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  }

  /** Export and record what has ended, within `timeoutMs`; then close. Never rejects. */
  shutdown(timeoutMs: number): Promise<void> {
    this.shutDown ??= this.close(timeoutMs);
    return this.shutDown;
  }

  private async close(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await Promise.race([this.provider.forceFlush().catch(() => undefined), delay(timeoutMs)]);
    if (this.otlp) this.otlp.closed = true;
    await Promise.race([this.provider.shutdown().catch(() => undefined), delay(deadline - Date.now())]);
    for (const agent of this.agents) agent.destroy();
    if (this.otlp) {
      this.otlp.dropped += this.otlp.queued;
      this.otlp.queued = 0;
      this.otlp.finalized = true;
    }
  }
}
