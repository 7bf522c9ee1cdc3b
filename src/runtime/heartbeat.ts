/**
 * One unref'd timer, once a second, for the watches an idle `land up` keeps (the parent watch, the optimizer's busy
 * watch). On this machine a wake-up of an idle node process costs a few hundred µs of CPU whatever its callback does
 * (the scheduler, the timer's interrupt, caches gone cold), so an idle land's CPU is mostly its count of wake-ups:
 * two timers (500 ms and 1 s) woke it 90 times in 30 s, this one 30 (docs/decisions.md, "An idle stack, seventh
 * wave"). A watch that needs a finer step than a second does not belong here.
 */
export const HEARTBEAT_MS = 1_000;

/** One entry per registration (the same function twice is two beats, each with its own stop). */
const beats = new Set<{ beat: () => void }>();
let timer: NodeJS.Timeout | undefined;

/** Every beat runs even when one before it throws; the first error is thrown after, as a timer's would be. */
function runBeats(): void {
  let failure: { error: unknown } | undefined;
  // A beat that stops itself (or another) while they run is fine: a Set's iteration skips what was deleted.
  for (const entry of beats) {
    try {
      entry.beat();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}

/** Runs `beat` once a second from now on, in the same wake-up as every other beat; returns its stop. */
export function onHeartbeat(beat: () => void): () => void {
  const entry = { beat };
  beats.add(entry);
  if (!timer) {
    timer = setInterval(runBeats, HEARTBEAT_MS);
    timer.unref();
  }
  return () => {
    beats.delete(entry);
    if (beats.size > 0 || !timer) return;
    clearInterval(timer);
    timer = undefined;
  };
}

/** Runs `beat` on every `n`th heartbeat (the first `n` seconds from now); returns its stop. */
export function onEveryNthHeartbeat(n: number, beat: () => void): () => void {
  let count = 0;
  return onHeartbeat(() => {
    if (++count % n === 0) beat();
  });
}
