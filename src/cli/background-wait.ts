/**
 * `land up --background`, the wait: the background land's /events stream is read (its snapshots only; the log
 * lines are skipped unparsed) until the stack is up or a tier failed (background-verdict.ts), the stack stopped, the
 * wait ran out, or a signal (Ctrl-C) ended it. Nothing here stops the stack.
 */
import type { ResolvedTier, BootPlan } from '../config/types.js';
import { DEFAULTS } from '../config/resolve.js';
import type { EventStreamMessage } from '../control/protocol.js';
import type { StackSnapshot } from '../supervisor/types.js';
import { connectWhenListening, type BackgroundLand } from './background-start.js';
import { restartedCrashes, verdict, type Verdict } from './background-verdict.js';

/** What land itself may take before its first tier is on its way (the config's load, telemetry, the sockets). */
const START_MARGIN_MS = 15_000;

/**
 * The default wait: the longest chain of tiers that wait on one another, each given its readiness timeout (or the
 * default one: a tier without a probe may be a one-shot a dependent waits for), plus land's own start.
 */
export function defaultWaitMs(plan: BootPlan): number {
  const tiers = new Map<string, ResolvedTier>(plan.config.tiers.map((tier) => [tier.name, tier]));
  const enabled = new Set(plan.tiers.filter((tier) => tier.enabled).map((tier) => tier.name));
  const memo = new Map<string, number>();
  const chain = (name: string, seen: Set<string>): number => {
    const tier = tiers.get(name);
    if (!tier || !enabled.has(name) || seen.has(name)) return 0;
    const known = memo.get(name);
    if (known !== undefined) return known;
    const own = tier.ready?.timeoutMs ?? DEFAULTS.tier.ready.timeoutMs;
    const deps = Object.keys(tier.dependsOn).map((dep) => chain(dep, new Set([...seen, name])));
    const total = own + Math.max(0, ...deps);
    memo.set(name, total);
    return total;
  };
  // Bounded by what a timer takes (readiness timeouts are each bounded, a long chain of them need not be).
  return Math.min(2 ** 31 - 1, START_MARGIN_MS + Math.max(0, ...[...enabled].map((name) => chain(name, new Set()))));
}

export type WaitEnd =
  /** The background land exited: before it listened (bad input it found itself), or during the wait. */
  | { kind: 'exited'; code: number }
  | { kind: 'decided'; verdict: Exclude<Verdict, { kind: 'waiting' }>; snapshot: StackSnapshot }
  | { kind: 'timeout'; waiting: string[]; snapshot?: StackSnapshot }
  | { kind: 'signal'; signal: NodeJS.Signals };

const WAIT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Only the messages that carry a snapshot are parsed: an event line (mostly log lines) is skipped by its start. */
function snapshotOf(line: string): StackSnapshot | undefined {
  if (line.startsWith('{"kind":"event"')) return undefined;
  const message = JSON.parse(line) as EventStreamMessage;
  return message.kind === 'event' ? undefined : message.snapshot;
}

/**
 * Until the stack is up or failed, the background land exited, the wait ran out or a signal came. A stream that
 * ends (the stack shut down) is followed by the land's exit, which says how it ended. `say`: each crash land
 * restarts meanwhile, as it happens.
 */
export async function waitUntilUp(rootDir: string, land: BackgroundLand, timeoutMs: number, say: (line: string) => void): Promise<WaitEnd> {
  let latest: StackSnapshot | undefined;
  const crashesSaid = new Map<string, number>();
  let decide!: (end: WaitEnd) => void;
  const decided = new Promise<WaitEnd>((resolve) => (decide = resolve));
  let over = false;
  const onSignal = (signal: NodeJS.Signals) => decide({ kind: 'signal', signal });
  for (const signal of WAIT_SIGNALS) process.on(signal, onSignal);
  void land.exited.then((code) => decide({ kind: 'exited', code }));
  const timer = setTimeout(() => {
    const state = latest && verdict(latest);
    decide({ kind: 'timeout', waiting: state?.kind === 'waiting' ? state.tiers : [], snapshot: latest });
  }, timeoutMs);
  const onLine = (line: string) => {
    const snapshot = snapshotOf(line);
    // Another land's (one started between the checks and the fork): ours exits 4 and says so.
    if (!snapshot || snapshot.pid !== land.child.pid) return;
    latest = snapshot;
    for (const line of restartedCrashes(snapshot, crashesSaid)) say(line);
    const state = verdict(snapshot);
    if (state.kind !== 'waiting') decide({ kind: 'decided', verdict: state, snapshot });
  };
  const connecting = connectWhenListening(rootDir, land, onLine, () => over);
  try {
    return await Promise.race([decided, connecting.then(() => decided)]);
  } finally {
    over = true;
    clearTimeout(timer);
    for (const signal of WAIT_SIGNALS) process.off(signal, onSignal);
    // Whatever ended the wait, the stream goes with it (the loop sees `over` within one try).
    (await connecting.catch(() => undefined))?.close();
  }
}
