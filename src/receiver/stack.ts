/**
 * The receiver in `land up`: started before the first child (its port goes into every child's environment), from
 * the config's `receiver` key and the `--receiver-port` flag; a fixed port that cannot be had is bad input (exit 2,
 * nothing started). Its heavy half (protobufjs) loads on the first protobuf request.
 */
import type { BootPlan } from '../config/types.js';
import { cannotListen } from '../errors.js';
import type { PipeStatus, ReceiverStatus, StackSnapshot, SupervisorEvent } from '../supervisor/types.js';
import type { SpanSink } from '../telemetry/span-sdk.js';
import type { RecordedSpan } from '../telemetry/spans.js';
import type { StackIdentity } from './attribution.js';
import { startReceiver, type Receiver } from './receiver.js';
import { storeLimits } from './store/boot-store.js';

export interface StackReceiverOptions {
  plan: BootPlan;
  bootId: string;
  /** The boot's telemetry folder (the store goes under `receiver/` in it). */
  bootDir: string;
  /** The collector, when the OTLP pipe is on. */
  forwardTo?: string;
  /** `--receiver-port`: wins over the config's `receiver.port`. */
  port?: number;
}

/** A span sink that can be pointed at the store once the receiver listens (mountain's telemetry starts first). */
export class SinkProxy implements SpanSink {
  target: SpanSink | undefined;
  recordSpan(line: RecordedSpan): void {
    this.target?.recordSpan(line);
  }
  flush(): void {
    this.target?.flush();
  }
}

export function receiverOff(reason: string): ReceiverStatus {
  const forward: PipeStatus = { state: 'off', sent: 0, dropped: 0 };
  return { state: 'off', reason, requests: { accepted: 0, rejected: 0, refused: 0 }, tiers: {}, forward };
}

/** The stack's receiver, or undefined when the config turns it off. */
export async function openStackReceiver(options: StackReceiverOptions): Promise<Receiver | undefined> {
  const config = options.plan.config.receiver;
  if (!config.enabled) return undefined;
  const port = options.port ?? config.port;
  try {
    return await startReceiver({
      port,
      bootId: options.bootId,
      bootDir: options.bootDir,
      identity: {
        app: options.plan.config.app,
        tiers: options.plan.config.tiers.map((tier) => tier.tier),
        names: Object.fromEntries(options.plan.config.tiers.map((tier) => [tier.name, tier.tier])),
      },
      // followTiers keeps it in line with the supervisor's tiers once the supervisor exists.
      limits: storeLimits(config.limits),
      maxBodyBytes: config.maxBodyBytes,
      forwardTo: options.forwardTo,
    });
  } catch (error) {
    const key = options.port !== undefined ? '--receiver-port' : 'receiver.port';
    throw cannotListen(key, port, error);
  }
}

/** What the receiver follows: the supervisor, which owns the tiers and publishes their changes. */
export interface TierSource {
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
  snapshot(): Pick<StackSnapshot, 'app' | 'tiers'>;
}

/** The stack's tiers as the receiver attributes by them: each telemetry tier, each instance's and group's name. */
export function identityOf(snapshot: Pick<StackSnapshot, 'app' | 'tiers'>): StackIdentity {
  const names: Record<string, string> = {};
  for (const tier of snapshot.tiers) {
    names[tier.name] = tier.tier;
    if (tier.group !== undefined) names[tier.group] = tier.tier;
  }
  return { app: snapshot.app, tiers: [...new Set(snapshot.tiers.map((tier) => tier.tier))], names };
}

/**
 * The receiver follows the supervisor's tiers: a tier added by `land apply` (or `--watch-config`), a replica added
 * by `land scale`, a tier renamed (`tier:`) is known before its first process starts (a tier's `starting` comes
 * before its spawn); a removed one is forgotten (its last life's exports came before its stop ended). A burst of
 * events (a boot's, an apply's) reads the tiers once. Returns the unsubscribe function.
 */
export function followTiers(receiver: Pick<Receiver, 'setIdentity'>, source: TierSource): () => void {
  let queued = false;
  const refresh = () => {
    queued = false;
    receiver.setIdentity(identityOf(source.snapshot()));
  };
  return source.subscribe((event) => {
    if (event.type === 'log' || queued) return;
    const changed = (event.type === 'state' && event.to === 'starting') || event.type === 'removed' || event.type === 'scale';
    if (!changed) return;
    queued = true;
    queueMicrotask(refresh);
  });
}
