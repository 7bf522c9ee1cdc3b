/**
 * `land reload <tier>` (PM2's `reload`): a tier's replicas restarted one at a time, so the others serve meanwhile.
 * Each is stopped (bounded, as by a restart: the same stop, spawn, events and span), started, and waited for until
 * it is ready (its readiness probe; none: it stayed up SETTLE_MS) before the next. A replica whose new life is not
 * ready (it crashed, failed its probe, or the probe's timeoutMs ran out) stops the roll there: the replicas after it
 * are left untouched, on their old process, and it is left to its restart policy. A tier without replicas is a roll
 * of one: a restart, waited for until ready. The watch rolls replicas the same way (restart-on-change.ts).
 *
 * The supervisor runs a roll as one command in the tier's turn (command-queue.ts), and it gives way: a later command
 * on the tier (`land scale`, `land stop`, `land restart`, another `land reload`) or the shutdown cuts it short after
 * the step under way, whose stop is bounded and whose wait for ready ends at once (that replica goes on starting on
 * its own). So none of them waits for the rest of a roll, and `land down` never does.
 */
import { ControlError } from './control-error.js';
import { ofTier, type StillRunning } from './left-behind.js';
import type { TierProcess } from './tier-process.js';
import type { ReloadStep, SupervisorEvent, TierState } from './types.js';

/** What a roll needs from the stack: its events (a replica's state), and whether it is shutting down. */
export interface RollHost {
  readonly shuttingDown: boolean;
  subscribe(listener: (event: SupervisorEvent) => void): () => void;
}

export type StepListener = (step: ReloadStep) => void;

export interface RollOptions {
  host: RollHost;
  /** Aborted when a later command waits behind the roll (its reason names it: command-queue.ts). */
  later?: AbortSignal;
  /** Hears each step as it ends. */
  onStep?: StepListener;
}

export interface RollResult {
  steps: ReloadStep[];
  /** What the stops of the roll gave up on, by replica. */
  left: StillRunning[];
  /** What cut the roll short (`the stack's shutdown`, `land scale api 2`): the rest are `untouched`. */
  cut?: string;
}

/** `land reload`'s answer: the roll, and whether the tier runs replicas (without: the reload was a restart). */
export interface ReloadResult extends RollResult {
  replicas: boolean;
}

/** A new life that reaches one of these before `ready` did not become ready: the roll stops there. */
const NOT_READY: ReadonlySet<TierState> = new Set(['crashed', 'failed', 'exited', 'stopped', 'backoff']);

/** What cuts the roll short now, if anything: the shutdown, or a later command. */
function cutBy({ host, later }: RollOptions): string | undefined {
  if (host.shuttingDown) return "the stack's shutdown";
  return later?.aborted ? `land ${String(later.reason)}` : undefined;
}

type Outcome = 'ready' | 'failed' | 'cut';
/** The state that decided it, as it was then: a crash is followed by a backoff in the same turn, before the roll reads on. */
type Decided = { outcome: Outcome; state?: TierState; reason?: string };

/**
 * How the tier's new life turns out: ready, or the first state that says it will not be, or cut short (the shutdown,
 * a later command). Event-driven: a state event of this tier, the shutdown's, the later command's abort. Read once at
 * once (a spawn that failed at once has said so already), unless node has yet to say how the spawn went: the state
 * is still the last life's until then.
 */
function outcomeOf(tier: TierProcess, options: RollOptions): Promise<Decided> {
  const { host, later } = options;
  const now = (): Outcome | undefined =>
    cutBy(options) ? 'cut' : tier.state === 'ready' ? 'ready' : NOT_READY.has(tier.state) ? 'failed' : undefined;
  const first = tier.spawning && !cutBy(options) ? undefined : now();
  if (first) return Promise.resolve({ outcome: first });
  return new Promise((resolve) => {
    const settle = (decided: Decided) => {
      unsubscribe();
      later?.removeEventListener('abort', onAbort);
      resolve(decided);
    };
    const onAbort = () => settle({ outcome: 'cut' });
    const unsubscribe = host.subscribe((event) => {
      // The shutdown's begin is published before `shuttingDown` reads true.
      if (event.type === 'shutdown') return settle({ outcome: 'cut' });
      if (event.type !== 'state' || event.tier !== tier.name) return;
      const outcome = now();
      if (outcome) settle({ outcome, state: event.to, reason: event.reason });
    });
    later?.addEventListener('abort', onAbort, { once: true });
  });
}

function stepOf(tier: TierProcess, outcome: ReloadStep['outcome'], before: number | undefined, decided?: Decided): ReloadStep {
  const { state, reason, pid } = tier.snapshot();
  const at = decided?.state !== undefined ? { state: decided.state, reason: decided.reason ?? reason } : { state, reason };
  return { name: tier.name, outcome, ...(before !== undefined ? { before } : {}), ...(pid !== undefined ? { pid } : {}), ...at };
}

/**
 * Restart `tiers` one at a time, each ready before the next; `reason` is each one's stop and start reason. Those not
 * running go first (a crashed or stopped replica serves nobody: starting it costs no capacity, and if it fails, no
 * running replica was touched); then the running ones by number.
 */
export async function rollInstances(tiers: readonly TierProcess[], reason: string, options: RollOptions): Promise<RollResult> {
  const order = [...tiers].sort((a, b) => Number(a.running) - Number(b.running));
  const steps: ReloadStep[] = [];
  const left: StillRunning[] = [];
  const say = (step: ReloadStep) => {
    steps.push(step);
    options.onStep?.(step);
  };
  let failed = false;
  let cut: string | undefined;
  for (const tier of order) {
    // Removed by a `land scale` meanwhile (a watch's roll does not take the tier's turn): nothing to reload.
    if (tier.removed !== undefined) continue;
    const before = tier.snapshot().pid;
    if (!failed) cut ??= cutBy(options);
    if (failed || cut) {
      say(stepOf(tier, 'untouched', before));
      continue;
    }
    if (tier.running) left.push(...ofTier(tier.name, await tier.restart(reason)));
    else tier.startFresh(reason);
    // Removed while it stopped: not started again, so no state will come.
    if (tier.removed !== undefined) continue;
    const decided = await outcomeOf(tier, options);
    const { outcome } = decided;
    failed = outcome === 'failed';
    if (outcome === 'cut') cut = cutBy(options) ?? "the stack's shutdown";
    say(stepOf(tier, outcome === 'cut' ? 'started' : outcome, before, decided));
  }
  return { steps, left, ...(cut ? { cut } : {}) };
}

/** `land reload <name>`: the checks of a restart (shutting down, gated off, `refuseUnmet`: a dependency not holding), then the roll. */
export async function reloadTiers(name: string, tiers: TierProcess[], options: RollOptions, refuseUnmet: (tiers: TierProcess[]) => void): Promise<ReloadResult> {
  if (options.host.shuttingDown) throw new ControlError('shutting-down', 'the stack is shutting down');
  const gated = tiers.find((tier) => tier.state === 'disabled');
  if (gated) throw new ControlError('gated', `${name} is gated off by ${gated.gatedBy}; spawn it to override the gate`);
  // A job has no service to keep up while it restarts; running it now unasked could do its work twice.
  const schedule = tiers[0]?.config.schedule;
  if (schedule !== undefined) throw new ControlError('scheduled', `${name} is a scheduled tier (${schedule}): there is nothing to reload; land start ${name} runs it now`);
  refuseUnmet(tiers);
  const result = await rollInstances(tiers, 'reloading on request', options);
  return { replicas: tiers[0]?.config.group !== undefined, ...result };
}
