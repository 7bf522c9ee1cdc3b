/**
 * Milliseconds on a clock that no step of the wall clock moves (NTP correcting a drift, a VM's resume, `date -s`):
 * for deadlines, waits and ages, never for a time shown or recorded (those stay `Date.now()`). A stop's deadline on
 * the wall clock stalled for as long as the clock was set back, then called a dead process "still there".
 */
export function steadyNow(): number {
  return performance.now();
}
