/**
 * The processes a daemon tier's failed starts named as maybe its daemon (left-behind.ts NamedStray), kept by
 * identity to be named again at the shutdown's end. Bounded: a tier whose daemon start keeps failing would otherwise
 * add entries at every attempt for as long as land runs.
 */
import { sameProcess } from './proc-stat.js';

export interface KnownStray {
  pid: number;
  startTime: string;
  name: string;
}

/** At most this many are kept, the newest: the shutdown's end names what still runs, not a history. */
export const MAX_NAMED_STRAYS = 32;

/** Those of `known` still running: the same pid with the same start time. */
export function runningStrays<T extends KnownStray>(known: readonly T[]): T[] {
  return known.filter(({ pid, startTime }) => sameProcess(pid, startTime) !== undefined);
}

/** Adds `found` to `known` in place: entries no longer the same process go, duplicates are not added, the newest kept. */
export function addStrays<T extends KnownStray>(known: T[], found: readonly T[]): void {
  const running = runningStrays(known);
  for (const stray of found) {
    if (!running.some((entry) => entry.pid === stray.pid && entry.startTime === stray.startTime)) running.push(stray);
  }
  known.splice(0, known.length, ...running.slice(-MAX_NAMED_STRAYS));
}
