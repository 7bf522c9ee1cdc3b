/**
 * When `land up --background` calls the stack up: every tier that starts is ready, has completed (exited 0), or is
 * gated off (or was stopped on request meanwhile). A tier that crashes while its restart policy will start it again
 * is waited for (as `docker compose up --wait` waits out a container's restarts); one that failed for good (its
 * restart budget spent, no restart policy, or a dependency that failed for good) ends the wait.
 */
import type { ExitInfo, StackSnapshot, TierSnapshot } from '../supervisor/types.js';

export type Verdict =
  | { kind: 'waiting'; tiers: string[] }
  | { kind: 'up' }
  | { kind: 'failed'; failures: Array<{ tier: string; reason: string }> }
  | { kind: 'shutting-down' };

const SETTLED = new Set(['ready', 'disabled', 'stopped']);

function clean(exit: ExitInfo): boolean {
  return exit.code === 0 && exit.signal === null && !exit.givenUp;
}

/** Why the tier failed: the crash (a probe's message, an exit code) and, if land then gave up, why. */
function failureReason(tier: TierSnapshot): string {
  const crash = [...tier.history].reverse().find((step) => step.state === 'crashed');
  if (!crash) return tier.reason;
  return tier.reason !== crash.reason ? `${crash.reason} (${tier.reason})` : crash.reason;
}

/**
 * Failed for good: land will not start it again by itself. `crashed` is passed through on the way to `backoff` or
 * `failed`, so it is no verdict yet.
 */
function failed(tier: TierSnapshot): boolean {
  // A scheduled tier's run, even a failed one, is not the stack's start: it runs again at its next time.
  return !tier.schedule && tier.state === 'failed';
}

function settled(tier: TierSnapshot): boolean {
  // A scheduled tier never holds the stack up: it runs at its times, not at the start.
  if (SETTLED.has(tier.state) || tier.schedule) return true;
  // Completed (a one-shot), or completed and about to run again (`restart: always`).
  return (tier.state === 'exited' || tier.state === 'backoff') && tier.lastExit !== undefined && clean(tier.lastExit);
}

export function verdict(snapshot: StackSnapshot): Verdict {
  if (snapshot.shuttingDown) return { kind: 'shutting-down' };
  const failures = snapshot.tiers.filter(failed).map((tier) => ({ tier: tier.name, reason: failureReason(tier) }));
  if (failures.length > 0) return { kind: 'failed', failures };
  const waiting = snapshot.tiers.filter((tier) => !settled(tier)).map((tier) => tier.name);
  return waiting.length > 0 ? { kind: 'waiting', tiers: waiting } : { kind: 'up' };
}

/**
 * The crashes land is restarting, said as they happen while the wait goes on: each `backoff` that follows a
 * `crashed` in a tier's history, newer than `seen` (the last one said of that tier, updated here).
 */
export function restartedCrashes(snapshot: StackSnapshot, seen: Map<string, number>): string[] {
  const lines: string[] = [];
  for (const tier of snapshot.tiers) {
    const since = seen.get(tier.name) ?? 0;
    tier.history.forEach((step, i) => {
      const crash = tier.history[i - 1];
      if (step.state !== 'backoff' || step.at <= since || crash?.state !== 'crashed') return;
      seen.set(tier.name, step.at);
      lines.push(`${tier.name} crashed: ${crash.reason}; ${step.reason}`);
    });
  }
  return lines;
}
