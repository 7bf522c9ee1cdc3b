/**
 * The page's view of the stack: the latest snapshot and usage from the live stream, and every output line received
 * (bounded). Components subscribe and re-render at most once per animation frame, however fast lines arrive.
 */
import type { StackSnapshot } from '../../supervisor/types.js';
import type { StreamMessage, TierUsage, WireLine } from '../wire.js';
import { getJson } from './api.js';

/** Lines the page keeps (all tiers together); beyond it the oldest fifth is dropped at once. */
const MAX_LINES = 200_000;

export interface StoreState {
  snapshot?: StackSnapshot;
  usage: Record<string, TierUsage>;
  /** Difference between the server's clock and this one (for uptimes). */
  clockSkew: number;
  connected: boolean;
  /** 'unauthorized' once the server says the session is gone. */
  problem?: string;
  /** Grows by appending; `dropped` lines were removed from the front since the page loaded. */
  lines: WireLine[];
  dropped: number;
  /** Bumped on every change of `lines`. */
  linesVersion: number;
}

type Listener = () => void;

export class Store {
  state: StoreState = { usage: {}, clockSkew: 0, connected: false, lines: [], dropped: 0, linesVersion: 0 };
  private readonly listeners = new Set<Listener>();
  private frame = 0;
  private source?: EventSource;
  private nextSeq = 0;
  private catchingUp?: Promise<void>;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const listener of this.listeners) listener();
    });
  }

  start(): void {
    this.connect();
  }

  private connect(): void {
    const source = new EventSource('/api/stream');
    this.source = source;
    source.onopen = () => {
      this.state = { ...this.state, connected: true, problem: undefined };
      void this.catchUp();
      this.changed();
    };
    source.onerror = () => {
      this.state = { ...this.state, connected: false };
      this.changed();
      // EventSource retries by itself, except after an HTTP error (401 when the session is gone).
      if (source.readyState === EventSource.CLOSED) void this.checkSession();
    };
    source.onmessage = (message: MessageEvent<string>) => this.receive(JSON.parse(message.data) as StreamMessage);
  }

  private async checkSession(): Promise<void> {
    try {
      await getJson('/api/state');
      setTimeout(() => this.connect(), 1000);
    } catch (error) {
      const status = (error as { status?: number }).status;
      this.state = { ...this.state, problem: status === 401 ? 'unauthorized' : 'the stack is no longer reachable' };
      this.changed();
      if (status !== 401) setTimeout(() => this.connect(), 2000);
    }
  }

  /** Every line after the last one this page has (on load, and after a reconnect). */
  private catchUp(): Promise<void> {
    this.catchingUp ??= getJson<{ next: number; oldest: number; lines: WireLine[] }>(`/api/logs?since=${this.nextSeq}`)
      .then((body) => this.addLines(body.lines))
      .catch(() => undefined)
      .finally(() => (this.catchingUp = undefined));
    return this.catchingUp;
  }

  private receive(message: StreamMessage): void {
    if (message.kind === 'snapshot') {
      this.state = { ...this.state, snapshot: message.snapshot, usage: message.usage, clockSkew: message.now - Date.now() };
      this.changed();
      return;
    }
    // Lines that arrive while catching up are covered by it or come after it: order is kept by sequence numbers.
    if (this.catchingUp) void this.catchingUp.then(() => this.addLines(message.lines));
    else this.addLines(message.lines);
  }

  private addLines(lines: WireLine[]): void {
    const fresh = lines.filter((line) => line[0] >= this.nextSeq);
    if (fresh.length === 0) return;
    this.nextSeq = fresh[fresh.length - 1]![0] + 1;
    let list = this.state.lines;
    let dropped = this.state.dropped;
    for (const line of fresh) list.push(line);
    if (list.length > MAX_LINES) {
      const cut = list.length - Math.floor(MAX_LINES * 0.8);
      list = list.slice(cut);
      dropped += cut;
    }
    this.state = { ...this.state, lines: list, dropped, linesVersion: this.state.linesVersion + 1 };
    this.changed();
  }

  now(): number {
    return Date.now() + this.state.clockSkew;
  }
}

export const store = new Store();
