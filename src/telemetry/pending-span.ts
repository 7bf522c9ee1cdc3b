/**
 * A span started before the OpenTelemetry SDK was loaded. Its ids exist at once (mountain puts them in a child's
 * TRACEPARENT), and what is done to it is kept; once the SDK is there, `attach` starts the real span with the same
 * ids and start time and replays the rest, after which every call goes straight to the real span.
 */
import type { Attributes, AttributeValue, Context, Exception, Link, Span, SpanContext, SpanStatus, TimeInput } from '@opentelemetry/api';
import type { SdkTracer } from './span-sdk.js';

/** Now in epoch milliseconds, sub-millisecond precise (what the SDK takes as a TimeInput). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class PendingSpan implements Span {
  private real: Span | undefined;
  private readonly calls: Array<(span: Span) => void> = [];
  private readonly attributes: Attributes;

  constructor(
    private readonly name: string,
    private readonly context: SpanContext,
    private readonly parent: Context,
    attributes: Attributes | undefined,
    private readonly startTime: TimeInput = nowMs(),
  ) {
    this.attributes = { ...attributes };
  }

  /** Start the real span and replay what happened to this one. */
  attach(sdk: SdkTracer): void {
    const real = sdk.startSpan(this.name, { attributes: this.attributes, startTime: this.startTime, spanId: this.context.spanId }, this.parent);
    for (const call of this.calls) call(real);
    this.calls.length = 0;
    this.real = real;
  }

  private apply(call: (span: Span) => void): this {
    if (this.real) call(this.real);
    else this.calls.push(call);
    return this;
  }

  spanContext(): SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    return this.apply((span) => span.setAttribute(key, value));
  }
  setAttributes(attributes: Attributes): this {
    return this.apply((span) => span.setAttributes(attributes));
  }
  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    const isTime = typeof attributesOrTime === 'number' || attributesOrTime instanceof Date || Array.isArray(attributesOrTime);
    if (isTime) return this.apply((span) => span.addEvent(name, attributesOrTime));
    const at = time ?? nowMs();
    return this.apply((span) => span.addEvent(name, attributesOrTime, at));
  }
  addLink(link: Link): this {
    return this.apply((span) => span.addLink(link));
  }
  addLinks(links: Link[]): this {
    return this.apply((span) => span.addLinks(links));
  }
  setStatus(status: SpanStatus): this {
    return this.apply((span) => span.setStatus(status));
  }
  updateName(name: string): this {
    return this.apply((span) => span.updateName(name));
  }
  end(endTime: TimeInput = nowMs()): void {
    this.apply((span) => span.end(endTime));
  }
  isRecording(): boolean {
    return this.real?.isRecording() ?? true;
  }
  recordException(exception: Exception, time: TimeInput = nowMs()): void {
    this.apply((span) => span.recordException(exception, time));
  }
}
