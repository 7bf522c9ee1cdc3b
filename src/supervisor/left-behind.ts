/**
 * Processes a stop gave up on: land may not signal them (EPERM: e.g. they run as another user now, through `sudo`),
 * or they were still there after SIGKILL and the grace (uninterruptible sleep). Said when the stop gives up (a `stop-incomplete` event, the answer of `land stop` / `land restart`), and again at the shutdown's end
 * for those still running then, which also sets land's exit code (EXIT_LEFT_BEHIND). No imports: the control
 * clients print these lines too.
 */
/** What one stop could not end. */
export interface Leftovers {
  /** Every pid still there when the stop gave up. */
  pids: number[];
  /** Those of them that refused land's signal (EPERM). */
  denied: number[];
  /**
   * Each pid's start time (/proc) as the tree scan that found it read it: who has that pid later is another process
   * unless the start time matches. Internal: kept out of snapshots and events.
   */
  startTimes?: Readonly<Record<number, string>>;
}

/** The last stop's leftovers, in a tier's snapshot. */
export interface LeftBehind extends Leftovers {
  at: number;
}

/** At the shutdown's end: what is still running, by tier (none: found by the boot's mark in the last sweep). */
export interface StillRunning extends Leftovers {
  tier?: string;
}

/**
 * A process a daemon tier's failed start named as maybe its daemon (daemon-strays.ts): never signalled, since nothing
 * says it is the tier's, but named again at the shutdown's end while it still runs, so that "every tier stopped" is
 * not said of a stack that may have left its daemon running.
 */
export interface NamedStray {
  tier: string;
  pid: number;
  /** Its command name (/proc/<pid>/comm), control characters escaped where it is read (daemon-strays.ts commandName). */
  name: string;
}

/** The strays still running at the shutdown's end, one line each (land up's last lines, land down's). */
export function describeStrays(strays: readonly NamedStray[]): string[] {
  return strays.map(
    ({ tier, pid, name }) =>
      `pid ${pid} (${name}), which a failed start of tier ${tier} named as maybe its daemon, is still running: land did not stop it (nothing says it is ${tier}'s); stop it yourself if it is`,
  );
}

/** Frozen (arrays too): shared by every stop and signal that left nothing, so nobody may add to it. */
const NONE = Object.freeze([]) as unknown as number[];
export const NOTHING_LEFT: Leftovers = Object.freeze({ pids: NONE, denied: NONE });

const processes = (count: number) => `${count} process${count === 1 ? '' : 'es'}`;

/**
 * One line per cause: `1 process of tier api (pid 1234) could not be stopped: operation not permitted (…)`.
 * `owner`: `tier api`, or what the last sweep found.
 */
export function describeLeftovers(owner: string, left: Leftovers, afterKill: string): string[] {
  const refused = left.pids.filter((pid) => left.denied.includes(pid));
  const stayed = left.pids.filter((pid) => !left.denied.includes(pid));
  const lines: string[] = [];
  if (refused.length > 0) {
    lines.push(
      `${processes(refused.length)} of ${owner} (pid ${refused.join(', ')}) could not be stopped: operation not permitted ` +
        '(e.g. it runs as another user, through sudo)',
    );
  }
  if (stayed.length > 0) lines.push(`${processes(stayed.length)} of ${owner} (pid ${stayed.join(', ')}) could not be stopped: ${afterKill}`);
  return lines;
}

/** A tier's leftovers as said to a client (the start times stay inside land); none when nothing was left. */
export function ofTier(tier: string, left: Leftovers): StillRunning[] {
  return left.pids.length > 0 ? [{ tier, pids: [...left.pids], denied: [...left.denied] }] : [];
}

/** The lines land prints on stderr when its shutdown left processes running. */
export function describeStillRunning(left: readonly StillRunning[]): string[] {
  return left.flatMap((entry) => describeLeftovers(entry.tier === undefined ? 'this boot (found by its LAND_BOOT_ID mark)' : `tier ${entry.tier}`, entry, 'still running after SIGKILL'));
}

/** The same in one short line (the printer's last): `api pid 12, 13; pid 40 (by the boot's mark)`. */
export function summarizeStillRunning(left: readonly StillRunning[]): string {
  return left
    .map((entry) => `${entry.tier === undefined ? '' : `${entry.tier} `}pid ${entry.pids.join(', ')}${entry.tier === undefined ? " (by the boot's mark)" : ''}`)
    .join('; ');
}
