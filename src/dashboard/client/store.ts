/**
 * The page's view of the stack: the latest snapshot and usage from the live stream, and the output lines
 * (log-lines.ts: bounded, paged). Components subscribe and re-render at most once per animation frame, however fast
 * lines arrive.
 */
import type { StackSnapshot } from '../../supervisor/types.js';
import type { StreamMessage, TierUsage } from '../wire.js';
import { getJson } from './api.js';
import { LogLines, type LinesState } from './log-lines.js';

export interface StoreState {
  snapshot?: StackSnapshot;
  usage: Record<string, TierUsage>;
  /** Difference between the server's clock and this one (for uptimes). */
  clockSkew: number;
  connected: boolean;
  /** 'unauthorized' once the server says the session is gone. */
  problem?: string;
  log: LinesState;
}

type Listener = () => void;

export class Store {
  private readonly lines = new LogLines(() => {
    this.state = { ...this.state, log: this.lines.state };
    this.changed();
  });
  state: StoreState = { usage: {}, clockSkew: 0, connected: false, log: this.lines.state };
  private readonly listeners = new Set<Listener>();
  private frame = 0;
  private source?: EventSource;

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

  /** The Logs page is shown: load the older lines too (in the background, page by page). */
  loadHistory(): void {
    void this.lines.loadOlder();
  }

  private connect(): void {
    const source = new EventSource('/api/stream');
    this.source = source;
    source.onopen = () => {
      this.state = { ...this.state, connected: true, problem: undefined };
      void this.lines.catchUp();
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

  private receive(message: StreamMessage): void {
    if (message.kind === 'snapshot') {
      this.state = { ...this.state, snapshot: message.snapshot, usage: message.usage, clockSkew: message.now - Date.now() };
      this.changed();
      return;
    }
    this.lines.receive(message.lines, message.updated, message.revision);
  }

  now(): number {
    return Date.now() + this.state.clockSkew;
  }
}

export const store = new Store();
