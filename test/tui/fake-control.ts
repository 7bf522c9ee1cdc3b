/**
 * A SupervisorControl for component tests: a plain snapshot object the test mutates, an event emitter, and a record
 * of the commands the UI sent. The real supervisor is covered end to end elsewhere.
 */
import { EventEmitter } from 'node:events';
import type {
  LogStream,
  ReloadStep,
  StackSnapshot,
  SupervisorControl,
  SupervisorEvent,
  TierSnapshot,
  TierState,
} from '../../src/supervisor/types.js';

export const T0 = 1_700_000_000_000;

export function tier(name: string, state: TierState, extra: Partial<TierSnapshot> = {}): TierSnapshot {
  return {
    name,
    tier: name,
    state,
    reason: '',
    since: T0,
    restarts: 0,
    dependsOn: {},
    history: [{ state, at: T0, reason: '' }],
    ...extra,
  };
}

export function stack(tiers: TierSnapshot[], extra: Partial<StackSnapshot> = {}): StackSnapshot {
  return {
    app: 'land-demo',
    profile: 'debug',
    bootId: 'b-7f3a',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    pid: 4242,
    startedAt: T0 - 184_000,
    shuttingDown: false,
    tiers,
    telemetry: {
      posthog: { state: 'off', sent: 0, dropped: 0, reason: 'no Authorize key' },
      otlp: { state: 'unavailable', sent: 3, dropped: 7 },
      record: { state: 'on', sent: 40, dropped: 0 },
    },
    ...extra,
  };
}

export type Call = { command: 'start' | 'stop' | 'restart' | 'reload' | 'restart-all' | 'scale' | 'shutdown'; target: string; force?: boolean; count?: number };

export class FakeControl implements SupervisorControl {
  readonly events = new EventEmitter();
  readonly calls: Call[] = [];
  readonly logLines = new Map<string, Array<{ stream: LogStream; line: string; at: number }>>();
  snapshotReads = 0;
  /** Replace to make a command fail or take time. */
  onCommand: (call: Call) => Promise<void> = async () => {};
  onShutdown: (reason: string) => Promise<void> = async () => {};

  constructor(public state: StackSnapshot) {
    this.events.setMaxListeners(0);
  }

  snapshot(): StackSnapshot {
    this.snapshotReads += 1;
    return structuredClone(this.state);
  }

  subscribe(listener: (event: SupervisorEvent) => void): () => void {
    this.events.on('event', listener);
    return () => {
      this.events.off('event', listener);
    };
  }

  startTier(name: string, options?: { force?: boolean }): Promise<void> {
    return this.command({ command: 'start', target: name, force: options?.force });
  }

  stopTier(name: string): Promise<void> {
    return this.command({ command: 'stop', target: name });
  }

  restartTier(name: string): Promise<void> {
    return this.command({ command: 'restart', target: name });
  }

  /** A roll in which every instance of the name became ready (a tier's replicas by `group`). */
  async reloadTier(name: string): Promise<{ replicas: boolean; steps: ReloadStep[]; left: [] }> {
    await this.command({ command: 'reload', target: name });
    const instances = this.state.tiers.filter((tier) => tier.name === name || tier.group === name);
    const steps = instances.map((tier): ReloadStep => ({ name: tier.name, outcome: 'ready', state: 'ready', reason: 'ready' }));
    return { replicas: instances.some((tier) => tier.group !== undefined), steps, left: [] };
  }

  restartAll(): Promise<void> {
    return this.command({ command: 'restart-all', target: '' });
  }

  scaleTier(name: string, count: number): Promise<void> {
    return this.command({ command: 'scale', target: name, count });
  }

  logs(name: string, limit = 100): Array<{ stream: LogStream; line: string; at: number }> {
    return (this.logLines.get(name) ?? []).slice(-limit);
  }

  shutdown(reason: string): Promise<void> {
    this.calls.push({ command: 'shutdown', target: reason });
    return this.onShutdown(reason);
  }

  get listenerCount(): number {
    return this.events.listenerCount('event');
  }

  /** Change a tier's state the way the supervisor would, and announce it. */
  transition(name: string, to: TierState, extra: Partial<TierSnapshot> = {}): void {
    const target = this.tier(name);
    const from = target.state;
    Object.assign(target, { state: to, reason: extra.reason ?? target.reason, since: T0 }, extra);
    this.emit({ type: 'state', tier: name, from, to, reason: target.reason, at: T0 });
  }

  /** A log line: kept for logs(), shown as the tier's last line, and published. */
  log(name: string, line: string, stream: LogStream = 'stdout'): void {
    const lines = this.logLines.get(name) ?? [];
    lines.push({ stream, line, at: T0 });
    if (lines.length > 5000) lines.splice(0, lines.length - 5000);
    this.logLines.set(name, lines);
    this.tier(name).lastLine = line;
    this.emit({ type: 'log', tier: name, stream, lines: [line], at: T0 });
  }

  emit(event: SupervisorEvent): void {
    this.events.emit('event', event);
  }

  tier(name: string): TierSnapshot {
    const found = this.state.tiers.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no tier ${name}`);
    return found;
  }

  private command(call: Call): Promise<void> {
    this.calls.push(call);
    return this.onCommand(call);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Poll until `check` passes (generous limit: only to avoid hanging, never a timing assertion). */
export async function waitFor(check: () => boolean, what: string | (() => string), limitMs = 5000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(10);
  }
}

const ANSI = /\u001B\[[0-9;?]*[A-Za-z]/g;

/** A frame without its escape sequences. */
export function plain(frame: string | undefined): string {
  return (frame ?? '').replace(ANSI, '');
}
