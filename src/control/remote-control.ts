/**
 * A SupervisorControl for a stack running in another process (`land watch`): the snapshot and recent lines come
 * from the /events stream and are kept here, so snapshot() and logs() answer synchronously as the TUI expects;
 * commands are POSTs (a reload: its NDJSON answer, read to its end), so every key of `land up`'s UI acts here too. When the stream ends (the stack shut down, or land died) listeners get a final
 * `shutdown end`, as they would from a local supervisor.
 */
import { ControlError, type ControlErrorCode } from '../supervisor/control-error.js';
import type { StillRunning } from '../supervisor/left-behind.js';
import type { LineCut, LogStream, ReloadStep, StackSnapshot, SupervisorControl, SupervisorEvent } from '../supervisor/types.js';
import { ApiError, requestJson, streamLines, type LineStream, type StreamEnd } from './client.js';
import { HELLO_LOG_LINES, type EventStreamMessage } from './protocol.js';
import { requestReload, type ReloadAnswer } from './reload-client.js';
import { unknownTiers } from '../logs/selection.js';

type Entry = { stream: LogStream; line: string; at: number; cut?: LineCut };

const CONTROL_CODES = new Set<string>(['unknown-tier', 'already-running', 'not-running', 'gated', 'dependency-unmet', 'shutting-down', 'stdin-full', 'stdin-closed', 'scheduled']);

/** API errors the supervisor raised come back as the ControlError it threw. */
function asControlError(error: unknown): unknown {
  if (error instanceof ApiError && CONTROL_CODES.has(error.code)) return new ControlError(error.code as ControlErrorCode, error.message);
  return error;
}

export class RemoteControl implements SupervisorControl {
  private current: StackSnapshot;
  private readonly lines = new Map<string, Entry[]>();
  private readonly listeners = new Set<(event: SupervisorEvent) => void>();
  private stream?: LineStream;
  private ended = false;
  private detached = false;
  private endedAs?: StreamEnd;
  /** Resolves when the events stream has ended. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;

  private constructor(
    private readonly socketPath: string,
    hello: Extract<EventStreamMessage, { kind: 'hello' }>,
  ) {
    this.current = hello.snapshot;
    for (const [tier, entries] of Object.entries(hello.logs)) {
      this.lines.set(tier, entries.map(({ stream, line, at, cut }) => (cut ? { stream, line, at, cut } : { stream, line, at })));
    }
    this.closed = new Promise((resolve) => (this.markClosed = resolve));
  }

  /** Connects and waits for the first snapshot; throws NoStackError when nothing runs there. */
  static async connect(socketPath: string): Promise<RemoteControl> {
    let remote: RemoteControl | undefined;
    let early: EventStreamMessage[] = [];
    let gotHello!: (message: Extract<EventStreamMessage, { kind: 'hello' }>) => void;
    const hello = new Promise<Extract<EventStreamMessage, { kind: 'hello' }>>((resolve) => (gotHello = resolve));
    const stream = await streamLines(socketPath, '/events', (line) => {
      let message: EventStreamMessage;
      try {
        message = JSON.parse(line) as EventStreamMessage;
      } catch {
        return; // Not ours to crash on: a line cut short by a dying land.
      }
      if (message.kind === 'hello') gotHello(message);
      else if (remote) remote.receive(message);
      else early.push(message);
    });
    const first = await Promise.race([hello, stream.done.then(() => undefined)]);
    if (!first) throw new Error('the stack closed the events stream before describing itself');
    remote = new RemoteControl(socketPath, first);
    remote.stream = stream;
    for (const message of early) remote.receive(message);
    early = [];
    void stream.done.then((end) => remote.end(end));
    return remote;
  }

