/**
 * Tells the code cache's loader (src/startup/code-cache.ts, a script apart from the bundle) when `land up`'s start
 * has settled: its first wave of tiers is no longer pending or starting. A first run (no cache yet) writes the
 * bundle's data then, with the functions that spawned, adopted and readied the children compiled, so the next starts
 * read them from the cache instead of compiling them from source (docs/decisions.md, "Start-up, ninth pass").
 */
import type { SupervisorControl } from '../supervisor/types.js';
import { FirstWave } from '../telemetry/first-wave.js';

const SETTLED = Symbol.for('land.codeCacheSettled');
/** At the latest: a tier restarting in a loop never lets the wave settle. */
const SETTLE_AT_THE_LATEST_MS = 5000;

/** Writes the pending code cache now (once; nothing when the loader did not ask to wait, or has no cache to write). */
export function settleCodeCache(): void {
  const settle = (globalThis as Record<symbol, unknown>)[SETTLED];
  if (typeof settle !== 'function') return;
  delete (globalThis as Record<symbol, unknown>)[SETTLED];
  settle();
}

/** settleCodeCache once the first wave has settled, at the shutdown, or SETTLE_AT_THE_LATEST_MS from now. */
export function settleCodeCacheAfterFirstWave(stack: Pick<SupervisorControl, 'subscribe' | 'snapshot'>): void {
  if (typeof (globalThis as Record<symbol, unknown>)[SETTLED] !== 'function') return;
  const wave = new FirstWave();
  for (const tier of stack.snapshot().tiers) wave.update(tier.name, tier.state);
  let done = false;
  const settle = () => {
    if (done) return;
    done = true;
    unsubscribe();
    clearTimeout(latest);
    settleCodeCache();
  };
  const unsubscribe = stack.subscribe((event) => {
    // After this event's other listeners: the functions they run are compiled by then too.
    if (event.type === 'state' && wave.update(event.tier, event.to)) setImmediate(settle);
    else if (event.type === 'shutdown') settle();
  });
  const latest = setTimeout(settle, SETTLE_AT_THE_LATEST_MS).unref();
}
