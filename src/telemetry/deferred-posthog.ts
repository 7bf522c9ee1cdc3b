/**
 * The PostHog pipe as land holds it: posthog-node is imported only once the pipe is loaded (at once in a library
 * process, once the stack is up in mountain). Events sent before then wait in a queue bounded by `Buffer`.
 */
import type { PipeStatus } from '../supervisor/types.js';
import { LazyPart } from './lazy.js';
import type { PostHogPipe, PostHogPipeOptions } from './posthog-pipe.js';

type Queued = (pipe: PostHogPipe) => void;

export class DeferredPostHog {
  private readonly part: LazyPart<PostHogPipe>;
  private queued: Queued[] = [];
  private dropped = 0;

  constructor(private readonly options: PostHogPipeOptions) {
    this.part = new LazyPart(
      async () => new (await import('./posthog-pipe.js')).PostHogPipe(options),
      (pipe) => {
        for (const call of this.queued) call(pipe);
        this.queued = [];
      },
      'posthog-node',
    );
  }

  load(): Promise<void> {
    return this.part.load();
  }

  send(distinctId: string, event: string, properties: Record<string, unknown>): void {
    this.call((pipe) => pipe.send(distinctId, event, properties));
  }

  groupIdentify(distinctId: string, groupType: string, groupKey: string, properties: Record<string, unknown>): void {
    this.call((pipe) => pipe.groupIdentify(distinctId, groupType, groupKey, properties));
  }

  /** Now when the pipe is there, else queued (bounded by `Buffer`, each call one event). */
  private call(call: Queued): void {
    const pipe = this.part.value;
    if (pipe) return call(pipe);
    if (this.part.failure !== undefined || this.queued.length >= this.options.buffer) this.dropped += 1;
    else this.queued.push(call);
  }

  status(): PipeStatus {
    const pipe = this.part.value;
    if (pipe) {
      const status = pipe.status();
      return { ...status, dropped: status.dropped + this.dropped };
    }
    const counts = { sent: 0, dropped: this.dropped + (this.part.failure ? this.queued.length : 0) };
    return this.part.failure ? { state: 'unavailable', ...counts, reason: this.part.failure } : { state: 'on', ...counts };
  }

  /** Load if need be and flush, all within `timeoutMs`; what never left the queue counts as dropped. Never rejects. */
  async shutdown(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pipe = await this.part.within(timeoutMs);
    if (pipe) return pipe.shutdown(Math.max(0, deadline - Date.now()));
    this.dropped += this.queued.length;
    this.queued = [];
  }
}
