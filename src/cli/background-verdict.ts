/**
 * When `land up --background` calls the stack up: every tier that starts is ready, has completed (exited 0), or is
 * gated off (or was stopped on request meanwhile). A tier that crashed or failed its readiness probe before it was
 * ready, that land gave up on, or that cannot start because a dependency failed, ends the wait at once: the stack is
 * not up, whatever its restart policy may still do (as `docker compose up -d --wait` does).
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
  return tier.state === 'failed' && tier.reason !== crash.reason ? `${crash.reason} (${tier.reason})` : crash.reason;
}

/**
 * A failure, once seen: a life that crashed (a bad exit, a failed probe, over its memory limit) with no readiness
 * since. Judged by the `crashed` transition, not the exit code: a restart on request or on change ends the life by a
 * signal too, and is no failure.
 */
function failed(tier: TierSnapshot): boolean {
  // A scheduled tier's run, even a failed one, is not the stack's start: it runs again at its next time.
  if (tier.schedule) return false;
  if (tier.state === 'failed' || tier.state === 'crashed') return true;
  const crash = tier.history.findLast((step) => step.state === 'crashed');
  return crash !== undefined && (tier.readyAt === undefined || tier.readyAt < crash.at);
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
