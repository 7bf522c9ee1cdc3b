/**
 * Which span times are a moment of the boot, shared by `land trace` and the dashboard's waterfall: a sender's bad
 * clock (an unset one, `startTimeUnixNano: "1"`, seconds sent as nanoseconds) is drawn with `?` and left out of the
 * scale, so one such span does not stretch every other one's offset to `+29944454m13s`.
 */

/** Times before this are a sender's error, not a moment of the boot. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);
/** Further than this from the boot's start is a sender's clock or unit error, not a moment of the boot. */
export const FARTHEST_PLAUSIBLE_MS = 366 * 24 * 3_600_000;

/**
 * Where the offsets count from: land.boot's start, else the earliest plausible start; and the rule that says a time
 * is off the clock (before 2000, or a year away from that base).
 */
export function timeBase(spans: readonly { name: string; startMs: number }[]): { base: number; offClock: (ms: number) => boolean } {
  const boot = spans.find((span) => span.name === 'land.boot')?.startMs;
  let base = boot ?? Infinity;
  if (boot === undefined) for (const span of spans) if (span.startMs >= EARLIEST_PLAUSIBLE_MS) base = Math.min(base, span.startMs);
  if (base === Infinity) for (const span of spans) base = Math.min(base, span.startMs);
  return { base, offClock: (ms) => ms < EARLIEST_PLAUSIBLE_MS || Math.abs(ms - base) > FARTHEST_PLAUSIBLE_MS };
}
