/**
 * The PostHog pipe: posthog-node underneath, with land's fail-open rules on top.
 *
 * - Bounded: at most `buffer` events waiting; beyond that an event is dropped and counted.
 * - Fail-open: the first failed export (network error, timeout, non-2xx) marks the pipe unavailable for the process;
 *   every later call returns at once. posthog-node sees every request succeed (our fetch answers for the failed one),
 *   so it neither retries nor prints to the terminal.
 * - We drive flushes ourselves (an unref'd timer and a batch threshold) instead of posthog's background flush, whose
 *   errors go to console.error.
 * - Bounded shutdown: in-flight requests are aborted at the deadline, so nothing keeps the process alive afterwards.
 */
import { gunzipSync } from 'node:zlib';
import { PostHog } from 'posthog-node';
import type { PipeStatus } from '../supervisor/types.js';
import { delay } from './lazy.js';
import { libraryVersion } from './version.js';

export interface PostHogPipeOptions {
  apiKey: string;
  host: string;
  buffer: number;
  /** Per-request bound (ms). */
  requestTimeoutMs?: number;
  flushIntervalMs?: number;
  batchSize?: number;
}

type FetchOptions = Parameters<NonNullable<ConstructorParameters<typeof PostHog>[1]>['fetch'] & {}>[1];
type FetchResponse = Awaited<ReturnType<NonNullable<NonNullable<ConstructorParameters<typeof PostHog>[1]>['fetch']>>>;

/** posthog-node stamps `$lib: posthog-node` after our properties; land's events say they come from land. */
class LandPostHog extends PostHog {
  protected override getCommonEventProperties(): ReturnType<PostHog['getCommonEventProperties']> {
    return { ...super.getCommonEventProperties(), $lib: 'land', $lib_version: libraryVersion() };
  }
}

function accepted(): FetchResponse {
  return new Response('{"status":1}', { status: 200, headers: { 'content-type': 'application/json' } });
}

/** Number of events in a /batch/ body (gzip or plain JSON). */
async function countBatch(body: FetchOptions['body']): Promise<number> {
  try {
    let bytes: Uint8Array | undefined;
    let text: string | undefined;
    if (typeof body === 'string') text = body;
    else if (body instanceof Blob) bytes = new Uint8Array(await body.arrayBuffer());
    else if (body && ArrayBuffer.isView(body)) bytes = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (bytes) text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes).toString('utf8') : Buffer.from(bytes).toString('utf8');
    const parsed = JSON.parse(text ?? '{}') as { batch?: unknown[] };
    return Array.isArray(parsed.batch) ? parsed.batch.length : 0;
  } catch {
    return 0;
  }
}

/** A short reason for a failure: never the request body (it holds the key), only what went wrong. */
function failureReason(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'AbortError' || error.name === 'TimeoutError') return 'PostHog did not answer in time';
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    if (cause && typeof cause.code === 'string') return `PostHog unreachable (${cause.code})`;
  }
  return 'PostHog unreachable';
}

