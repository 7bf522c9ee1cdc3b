/**
 * The span side of a process's telemetry: the OTLP pipe and the spans of the recording.
 *
 * Every span of a process shares one trace id: roots are children of the process's remote parent (its TRACEPARENT)
 * when it has one, and get the boot's trace id otherwise. Span ids are known the moment a span starts. The SDK
 * (span-sdk.ts) is imported only when a span pipe is on, and only once `load()` is called: spans started before that
 * are PendingSpans (at most `Buffer`), replayed into the SDK when it arrives. With both span pipes off, spans only
 * carry ids.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace, type Attributes, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import type { PipeStatus } from '../supervisor/types.js';
import { unusableReason } from './endpoint.js';
import { newSpanId } from './ids.js';
import { delay, LazyPart } from './lazy.js';
import { OtlpState } from './otlp-state.js';
import { PendingSpan } from './pending-span.js';
import type { Recorder } from './recorder.js';
import { SinkSpan, spanLimitsFromEnv, type SinkTarget } from './sink-span.js';
import type { SdkTracer, SpanSink } from './span-sdk.js';

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
  /** Also given every ended span (mountain: the receiver's store). */
  sink?: SpanSink;
  /** Extra resource attributes (land.profile, land.boot_id, …). */
  resourceAttributes?: Attributes;
  /** How many spans may wait for the SDK (default 1000). */
  buffer?: number;
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
  /** The W3C tracestate the span carries (inherited from the process's TRACESTATE). */
  traceState?: string;
  attributes: Attributes;
}

export class SpanPipe {
  readonly traceId: string;
  private readonly sdk: LazyPart<SdkTracer> | undefined;
  /** The sink alone (no OTLP, no recording): spans are written into it without the SDK (sink-span.ts). */
  private readonly direct: SinkTarget | undefined;
  private pending: PendingSpan[] = [];
  private readonly buffer: number;
  private readonly rootContext: Context;
  private readonly otlp: OtlpState | undefined;
  private readonly active = new AsyncLocalStorage<Span>();
  private shutDown: Promise<void> | undefined;

  constructor(options: SpanPipeOptions) {
    this.traceId = options.parent?.traceId ?? options.traceId;
    this.buffer = options.buffer ?? options.otlp?.buffer ?? 1000;
    this.otlp = options.otlp ? new OtlpState() : undefined;
    this.rootContext = options.parent ? trace.setSpanContext(ROOT_CONTEXT, { ...options.parent, isRemote: true }) : ROOT_CONTEXT;
    // An address the exporter cannot parse makes it throw, and with it the whole SDK (the recording too): the OTLP
    // pipe is unavailable from the start instead, and the other span pipes go on without it.
    const problem = options.otlp ? unusableReason(options.otlp.endpoint) : undefined;
    if (this.otlp && problem !== undefined) this.otlp.unavailableReason = problem;
    const otlp = options.otlp && this.otlp && problem === undefined ? { ...options.otlp, state: this.otlp } : undefined;
    if (!otlp && !options.recorder) {
      if (options.sink) this.direct = { sink: options.sink, tier: options.tier, service: options.serviceName, limits: spanLimitsFromEnv() };
      return;
    }
    this.sdk = new LazyPart(
      async () => (await import('./span-sdk.js')).createSdkTracer({ ...options, traceId: this.traceId, otlp }),
      (sdk) => {
        for (const span of this.pending) span.attach(sdk);
        this.pending = [];
      },
      'the OpenTelemetry SDK',
      (reason) => {
        if (this.otlp) this.otlp.unavailableReason ??= reason;
      },
    );
  }

  /** Whether a span pipe is on, so the SDK will be loaded. */
  get hasSdk(): boolean {
    return this.sdk !== undefined;
  }

  /** Import the SDK now (once); until then spans wait. Resolves when it is there or could not be loaded. */
  load(): Promise<void> {
    return this.sdk?.load() ?? Promise.resolve();
  }

  otlpStatus(): PipeStatus | undefined {
    return this.otlp?.status();
  }

  /**
   * Start a span. Parent: the given span, else the span of the enclosing withSpan, else the process root (its
   * remote parent, or none: then the boot's trace id).
   */
  startSpan(name: string, options: { attributes?: Attributes; parent?: Span | SpanContext; startTime?: number } = {}): Span {
    const parent = options.parent ?? this.active.getStore();
    const parentContext = !parent
      ? this.rootContext
      : 'spanContext' in parent
        ? trace.setSpan(ROOT_CONTEXT, parent)
        : trace.setSpanContext(ROOT_CONTEXT, parent);
    const sdk = this.sdk?.value;
    if (sdk) return sdk.startSpan(name, { attributes: options.attributes, startTime: options.startTime }, parentContext);
    const parentSpanContext = trace.getSpanContext(parentContext);
    if (this.direct) return this.sinkSpan(name, parentSpanContext, options);
    const context: SpanContext = {
      traceId: parentSpanContext?.traceId ?? this.traceId,
      spanId: newSpanId(),
      traceFlags: TraceFlags.SAMPLED,
      // As the SDK does: a span carries its parent's W3C trace state (from a TRACESTATE land was started with).
      traceState: parentSpanContext?.traceState,
    };
    // No span pipe (or no room, or no SDK): a span that only carries its ids.
    if (!this.sdk || this.sdk.failure !== undefined || this.shutDown || this.pending.length >= this.buffer) {
      if (this.sdk && this.otlp) this.otlp.dropped += 1;
      return trace.wrapSpanContext(context);
    }
    const span = new PendingSpan(name, context, parentContext, options.attributes, options.startTime);
    this.pending.push(span);
    return span;
  }

  /** A span of the sink alone, with the ids, parent and trace state the SDK's tracer would give it. */
  private sinkSpan(name: string, parent: SpanContext | undefined, options: { attributes?: Attributes; startTime?: number }): Span {
    const child = parent !== undefined && trace.isSpanContextValid(parent);
    const context: SpanContext = {
      traceId: child ? parent.traceId : this.traceId,
      spanId: newSpanId(),
      traceFlags: TraceFlags.SAMPLED,
      traceState: child ? parent.traceState : undefined,
    };
    return new SinkSpan(name, context, child ? parent.spanId : undefined, options.attributes, options.startTime, this.direct!);
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

  /** Load the SDK if need be, export and record what has ended, all within `timeoutMs`; then close. Never rejects. */
  shutdown(timeoutMs: number): Promise<void> {
    this.shutDown ??= this.close(timeoutMs);
    return this.shutDown;
  }

  private async close(timeoutMs: number): Promise<void> {
    this.direct?.sink.flush();
    if (!this.sdk) return;
    const deadline = Date.now() + timeoutMs;
    const sdk = await this.sdk.within(timeoutMs);
    if (sdk) {
      await Promise.race([sdk.forceFlush().catch(() => undefined), delay(deadline - Date.now())]);
      if (this.otlp) this.otlp.closed = true;
      await Promise.race([sdk.shutdown().catch(() => undefined), delay(deadline - Date.now())]);
      sdk.destroySockets();
    }
    if (this.otlp) {
      this.otlp.dropped += this.otlp.queued + this.pending.length;
      this.otlp.queued = 0;
      this.otlp.finalized = true;
    }
    this.pending = [];
  }
}
