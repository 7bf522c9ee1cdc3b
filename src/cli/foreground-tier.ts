/**
 * `land spawn <tier>` with no stack running runs that tier in the foreground, and the command ends with it: a tier
 * that completes ends it with its exit code (0), a tier that fails with a non-zero code (see exitCodeOf) and the
 * reason. A tier
 * that keeps running keeps the command running until Ctrl-C (or `land down`), as `land up` does.
 */
import { constants } from 'node:os';
import type { BootPlan } from '../config/types.js';
import type { Supervisor } from '../supervisor/supervisor.js';
import type { TierSnapshot } from '../supervisor/types.js';

/**
 * The command's exit code for a tier that ended: its own exit's when it ended by itself (the code, or 128 + the
 * signal), 1 when land ended it (a failed probe, spawn or dependency).
 */
export function exitCodeOf(tier: TierSnapshot): number {
  if (tier.state === 'exited') return tier.lastExit?.code ?? 0;
  const crash = tier.history.findLast((transition) => transition.state === 'crashed');
  const exit = tier.lastExit;
  if (!exit || !crash?.reason.startsWith('exited with')) return 1;
  if (exit.code) return exit.code;
  const signal = exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined;
  return signal ? 128 + signal : 1;
}

/** One line: how it ended, with the crash that led there when the failure itself is the policy's verdict. */
export function describeEnd(tier: TierSnapshot): string {
  if (tier.state === 'exited') return `land: ${tier.name} ${tier.reason}`;
  const crash = tier.history.findLast((transition) => transition.state === 'crashed');
  const why = crash ? `${crash.reason}; ${tier.reason}` : tier.reason;
  const exit = tier.lastExit;
  const last = !exit
    ? ''
    : exit.givenUp
      ? ' (no exit: land gave up on the process)'
      : exit.daemonEnded
        ? ' (no exit code: its daemon ended)'
        : ` (last exit: ${exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`})`;
  return `land: ${tier.name} failed: ${why}${last}`;
}

/** Resolves with the command's exit code once the tier has ended for good (a restart may follow an exit). */
export function foregroundTier(supervisor: Supervisor, plan: BootPlan, name: string): Promise<number> {
  const notStarted = plan.tiers.find((tier) => tier.name === name)?.notStarted;
  if (notStarted?.length) {
    process.stderr.write(`land: ${name} runs alone: not started: ${notStarted.join(', ')} (--with-deps starts them)\n`);
  }
  return new Promise((resolve) => {
    const stop = supervisor.subscribe((event) => {
      if (event.type !== 'state' || event.tier !== name || (event.to !== 'exited' && event.to !== 'failed')) return;
      // After the exit's own follow-up (a restart under policy `always` moves it to backoff in the same turn).
      setImmediate(() => {
        const tier = supervisor.snapshot().tiers.find((candidate) => candidate.name === name)!;
        if (tier.state !== 'exited' && tier.state !== 'failed') return;
        stop();
        process.stderr.write(`${describeEnd(tier)}\n`);
        resolve(exitCodeOf(tier));
      });
    });
  });
}
