/** What `land status` and the terminal UI say of a scheduled tier (its snapshot's `schedule`): no croner here. */
import type { ScheduleStatus } from './types.js';

/** `10:05:00`, local time, as a crontab's times are read; with the date when it is not the day of `now`. */
export function clockTime(at: number, now = at): string {
  const date = new Date(at);
  const time = date.toTimeString().slice(0, 8);
  if (date.toDateString() === new Date(now).toDateString()) return time;
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `${day} ${time}`;
}

/** `next run 10:05:00`, or why there is none (paused by a stop, or the stack is stopping). */
export function nextRunText(schedule: ScheduleStatus, now: number): string {
  return schedule.nextRunAt === undefined ? 'no next run' : `next run ${clockTime(schedule.nextRunAt, now)}`;
}

/** `3 runs, 1 skipped (10:04:00: the last run (pid 4211) is still going)`; empty before its first time. */
export function runsText(schedule: ScheduleStatus, now: number): string {
  if (schedule.runs === 0 && schedule.skipped === 0) return '';
  const runs = `${schedule.runs} run${schedule.runs === 1 ? '' : 's'}`;
  const skip = schedule.lastSkip;
  if (schedule.skipped === 0 || !skip) return runs;
  return `${runs}, ${schedule.skipped} skipped (last at ${clockTime(skip.at, now)}: ${skip.reason})`;
}