export class PostHogPipe {
  private readonly client: LandPostHog;
  private readonly buffer: number;
  private readonly requestTimeoutMs: number;
  private readonly flushIntervalMs: number;
  private readonly batchSize: number;
  private readonly inflight = new Set<AbortController>();
  private waiting = 0;
  private sinceFlush = 0;
  private sent = 0;
  private dropped = 0;
  private unavailableReason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: PostHogPipeOptions) {
    this.buffer = options.buffer;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 2000;
    this.flushIntervalMs = options.flushIntervalMs ?? 3000;
    this.batchSize = options.batchSize ?? 20;
    this.client = new LandPostHog(options.apiKey, {
      host: options.host,
      // We flush ourselves: a threshold posthog never reaches and no posthog timer.
      flushAt: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxBatchSize: Number.MAX_SAFE_INTEGER,
      maxQueueSize: Number.MAX_SAFE_INTEGER,
      fetchRetryCount: 0,
      // posthog's own deadline is later than ours, so our fetch always settles first and posthog sees no error.
      requestTimeout: this.requestTimeoutMs + 5000,
      disableGeoip: true,
      preloadFeatureFlags: false,
      enableExceptionAutocapture: false,
      fetch: (url, fetchOptions) => this.fetch(url, fetchOptions),
    });
  }

  status(): PipeStatus {
    if (this.unavailableReason !== undefined) {
      return { state: 'unavailable', sent: this.sent, dropped: this.dropped, reason: this.unavailableReason };
    }
    return { state: 'on', sent: this.sent, dropped: this.dropped };
  }

  /** Queue one event; returns at once whatever the host does. */
  send(distinctId: string, event: string, properties: Record<string, unknown>): void {
    this.enqueue(() => this.client.capture({ distinctId, event, properties }));
  }

  /**
   * Queue a group identify (posthog-node sends it as a `$groupidentify` event in the same batches): sets
   * `properties` on the group `groupType`/`groupKey`. Bounded and fail-open like any event.
   */
  groupIdentify(distinctId: string, groupType: string, groupKey: string, properties: Record<string, unknown>): void {
    this.enqueue(() => this.client.groupIdentify({ distinctId, groupType, groupKey, properties }));
  }

  private enqueue(push: () => void): void {
    if (this.unavailableReason !== undefined || this.closed || this.waiting >= this.buffer) {
      this.dropped += 1;
      return;
    }
    this.waiting += 1;
    this.sinceFlush += 1;
    push();
    if (this.sinceFlush >= this.batchSize) this.flushSoon(0);
    else this.flushSoon(this.flushIntervalMs);
  }

  /** Send what is queued now; never rejects. */
  async flush(): Promise<void> {
    this.clearTimer();
    this.sinceFlush = 0;
    try {
      await this.client.flush();
    } catch {
      // our fetch answers every batch request, so this is only posthog-internal trouble: fail open
    }
  }

  /** Flush within `timeoutMs`, then abort whatever is still in flight; never rejects. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.clearTimer();
    if (this.closed) return;
    this.closed = true;
    const finished = this.client.shutdown(timeoutMs + 10_000).catch(() => undefined);
    await Promise.race([finished, delay(timeoutMs)]);
    for (const controller of this.inflight) controller.abort();
    // After the aborts posthog's drain loop settles at once; wait for it so no timer of its outlives us.
    await Promise.race([finished, delay(50)]);
    if (this.waiting > 0) {
      this.dropped += this.waiting;
      this.waiting = 0;
    }
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    this.clearTimer();
    this.timer = setTimeout(() => void this.flush(), delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private markUnavailable(reason: string): void {
    this.unavailableReason ??= reason;
    this.clearTimer();
  }

  private settle(count: number, ok: boolean): void {
    const settled = Math.min(count, this.waiting);
    this.waiting -= settled;
    if (ok) this.sent += count;
    else this.dropped += count;
  }

  private async fetch(url: string, options: FetchOptions): Promise<FetchResponse> {
    if (!url.endsWith('/batch/')) return accepted();
    const count = await countBatch(options.body);
    if (this.unavailableReason !== undefined) {
      this.settle(count, false);
      return accepted();
    }
    const controller = new AbortController();
    const abort = (): void => controller.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(abort, this.requestTimeoutMs);
    timer.unref();
    this.inflight.add(controller);
    try {
      const response = await fetch(url, {
        method: options.method,
        headers: options.headers,
        body: options.body as NonNullable<Parameters<typeof fetch>[1]>['body'],
        signal: controller.signal,
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        this.settle(count, true);
      } else {
        this.markUnavailable(`PostHog answered HTTP ${response.status}`);
        this.settle(count, false);
      }
    } catch (error) {
      this.markUnavailable(failureReason(error));
      this.settle(count, false);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', abort);
      this.inflight.delete(controller);
    }
    return accepted();
  }
}
