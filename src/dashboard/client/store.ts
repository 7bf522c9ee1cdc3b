/**
 * The page's view of the stack: the latest snapshot and usage from the live stream, and the output lines
 * (log-lines.ts: bounded, paged). Components subscribe and re-render at most once per animation frame, however fast
 * lines arrive.
 */
import type { StackSnapshot, TierSnapshot } from '../../supervisor/types.js';
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
  /**
   * The stack has stopped (`land down`, or land gone): its server no longer answers. The last snapshot is kept with
   * every tier shown stopped, actions off; the page keeps asking and starts over when a boot serves here again.
   */
  stopped?: { at: number };
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
      // Asked why at once, rather than left to EventSource's own retries: a stack that stopped must say so.
      source.close();
      void this.checkSession();
    };
    source.onmessage = (message: MessageEvent<string>) => this.receive(JSON.parse(message.data) as StreamMessage);
  }

  /**
   * Why the stream ended. The same boot answers: a blip, reconnect. Nothing answers: the stack has stopped (the
   * dashboard lives in land's process), ask again every 2 s. A boot answers after a stop, or another boot: the page
   * starts over on it. A 401 after a stop: a new boot serves here, whose login this page's session is not.
   */
  private async checkSession(): Promise<void> {
    let answer: { snapshot?: StackSnapshot };
    try {
      answer = await getJson<{ snapshot?: StackSnapshot }>('/api/state');
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401 && !this.state.stopped) {
        this.state = { ...this.state, problem: 'unauthorized' };
        this.changed();
        return;
      }
      if (status === 401) this.state = { ...this.state, problem: 'a new boot serves here: open the URL `land dashboard` prints' };
      else this.stop();
      this.changed();
      setTimeout(() => void this.checkSession(), 2000);
      return;
    }
    if (this.state.stopped || (this.state.snapshot && answer.snapshot?.bootId !== this.state.snapshot.bootId)) return location.reload();
    setTimeout(() => this.connect(), 1000);
  }

  /** The stack is gone: its last snapshot with every tier stopped (nothing of it runs: land stops what it started). */
  private stop(): void {
    if (this.state.stopped) return;
    const at = this.now();
    const snapshot = this.state.snapshot && { ...this.state.snapshot, tiers: this.state.snapshot.tiers.map((tier) => stoppedTier(tier, at)) };
    this.state = { ...this.state, snapshot, usage: {}, stopped: { at } };
  }

  private receive(message: StreamMessage): void {
    if (message.kind === 'snapshot') {
      this.state = { ...this.state, snapshot: message.snapshot, usage: message.usage, clockSkew: message.now - Date.now() };
      this.changed();
      return;
    }
    this.lines.receive(message.lines, message.updated, message.revision, message.olderOnDisk);
  }

  now(): number {
    return Date.now() + this.state.clockSkew;
  }
}

function stoppedTier(tier: TierSnapshot, at: number): TierSnapshot {
  const { pid: _pid, startedAt: _started, nextRestartAt: _next, daemon: _daemon, ...rest } = tier;
  return { ...rest, state: 'stopped', reason: 'the stack has stopped', since: at };
}

export const store = new Store();
