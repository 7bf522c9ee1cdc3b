/**
 * When the time-dependent text on screen next changes, so the UI draws a frame then and at no other moment for the
 * clock's sake: the header's uptime, each live tier's uptime, a backoff countdown, a restart-on-change note that
 * expires. Uptimes show seconds for the first 10 minutes, then minutes, then hours (formatUptime), so an idle stack
 * that has been up a while is drawn once a minute, not once a second.
 */
import type { StackSnapshot } from '../supervisor/types.js';
import { CHANGE_NOTE_MS, isAlive } from './tier-view.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** The step of formatUptime at this age: how long until its text can change. */
function uptimeStep(ageMs: number): number {
  if (ageMs < 10 * MINUTE) return SECOND;
  if (ageMs < 24 * HOUR) return MINUTE;
  return HOUR;
}

/** Milliseconds from `ageMs` to the next multiple of the step its text moves by. */
function untilNextStep(ageMs: number): number {
  if (ageMs < 0) return -ageMs; // a start time just ahead of this clock: it shows '-' until then
  const step = uptimeStep(ageMs);
  return step - (ageMs % step);
}

/** How long until some time-dependent text changes (the header's uptime always does, in time). */
export function nextChangeIn(snapshot: StackSnapshot, now: number): number {
  let soonest = untilNextStep(now - snapshot.startedAt);
  const consider = (ms: number) => {
    if (ms > 0 && ms < soonest) soonest = ms;
  };
  // An indexed loop: idle land runs in V8's interpreter, where a for-of makes an iterator result per tier every tick.
  const { tiers } = snapshot;
  for (let index = 0; index < tiers.length; index += 1) {
    const tier = tiers[index]!;
    if (isAlive(tier)) consider(untilNextStep(now - (tier.startedAt ?? tier.since)));
    // The countdown shows whole seconds rounded up: it moves as the time left crosses each whole second.
    if (tier.state === 'backoff' && tier.nextRestartAt !== undefined && tier.nextRestartAt > now) {
      consider((tier.nextRestartAt - now) % SECOND || SECOND);
    }
    const change = tier.watch?.lastChange;
    if (change) consider(change.at + CHANGE_NOTE_MS + 1 - now);
  }
  return soonest;
}

export interface TickTimer {
  /** Call onTick once, `delayMs` from now (replacing what was scheduled). */
  schedule(delayMs: number): void;
  stop(): void;
}

export function createTickTimer(onTick: () => void): TickTimer {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  return {
    schedule(delayMs) {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        onTick();
      }, delayMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
