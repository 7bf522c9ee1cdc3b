/**
 * One timer for what the UI does by the clock while the stack is idle: the tick that moves the uptimes (when their
 * text changes, at most once a second), the usage sample (every 2 s) and the counters' poll (every 2 s). Each is a
 * deadline; the timer wakes for the earliest and runs, in that one wake-up, every job due by then and a sample or a poll
 * due within SLACK_MS (never the tick before its time: the text changes then). So a sample and a poll ride the tick
 * that moves the uptimes: one wake-up and one write to the terminal a second where
 * there were three timers and up to two writes. Nothing is late by more than the slack is early: a sample taken up
 * to 0.5 s before its 2 s are up measures CPU over the time that really passed.
 */
export type ClockJob = 'tick' | 'sample' | 'poll';

export interface UiClock {
  /** Run `job` at `time` (ms since the epoch), replacing when it was due. */
  at(job: ClockJob, time: number): void;
  stop(): void;
}

export const SLACK_MS = 500;
/** A timer may fire a millisecond before Date.now() reaches its deadline. */
const TIMER_JITTER_MS = 2;

/** `run` gets the jobs due at each wake-up; it sets each job's next deadline itself (a job not set again stops). */
export function createUiClock(run: (due: ReadonlySet<ClockJob>) => void, clock: () => number = Date.now): UiClock {
  const deadlines = new Map<ClockJob, number>();
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let stopped = false;

  const arm = (): void => {
    const earliest = Math.min(...deadlines.values());
    if (stopped || earliest === timerAt) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    timerAt = earliest;
    if (earliest === Infinity) return;
    timer = setTimeout(wake, Math.max(0, earliest - clock()));
    timer.unref();
  };
  const wake = (): void => {
    timer = undefined;
    timerAt = Infinity;
    const now = clock();
    const due = new Set<ClockJob>();
    // The tick only when due (its text changes then, not before); the others may come early to ride along.
    for (const [job, at] of deadlines) if (at <= now + (job === 'tick' ? TIMER_JITTER_MS : SLACK_MS)) due.add(job);
    for (const job of due) deadlines.delete(job);
    if (due.size > 0) run(due);
    arm();
  };
  return {
    at(job, time) {
      if (stopped) return;
      deadlines.set(job, time);
      arm();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      deadlines.clear();
    },
  };
}
