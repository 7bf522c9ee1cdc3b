/**
 * V8's optimizing compiler (TurboFan) stays off in `land up` until land has real work: a supervisor of idle children
 * runs no hot code, and the first optimized function costs ~4 MB of resident memory (the compiler's own code pages
 * in the node binary and its zones) for nothing. The hot paths turn it on at their first MiB (the log relay, the
 * OTLP receiver: neither may wait for the busy watch, which a process sharing 2 cores with its senders can stay
 * under), and anything else busy (the dashboard, a large scale-up) within a second. See docs/decisions.md ("Memory").
 * The baseline compiler (Sparkplug) and the young generation's growth come back with it (bin/land.js keeps them off
 * for `land up` as well: "Memory, fifth wave"). On a V8 whose flags land does not know, bin/land.js set none, and
 * land is never lean (src/runtime/v8-flags.ts).
 */
import { onHeartbeat } from './heartbeat.js';
import { BUSY_V8_FLAGS, isV8FlagSet, setV8Flag } from './v8-flags.js';

/** Bytes through the hot paths after which they are worth optimizing. */
const HOT_BYTES = 1024 * 1024;
/** CPU (user + system) between two heartbeats (a second) after which land is busy. */
const BUSY_CPU_US = 400_000;

let lean = false;
let hotBytes = 0;
let stopWatch: (() => void) | undefined;

/** From now on V8 optimizes what runs hot, as it does by default. */
export function optimizeFromNow(): void {
  if (!lean) return;
  lean = false;
  for (const flag of BUSY_V8_FLAGS) setV8Flag(flag);
  stopWatch?.();
  stopWatch = undefined;
}

/**
 * Keeps the optimizing compiler off until land is busy (once per process). bin/land.js turned it off before the
 * bundle loaded (set here, after, something would already be optimized, and the code cache's flags would differ);
 * when it did not (another V8), nothing is done.
 */
export function startLean(): void {
  if (lean || stopWatch || !isV8FlagSet('--no-opt')) return;
  lean = true;
  let last = process.cpuUsage();
  // On land's heartbeat, with the parent watch: one wake-up a second for both (src/runtime/heartbeat.ts).
  stopWatch = onHeartbeat(() => {
    const now = process.cpuUsage();
    const used = now.user - last.user + now.system - last.system;
    last = now;
    if (used >= BUSY_CPU_US) optimizeFromNow();
  });
}

/** The log relay (per pipe read) and the receiver (per body) count their bytes: past HOT_BYTES, together, they are
 * hot. One add and compare each. */
export function noteHotBytes(bytes: number): void {
  if (!lean) return;
  hotBytes += bytes;
  if (hotBytes >= HOT_BYTES) optimizeFromNow();
}