  private receive(message: EventStreamMessage): void {
    if (message.kind === 'snapshot' || message.kind === 'hello') {
      this.current = message.snapshot;
      return;
    }
    const { event } = message;
    if (event.type === 'log') {
      const { stream, at, cut } = event;
      for (const line of event.lines) this.keepLine(event.tier, cut ? { stream, line, at, cut } : { stream, line, at });
    }
    if (event.type === 'shutdown' && event.phase === 'end') this.ended = true;
    this.emit(event);
  }

  private keepLine(tier: string, entry: Entry): void {
    const list = this.lines.get(tier) ?? [];
    list.push(entry);
    if (list.length > HELLO_LOG_LINES) list.splice(0, list.length - HELLO_LOG_LINES);
    this.lines.set(tier, list);
  }

  private emit(event: SupervisorEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The events stream dropped before the stack said it had stopped (land died, or cut this client off). */
  get lost(): boolean {
    return this.endedAs === 'lost' && !this.detached;
  }

  /** The stream is gone: whoever listens learns that the stack they watched has ended. */
  private end(how: StreamEnd): void {
    this.endedAs = how;
    if (!this.ended && !this.detached) {
      this.ended = true;
      this.current = { ...this.current, shuttingDown: true };
      this.emit({ type: 'shutdown', phase: 'end', reason: 'the stack is no longer reachable', at: Date.now() });
    }
    this.markClosed();
  }

  snapshot(): StackSnapshot {
    return this.current;
  }

  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  logs(name: string, limit?: number): Entry[] {
    if (!this.current.tiers.some((tier) => tier.name === name)) throw new ControlError('unknown-tier', unknownTiers([name], this.current.tiers.map((tier) => tier.name)));
    const list = this.lines.get(name) ?? [];
    return limit === undefined ? [...list] : list.slice(Math.max(0, list.length - limit));
  }

  private async command(path: string): Promise<void> {
    try {
      await requestJson(this.socketPath, 'POST', path);
    } catch (error) {
      throw asControlError(error);
    }
  }

  startTier(name: string, options: { force?: boolean } = {}): Promise<void> {
    return this.command(`/tiers/${encodeURIComponent(name)}/${options.force ? 'spawn' : 'start'}`);
  }

  stopTier(name: string): Promise<void> {
    return this.command(`/tiers/${encodeURIComponent(name)}/stop`);
  }

  restartTier(name: string): Promise<void> {
    return this.command(`/tiers/${encodeURIComponent(name)}/restart`);
  }

  restartAll(): Promise<void> {
    return this.command('/restart');
  }

  scaleTier(name: string, count: number): Promise<void> {
    return this.command(`/tiers/${encodeURIComponent(name)}/scale?replicas=${count}`);
  }

  /**
   * `l` in `land watch`: POST /tiers/<tier>/reload, as `land reload` sends it; each replica's step as its line comes,
   * then the roll's end. A refusal that comes with the command's turn, and a stream that ends without the roll's end,
   * reject as the supervisor's would.
   */
  async reloadTier(name: string, onStep?: (step: ReloadStep) => void): Promise<{ replicas: boolean; steps: ReloadStep[]; left: StillRunning[]; cut?: string }> {
    let answer: ReloadAnswer;
    try {
      answer = await requestReload(this.socketPath, name, (step) => onStep?.(step));
    } catch (error) {
      throw asControlError(error);
    }
    const { done, refused, end } = answer;
    if (refused) throw asControlError(refused);
    if (!done) throw new Error(end === 'lost' ? `the stack's answer was cut off before the reload of ${name} ended` : `the stack shut down before the reload of ${name} ended`);
    const { replicas, steps, left, cut } = done;
    return { replicas, steps, left: left ?? [], ...(cut !== undefined ? { cut } : {}) };
  }

  /** Asks the stack to shut down and resolves once it has (its events stream ended). */
  async shutdown(reason: string): Promise<void> {
    void reason; // The stack records its own reason: `land down`.
    await this.command('/shutdown');
    await this.closed;
  }

  /** Detach: stop following the stack; it keeps running. */
  close(): void {
    this.detached = true;
    this.stream?.close();
  }
}
