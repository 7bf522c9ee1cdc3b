/**
 * The stack's last stage: a graceful shutdown in reverse dependency order (each tier in its turn, after its
 * dependents), a sweep of anything still carrying the boot's mark, and what was left; or, on a second Ctrl-C or land
 * itself failing, SIGKILL to everything at once.
 */
import { endTree, STOP_GRACE_MS } from './bounded-stop.js';
import type { CommandQueue } from './command-queue.js';
import { signalTree, type TreeTarget } from './process-tree.js';
import { groupOf } from './replicas.js';
import { stillRunning, straysRunning, type RemovedLeftovers } from './stack-leftovers.js';
import type { TierProcess } from './tier-process.js';
import type { TierSet } from './tier-set.js';
import type { SupervisorEvent } from './types.js';
import { steadyNow } from '../runtime/steady-clock.js';

export interface ShutdownParts {
  tiers: TierSet;
  commands: CommandQueue;
  removed: RemovedLeftovers;
  bootId: string;
  emit: (event: SupervisorEvent) => void;
  /** What watches and timers the stack runs are closed first (the memory watch, schedules, file watches). */
  closeWatches: () => Promise<void>;
}

/**
 * The last sweep's target: anything still carrying this boot's mark (daemons that escaped every tree). At the
 * shutdown's end it is swept until none is left (a SIGKILLed process counts until the kernel has taken it).
 */
const marked = (bootId: string): TreeTarget => ({ marks: { LAND_BOOT_ID: bootId } });

/** Graceful shutdown in reverse dependency order; resolves when nothing land started is left. */
export async function stopStack(parts: ShutdownParts, reason: string): Promise<void> {
  const { tiers, commands, removed, emit } = parts;
  emit({ type: 'shutdown', phase: 'begin', reason, at: Date.now() });
  await parts.closeWatches();
  const ordered = tiers.all();
  const stopping = new Map<string, Promise<void>>();
  for (const tier of ordered.reverse()) {
    const dependents = ordered.filter((other) => groupOf(tier.config) in other.config.dependsOn);
    const after = Promise.all(dependents.map((dep) => stopping.get(dep.name)));
    stopping.set(tier.name, after.then(() => commands.run(tier.name, 'shutdown', () => stopForShutdown(tier))));
  }
  await Promise.all(stopping.values());
  const swept = await endTree(marked(parts.bootId), 'SIGKILL', steadyNow(), steadyNow() + STOP_GRACE_MS);
  await Promise.all(ordered.map((tier) => tier.closeLog()));
  const left = stillRunning(tiers.all(), removed, swept);
  // Named, never signalled: a failed daemon start's orphans may be the tier's daemon, or anybody's.
  const strays = straysRunning(tiers.all(), removed);
  emit({ type: 'shutdown', phase: 'end', reason, at: Date.now(), ...(left.length > 0 ? { left } : {}), ...(strays.length > 0 ? { strays } : {}) });
}

async function stopForShutdown(tier: TierProcess): Promise<void> {
  if (tier.state === 'pending') return tier.setState('stopped', 'shutdown before it started');
  await tier.stop('shutting down');
}

/** A second Ctrl-C, or land itself failing: SIGKILL everything now, synchronously. */
export function killStack(tiers: TierSet, bootId: string): void {
  for (const tier of tiers.all()) tier.killNow();
  signalTree(marked(bootId), 'SIGKILL');
}
