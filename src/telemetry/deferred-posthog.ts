/**
 * The PostHog pipe as land holds it: posthog-node is imported only once the pipe is loaded (at once in a library
 * process, once the stack is up in mountain). Events sent before then wait in a queue bounded by `Buffer`.
 */
import type { PipeStatus } from '../supervisor/types.js';
import { LazyPart } from './lazy.js';
import type { PostHogPipe, PostHogPipeOptions } from './posthog-pipe.js';

type Queued = [distinctId: string, event: string, properties: Record<string, unknown>];

export class DeferredPostHog {
  private readonly part: LazyPart<PostHogPipe>;
  private queued: Queued[] = [];
  private dropped = 0;

  constructor(private readonly options: PostHogPipeOptions) {
    this.part = new LazyPart(
      async () => new (await import('./posthog-pipe.js')).PostHogPipe(options),
      (pipe) => {
        for (const args of this.queued) pipe.send(...args);
        this.queued = [];
      },
      'posthog-node',
    );
  }

  load(): Promise<void> {
    return this.part.load();
  }

  send(...args: Queued): void {
    const pipe = this.part.value;
    if (pipe) return pipe.send(...args);
    if (this.part.failure !== undefined || this.queued.length >= this.options.buffer) this.dropped += 1;
    else this.queued.push(args);
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
