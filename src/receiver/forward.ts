/**
 * Forwarding what children sent to the configured collector (when the OTLP pipe is on): the bodies exactly as they
 * came (same content type and encoding) to `<endpoint>/v1/<signal>`, one request at a time from a bounded queue.
 * Fail-open like every pipe: the first failure marks it unavailable for the boot, and from then on (and beyond the
 * queue's bound) bodies are dropped and their items counted.
 */
import { Agent, request } from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type { PipeStatus } from '../supervisor/types.js';
import { unusableReason } from '../telemetry/endpoint.js';
import type { Signal } from './model/types.js';

export interface ForwardOptions {
  endpoint: string;
  /** Bodies waiting at most (default 64). */
  maxQueue?: number;
  /** Bytes waiting at most (default 32 MiB). */
  maxQueueBytes?: number;
  /** One request's bound (default 1500 ms, as land's own exporter). */
  requestTimeoutMs?: number;
}

interface Parcel {
  signal: Signal;
  body: Buffer;
  contentType: string;
  contentEncoding?: string;
  items: number;
}

// node:https (and tls under it) only for an https collector: loading them cost every `land up` ~2 ms before its
// first spawn (docs/decisions.md, "Start-up: the fixed cost").
const https = (): typeof Https => createRequire(import.meta.url)('node:https') as typeof Https;

function failureReason(error: unknown, status?: number): string {
  if (status !== undefined) return `collector answered HTTP ${status}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ETIMEDOUT' || code === 'ABORT_ERR') return 'collector did not answer in time';
  return typeof code === 'string' ? `collector unreachable (${code})` : 'collector export failed';
}

export class Forwarder {
  private readonly queue: Parcel[] = [];
  private queuedBytes = 0;
  private sending: Promise<void> | undefined;
  private readonly agent: Agent;
  private closed = false;
  sent = 0;
  dropped = 0;
  unavailableReason: string | undefined;

  constructor(private readonly options: ForwardOptions) {
    this.agent = options.endpoint.startsWith('https:') ? new (https().Agent)({ keepAlive: true }) : new Agent({ keepAlive: true });
    // An address node cannot send to would throw in every request: the pipe is unavailable from the start.
    this.unavailableReason = unusableReason(options.endpoint);
  }

  forward(parcel: Parcel): void {
    const full = this.queue.length >= (this.options.maxQueue ?? 64) || this.queuedBytes + parcel.body.length > (this.options.maxQueueBytes ?? 32 << 20);
    if (this.closed || this.unavailableReason !== undefined || full) {
      this.dropped += parcel.items;
      return;
    }
    this.queue.push(parcel);
    this.queuedBytes += parcel.body.length;
    // drain() never rejects; the catch is for what nobody foresaw: telemetry must not take land down (fail-open).
    this.sending ??= this.drain()
      .catch((error: unknown) => {
        this.unavailableReason ??= failureReason(error);
      })
      .finally(() => (this.sending = undefined));
  }

  status(): PipeStatus {
    if (this.unavailableReason !== undefined) return { state: 'unavailable', sent: this.sent, dropped: this.dropped, reason: this.unavailableReason };
    return { state: 'on', sent: this.sent, dropped: this.dropped };
  }

  private async drain(): Promise<void> {
    for (let parcel = this.queue.shift(); parcel; parcel = this.queue.shift()) {
      this.queuedBytes -= parcel.body.length;
      if (this.unavailableReason !== undefined || this.closed) {
        this.dropped += parcel.items;
        continue;
      }
      const failure = await this.send(parcel);
      if (failure === undefined) this.sent += parcel.items;
      else {
        this.unavailableReason ??= failure;
        this.dropped += parcel.items;
      }
    }
  }

  /** undefined when the collector took it; else why not. Never rejects: node's request throws synchronously on some input. */
  private send(parcel: Parcel): Promise<string | undefined> {
    return new Promise((resolve) => {
      try {
        this.request(parcel, resolve);
      } catch (error) {
        resolve(failureReason(error));
      }
    });
  }

  private request(parcel: Parcel, resolve: (failure: string | undefined) => void): void {
    const url = new URL(`${this.options.endpoint}/v1/${parcel.signal}`);
    const send = url.protocol === 'https:' ? https().request : request;
    const headers: Record<string, string> = { 'content-type': parcel.contentType, 'content-length': String(parcel.body.length) };
    if (parcel.contentEncoding) headers['content-encoding'] = parcel.contentEncoding;
    const req = send(url, { method: 'POST', headers, agent: this.agent, timeout: this.options.requestTimeoutMs ?? 1500 }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      res.once('end', () => resolve(status >= 200 && status < 300 ? undefined : failureReason(undefined, status)));
      res.once('error', (error) => resolve(failureReason(error)));
    });
    req.once('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.once('error', (error) => resolve(failureReason(error)));
    req.end(parcel.body);
  }

  /** Send what is queued within `timeoutMs`; what is left is counted as dropped. Never rejects. */
  async close(timeoutMs: number): Promise<void> {
    if (this.sending) await Promise.race([this.sending, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    this.closed = true;
    for (const parcel of this.queue.splice(0)) this.dropped += parcel.items;
    this.queuedBytes = 0;
    this.agent.destroy();
  }
}
